"""The dispatcher end to end: routing, the webhook as a receiver sees it, statuses, give-up and retry."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from server.db import utcnow
from server.extensions import db
from server.quotes.models import QuoteEvent, TechnicalTeam
from sync.channels.webhook import verify
from sync.models import DeliveryAttempt
from tests.channels.receivers import Reply
from tests.factories import make_tech_team
from tests.quotes.helpers import SECRET, backoffice_of, dispatch, event_of, quote, submit, webhook_team
from tests.sync.helpers import Tablet, mutation


def test_online_creation_answers_201_and_writes_the_outbox_event(client, world, headers):
    quote_id = submit(client, headers(world.rep), world.account, world.contact, urgency="urgent")
    stored = quote(quote_id)
    assert (stored.status, stored.rep_id, stored.team_id) == ("submitted", world.rep.id, None)
    event = event_of(quote_id)
    assert (event.state, event.kind, event.attempts) == ("pending", "quote_request.submitted", 0)
    assert event.webhook_id.startswith("msg_")


def test_online_creation_is_validated(client, world, headers):
    bad = {"account_id": world.account.id, "items": [{"label": "x", "quantity": 0}]}
    response = client.post("/api/quotes", json=bad, headers=headers(world.rep))
    assert response.status_code == 422
    assert "items.0.quantity" in response.get_json()["errors"]
    unknown = client.post("/api/quotes", json={"account_id": world.account.id, "urgency": "asap",
                                               "items": [{"label": "x", "quantity": 1}]}, headers=headers(world.rep))
    assert unknown.status_code == 422 and "urgency" in unknown.get_json()["errors"]


def test_inbox_routing_is_the_delivery_and_every_side_sees_it(app, client, session, world, headers):
    team = make_tech_team(session, channel="inbox", is_default=True)
    backoffice = backoffice_of(session, team)
    rep_tablet, desk = Tablet(client, headers(world.rep)), Tablet(client, headers(backoffice))
    rep_tablet.pull()
    desk.pull()
    assert desk.replica == {}
    quote_id = submit(client, headers(world.rep), world.account, world.contact)

    stats = dispatch()

    assert (stats.claimed, stats.delivered) == (1, 1)
    routed = quote(quote_id)
    assert (routed.status, routed.team_id) == ("routed", team.id)
    assert routed.routed_at is not None and routed.route_seconds is not None
    assert [e.status for e in session.scalars(select(QuoteEvent).where(QuoteEvent.quote_id == quote_id)
                                              .order_by(QuoteEvent.at))] == ["submitted", "routed"]
    assert event_of(quote_id).state == "delivered"
    changes = {(c["entity"], c["id"]): c for c in rep_tablet.pull()}
    assert changes[("quote_request", quote_id)]["data"]["status"] == "routed"
    # The back office's next pull brings the quote with its account and contact.
    desk.pull()
    assert set(desk.replica) == {("quote_request", quote_id), ("account", world.account.id),
                                 ("contact", world.contact.id)}


def test_webhook_body_is_the_quote_with_account_and_contact_signed(client, world, headers, http_receiver):
    team = webhook_team(db.session, http_receiver.url)
    quote_id = submit(client, headers(world.rep), world.account, world.contact)

    assert dispatch().delivered == 1

    [request] = http_receiver.requests
    verify(SECRET, dict(request.headers), request.body)
    assert request.header("webhook-id") == event_of(quote_id).webhook_id
    body = json.loads(request.body)
    assert body["type"] == "quote_request.submitted" and body["timestamp"].endswith("Z")
    data = body["data"]
    assert (data["id"], data["account_id"], data["items"][0]["label"]) == (quote_id, world.account.id, "Révision moteur")
    assert data["account"]["name"] == "Aéro Maintenance Dijon" and data["account"]["postcode"] == "21000"
    assert data["contact"]["email"] == "claire@aero.example"
    assert data["team"]["id"] == team.id and data["rep"]["id"] == world.rep.id
    assert quote(quote_id).status == "routed"


def test_a_redirect_is_a_failure_retried_later(client, world, headers, http_receiver):
    webhook_team(db.session, http_receiver.url)
    http_receiver.reply(Reply(302, {"location": "http://elsewhere.example/"}))
    quote_id = submit(client, headers(world.rep), world.account)
    now = utcnow()

    stats = dispatch(now=now)

    assert (stats.delivered, stats.retrying) == (0, 1)
    event = event_of(quote_id)
    assert (event.state, event.attempts) == ("pending", 1)
    assert "302" in event.last_error
    assert now + timedelta(seconds=15) <= event.next_attempt_at <= now + timedelta(seconds=30)
    assert quote(quote_id).status == "submitted"
    attempt = db.session.scalars(select(DeliveryAttempt)).one()
    assert (attempt.ok, attempt.status_code, attempt.dispatcher) == (False, 302, "test")
    assert dispatch(now=now).claimed == 0  # not due yet
    assert dispatch(now=event.next_attempt_at).delivered == 1
    assert quote(quote_id).status == "routed"


def test_410_disables_the_endpoint_and_the_quote_is_undeliverable(client, world, headers, http_receiver):
    team = webhook_team(db.session, http_receiver.url)
    backoffice = backoffice_of(db.session, team)
    http_receiver.reply(Reply(410))
    quote_id = submit(client, headers(world.rep), world.account)

    assert dispatch().undeliverable == 1

    assert quote(quote_id).status == "undeliverable" and quote(quote_id).team_id == team.id
    assert event_of(quote_id).state == "undeliverable"
    teams = client.get("/api/admin/technical-teams", headers=headers(world.admin)).get_json()
    assert [(t["id"], t["enabled"]) for t in teams] == [(team.id, False)]
    assert "410" in teams[0]["disabled_reason"]
    # The back office sees it in its queue; a second quote is not even sent to the disabled endpoint.
    queue = client.get("/api/quotes?status=undeliverable", headers=headers(backoffice)).get_json()
    assert [q["id"] for q in queue["items"]] == [quote_id]
    second = submit(client, headers(world.rep), world.account)
    assert dispatch().undeliverable == 1
    assert len(http_receiver.requests) == 1 and "disabled" in event_of(second).last_error


def test_429_and_503_honour_retry_after(client, world, headers, http_receiver):
    webhook_team(db.session, http_receiver.url)
    http_receiver.reply(Reply(429, {"retry-after": "600"}), Reply(503, {"retry-after": "900"}))
    quote_id = submit(client, headers(world.rep), world.account)
    now = utcnow()

    dispatch(now=now)
    first = event_of(quote_id).next_attempt_at
    assert now + timedelta(seconds=600) <= first <= now + timedelta(seconds=601)
    dispatch(now=first)
    second = event_of(quote_id).next_attempt_at
    assert first + timedelta(seconds=900) <= second <= first + timedelta(seconds=901)
    assert dispatch(now=second).delivered == 1
    ids = {r.header("webhook-id") for r in http_receiver.requests}
    assert len(http_receiver.requests) == 3 and ids == {event_of(quote_id).webhook_id}


def test_after_24_hours_of_failures_the_quote_is_undeliverable_and_can_be_retried(client, world, headers,
                                                                                 http_receiver):
    team = webhook_team(db.session, http_receiver.url)
    backoffice = backoffice_of(db.session, team)
    http_receiver.reply(*[Reply(500)] * 3)
    quote_id = submit(client, headers(world.rep), world.account)
    start = utcnow()

    assert dispatch(now=start).retrying == 1
    assert dispatch(now=start + timedelta(hours=23)).retrying == 1
    assert dispatch(now=start + timedelta(hours=24, minutes=1)).undeliverable == 1
    assert quote(quote_id).status == "undeliverable"
    assert dispatch(now=start + timedelta(days=3)).claimed == 0  # given up: no more attempts

    refused = client.post(f"/api/quotes/{quote_id}/retry-delivery", headers=headers(world.rep))
    assert refused.status_code == 422  # a rep sees its quote but does not steer deliveries
    retried = client.post(f"/api/quotes/{quote_id}/retry-delivery", headers=headers(backoffice))
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["status"] == "submitted"
    assert event_of(quote_id).state == "pending"
    assert dispatch().delivered == 1
    assert quote(quote_id).status == "routed"
    assert {r.header("webhook-id") for r in http_receiver.requests} == {event_of(quote_id).webhook_id}
    again = client.post(f"/api/quotes/{quote_id}/retry-delivery", headers=headers(backoffice))
    assert again.status_code == 409 and again.get_json()["type"].endswith("illegal_transition")


def test_replayed_pushes_create_the_quote_once_and_deliver_it_once(client, world, headers, http_receiver):
    webhook_team(db.session, http_receiver.url)
    tablet = Tablet(client, headers(world.rep))
    create = mutation("quote_request", "create", "0190a0b0-0000-7000-8000-000000000001",
                      {"account_id": world.account.id, "items": [{"label": "Joint", "quantity": 4}]})
    first = tablet.push(create)["results"][0]
    dispatch()
    replays = [tablet.push(create)["results"][0] for _ in range(3)]

    assert first["status"] == "applied" and all(r == first for r in replays)
    assert dispatch().claimed == 0
    assert len(http_receiver.requests) == 1
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 1
    assert quote(first["id"]).status == "routed"


def test_cancelled_before_delivery_is_never_sent(client, world, headers, http_receiver):
    webhook_team(db.session, http_receiver.url)
    quote_id = submit(client, headers(world.rep), world.account)
    cancel = client.patch(f"/api/quotes/{quote_id}", json={"changes": {"status": "cancelled"}},
                          headers=headers(world.rep))
    assert cancel.status_code == 200, cancel.get_json()

    assert dispatch().cancelled == 1
    assert http_receiver.requests == [] and event_of(quote_id).state == "cancelled"


def test_email_channel_sends_the_text_and_the_json(client, world, headers, smtp_receiver):
    smtp = smtp_receiver()
    make_tech_team(db.session, channel="email", email="devis@tech.example", is_default=True)
    db.session.commit()
    quote_id = submit(client, headers(world.rep), world.account, world.contact, urgency="urgent")
    from tests.quotes.helpers import FAST
    settings = type(FAST)(smtp_url=smtp.url(), mail_sender="tournee@test.example", timeout_s=5)

    assert dispatch(settings=settings).delivered == 1

    [message] = smtp.handler.messages
    assert message["To"] == "devis@tech.example"
    assert "Aéro Maintenance Dijon" in message["Subject"] and "URGENT" in message["Subject"]
    assert message["X-Tournee-Delivery-Id"] == event_of(quote_id).webhook_id
    text = message.get_body(("plain",)).get_content()
    assert "Révision moteur" in text and "Claire Technique" in text
    [attachment] = list(message.iter_attachments())
    assert json.loads(attachment.get_content())["data"]["id"] == quote_id
    assert quote(quote_id).status == "routed"


def test_a_team_without_route_keeps_the_quote_submitted_until_an_admin_adds_one(client, world, headers):
    make_tech_team(db.session, channel="inbox", is_default=False)
    db.session.commit()
    quote_id = submit(client, headers(world.rep), world.account)

    stats = dispatch()

    assert (stats.claimed, stats.unrouted, stats.delivered) == (1, 1, 0)
    assert quote(quote_id).status == "submitted"
    assert "no routing rule" in event_of(quote_id).last_error
    created = client.post("/api/admin/technical-teams", json={"name": "Atelier", "channel": "inbox", "is_default": True},
                          headers=headers(world.admin))
    assert created.status_code == 201, created.get_json()
    assert dispatch().delivered == 1  # woken up at once, not in 5 minutes
    assert quote(quote_id).team_id == created.get_json()["id"]
    assert db.session.get(TechnicalTeam, created.get_json()["id"]).is_default


def test_tournee_dispatch_once_drains_what_is_due_and_exits(app, runner, client, world, headers):
    make_tech_team(db.session, channel="inbox", is_default=True)
    db.session.commit()
    quote_ids = [submit(client, headers(world.rep), world.account) for _ in range(3)]
    db.session.remove()  # the command opens its own sessions

    result = runner.invoke(args=["dispatch", "--once", "--id", "cli"])

    assert result.exit_code == 0, result.output
    assert "delivered=3" in result.output
    assert {quote(q).status for q in quote_ids} == {"routed"}


def test_the_new_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/quotes/{quote_id}/transition", "/api/quotes/{quote_id}/retry-delivery",
                 "/api/admin/technical-teams", "/api/admin/routing-rules", "/api/attachments"):
        assert path in paths, path

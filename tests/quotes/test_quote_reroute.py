"""A stuck quote request sent by hand to another technical team, still exactly once
(server/quotes/reroute.py; the outbox's rules, sync/dispatch.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from server.db import utcnow
from server.extensions import db
from sync.dispatch import claim
from sync.models import DeliveryAttempt, OutboxEvent
from tests.factories import make_tech_team
from tests.quotes.helpers import FAST, backoffice_of, dispatch, event_of, quote, submit, webhook_team


def refusing_email_team(session, smtp_receiver):
    """An e-mail team (the default) whose relay refuses every message; its settings."""
    team = make_tech_team(session, channel="email", email="devis@atelier.example", is_default=True)
    session.commit()
    smtp = smtp_receiver(*["554 5.7.1 Relay access denied"] * 5)
    return team, replace(FAST, smtp_url=smtp.url())


def test_an_undeliverable_quote_is_rerouted_and_delivered_exactly_once(client, world, headers, smtp_receiver,
                                                                       http_receiver):
    stuck, settings = refusing_email_team(db.session, smtp_receiver)
    office = backoffice_of(db.session, stuck)
    other = webhook_team(db.session, http_receiver.url, is_default=False, name="Atelier hydraulique")
    quote_id = submit(client, headers(world.rep), world.account, world.contact)
    assert dispatch(settings=settings).undeliverable == 1
    teams = client.get("/api/technical-teams", headers=headers(office))
    assert teams.status_code == 200
    assert {t["name"]: t["receives"] for t in teams.get_json()} == {stuck.name: True, "Atelier hydraulique": True}

    moved = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": other.id}, headers=headers(office))

    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["status"], moved.get_json()["team_id"]) == ("submitted", None)
    # It left the stuck team's scope: its back office no longer sees it.
    assert client.get(f"/api/quotes/{quote_id}", headers=headers(office)).status_code == 404
    assert dispatch(settings=settings).delivered == 1
    assert (quote(quote_id).status, quote(quote_id).team_id) == ("routed", other.id)
    # One event, one delivery, the same webhook-id: a receiver can drop a duplicate.
    [request] = http_receiver.requests
    assert request.header("webhook-id") == event_of(quote_id).webhook_id
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt).where(DeliveryAttempt.ok)) == 1
    # Delivered: neither sent elsewhere again, nor retried, nor taken up by a later pass.
    admin = headers(world.admin)
    again = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": stuck.id}, headers=admin)
    assert again.status_code == 409 and again.get_json()["type"].endswith("illegal_transition")
    assert client.post(f"/api/quotes/{quote_id}/retry-delivery", headers=admin).status_code == 409
    assert dispatch(settings=settings, now=utcnow() + timedelta(days=2)).claimed == 0
    assert len(http_receiver.requests) == 1


def test_rerouting_waits_while_a_dispatcher_holds_the_delivery(client, world, headers, smtp_receiver, http_receiver):
    stuck, settings = refusing_email_team(db.session, smtp_receiver)
    other = webhook_team(db.session, http_receiver.url, is_default=False)
    quote_id = submit(client, headers(world.rep), world.account)
    now = utcnow()
    # Another dispatcher claimed it (D1) and may be sending it this very moment (D2).
    assert claim(db.session, now=now, dispatcher_id="elsewhere", batch=5, lease_s=60) == [event_of(quote_id).id]
    db.session.commit()

    busy = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": other.id}, headers=headers(world.admin))

    assert busy.status_code == 409 and busy.get_json()["type"].endswith("delivery_in_flight")
    assert 1 <= int(busy.headers["Retry-After"]) <= 60
    assert busy.get_json()["title"] == "Envoi en cours"
    assert event_of(quote_id).team_id is None  # untouched
    # Its lease over (the dispatcher died), the quote may go elsewhere.
    db.session.execute(OutboxEvent.__table__.update().values(lease_until=now - timedelta(seconds=1)))
    db.session.commit()
    moved = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": other.id}, headers=headers(world.admin))
    assert moved.status_code == 200, moved.get_json()
    assert dispatch(settings=settings).delivered == 1 and len(http_receiver.requests) == 1


def test_a_quote_waiting_for_a_mail_relay_is_rerouted_by_an_admin(client, world, headers, http_receiver):
    make_tech_team(db.session, channel="email", email="devis@atelier.example", is_default=True)  # no member
    other = webhook_team(db.session, http_receiver.url, is_default=False)
    quote_id = submit(client, headers(world.rep), world.account)
    no_relay = replace(FAST, smtp_url="")
    assert dispatch(settings=no_relay).waiting == 1

    moved = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": other.id}, headers=headers(world.admin))

    assert moved.status_code == 200, moved.get_json()
    history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(world.admin)).get_json()
    assert history["team_name"] == other.name  # on its way there
    assert history["events"][-1]["note"] == f"envoyée à la main à l’équipe technique {other.name}"
    assert dispatch(settings=no_relay).delivered == 1 and quote(quote_id).team_id == other.id


def test_rerouting_is_refused_where_it_cannot_help(client, world, headers, smtp_receiver):
    stuck, settings = refusing_email_team(db.session, smtp_receiver)
    nobody = make_tech_team(db.session, channel="inbox")  # no member: receives nothing
    db.session.commit()
    quote_id = submit(client, headers(world.rep), world.account)
    assert dispatch(settings=settings).undeliverable == 1
    admin = headers(world.admin)

    empty = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": nobody.id}, headers=admin)
    assert empty.status_code == 422 and "team_id" in empty.get_json()["errors"]
    assert empty.get_json()["errors"]["team_id"] == ["Ne reçoit rien : aucun membre, et son canal ne peut pas "
                                                     "transmettre."]
    unknown = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": "0190f0e0-0000-7000-8000-000000000000"},
                          headers=admin)
    assert unknown.status_code == 422 and "team_id" in unknown.get_json()["errors"]
    malformed = client.post(f"/api/quotes/{quote_id}/reroute", json={"team": "x"}, headers=admin)
    assert malformed.status_code == 422 and "team_id" in malformed.get_json()["errors"]
    # A rep sees its quote but does not steer deliveries; nor does it list the technical teams.
    rep = client.post(f"/api/quotes/{quote_id}/reroute", json={"team_id": stuck.id}, headers=headers(world.rep))
    assert rep.status_code == 422
    assert client.get("/api/technical-teams", headers=headers(world.rep)).status_code == 404
    assert quote(quote_id).status == "undeliverable" and event_of(quote_id).state == "undeliverable"

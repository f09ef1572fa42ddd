"""An e-mail technical team on a server with no mail relay (`make run` sets SMTP_URL=""), and
delivery failures told in words: what an admin and a back office see (sync/dispatch.py D7,
server/quotes/reasons.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from server.db import utcnow
from server.extensions import db
from sync.models import DeliveryAttempt
from tests.factories import make_tech_team
from tests.quotes.helpers import FAST, backoffice_of, dispatch, event_of, quote, submit

NO_RELAY = replace(FAST, smtp_url="")
NOT_CONFIGURED_FR = "Aucun serveur d’e-mail n’est configuré sur le serveur (SMTP_URL) : aucun e-mail ne peut partir."


def email_team(session, **fields):
    fields.setdefault("is_default", True)
    team = make_tech_team(session, channel="email", email="devis@atelier.example", **fields)
    session.commit()
    return team


def attempts() -> int:
    return db.session.scalar(select(func.count()).select_from(DeliveryAttempt))


def test_an_email_team_says_it_cannot_deliver_while_no_relay_is_set(app, client, world, headers):
    app.config["SMTP_URL"] = ""
    created = client.post("/api/admin/technical-teams", json={"name": "Atelier", "channel": "email",
                                                              "email": "devis@atelier.example"},
                          headers=headers(world.admin))
    assert created.status_code == 201, created.get_json()
    team = created.get_json()
    assert (team["deliverable"], team["reason"], team["reason_text"]) == (False, "mail_relay_not_configured",
                                                                          NOT_CONFIGURED_FR)
    inbox = client.post("/api/admin/technical-teams", json={"name": "Bureau", "channel": "inbox"},
                        headers=headers(world.admin)).get_json()
    assert (inbox["deliverable"], inbox["reason"]) == (True, None)
    # The desk's form asks before a team exists: which channels can deliver on this server.
    channels = client.get("/api/admin/delivery-channels", headers={**headers(world.admin), "Accept-Language": "en"})
    assert channels.status_code == 200
    assert channels.get_json()["email"] == {"deliverable": False, "reason": "mail_relay_not_configured",
                                            "reason_text": "No mail relay is configured on the server (SMTP_URL): "
                                                           "no e-mail can leave."}
    assert channels.get_json()["webhook"]["deliverable"] is True
    # The channel test says it in words too, without trying anything.
    tested = client.post(f"/api/admin/technical-teams/{team['id']}/test", headers=headers(world.admin)).get_json()
    assert (tested["ok"], tested["reason"], tested["error"]) == (False, "mail_relay_not_configured", NOT_CONFIGURED_FR)

    app.config["SMTP_URL"] = "smtp://relay.example:25"
    listed = client.get("/api/admin/technical-teams", headers=headers(world.admin)).get_json()
    assert {t["name"]: t["deliverable"] for t in listed} == {"Atelier": True, "Bureau": True}
    assert client.get("/api/admin/delivery-channels", headers=headers(world.rep)).status_code == 404


def test_with_no_relay_a_team_without_members_waits_then_gets_it_once_a_relay_is_set(client, world, headers,
                                                                                     smtp_receiver):
    email_team(db.session)
    quote_id = submit(client, headers(world.rep), world.account, world.contact)
    start = utcnow()

    stats = dispatch(settings=NO_RELAY, now=start)

    assert (stats.claimed, stats.waiting, stats.undeliverable, stats.delivered) == (1, 1, 0, 0)
    event = event_of(quote_id)
    assert (event.state, event.attempts, event.first_attempt_at, event.last_reason) == (
        "pending", 0, None, "mail_relay_not_configured")
    assert quote(quote_id).status == "submitted" and attempts() == 0
    assert dispatch(settings=NO_RELAY, now=start + timedelta(minutes=1)).claimed == 0  # not before RELAY_RECHECK
    # A day later it still waits: no relay is no failure of the team's, and no 24 h window runs.
    assert dispatch(settings=NO_RELAY, now=start + timedelta(hours=25)).waiting == 1
    assert quote(quote_id).status == "submitted" and attempts() == 0
    history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(world.admin)).get_json()
    assert history["delivery"]["reason"] == "mail_relay_not_configured"
    assert history["delivery"]["reason_text"] == NOT_CONFIGURED_FR

    smtp = smtp_receiver()
    relay = replace(FAST, smtp_url=smtp.url())
    assert dispatch(settings=relay, now=start + timedelta(hours=26)).delivered == 1
    assert dispatch(settings=relay, now=start + timedelta(days=3)).claimed == 0
    assert len(smtp.handler.messages) == 1 and quote(quote_id).status == "routed"
    assert event_of(quote_id).last_reason is None


def test_with_no_relay_a_team_with_members_receives_it_in_its_inbox(client, world, headers):
    team = email_team(db.session)
    office = backoffice_of(db.session, team)
    quote_id = submit(client, headers(world.rep), world.account, world.contact)

    assert dispatch(settings=NO_RELAY).delivered == 1

    routed = quote(quote_id)
    assert (routed.status, routed.team_id) == ("routed", team.id)
    assert db.session.scalars(select(DeliveryAttempt.channel)).all() == ["inbox"]
    history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(office)).get_json()
    assert history["events"][-1]["note"] == ("déposée dans la boîte de réception de l’équipe : aucun serveur "
                                             "d’e-mail n’est configuré")
    took = client.post(f"/api/quotes/{quote_id}/transition", json={"to": "in_progress"}, headers=headers(office))
    assert took.status_code == 200, took.get_json()


def test_a_relay_that_refuses_is_told_in_words_and_its_detail_is_for_admins(client, world, headers, smtp_receiver):
    team = email_team(db.session)
    office = backoffice_of(db.session, team)
    smtp = smtp_receiver("554 5.7.1 Relay access denied for devis@atelier.example")
    quote_id = submit(client, headers(world.rep), world.account, world.contact)

    assert dispatch(settings=replace(FAST, smtp_url=smtp.url())).undeliverable == 1

    assert quote(quote_id).status == "undeliverable" and event_of(quote_id).last_reason == "mail_relay_refused"
    french = client.get(f"/api/quotes/{quote_id}/history", headers=headers(office)).get_json()
    delivery = french["delivery"]
    assert (delivery["reason"], delivery["status_code"]) == ("mail_relay_refused", 554)
    assert delivery["reason_text"] == "Le serveur d’e-mail a refusé le message (SMTP 554)."
    assert delivery["last_error"] is None  # the relay's own words are no back office's business
    assert french["events"][-1]["note"] == "Le serveur d’e-mail a refusé le message (SMTP 554)."
    english = client.get(f"/api/quotes/{quote_id}/history",
                         headers={**headers(office), "Accept-Language": "en"}).get_json()
    assert english["delivery"]["reason_text"] == "The mail relay refused the message (SMTP 554)."
    assert english["events"][-1]["note"] == "The mail relay refused the message (SMTP 554)."
    admin = client.get(f"/api/quotes/{quote_id}/history", headers=headers(world.admin)).get_json()
    assert "554" in admin["delivery"]["last_error"] and "Relay access denied" in admin["delivery"]["last_error"]


def test_the_quotes_own_the_no_relay_rule_that_the_dispatcher_asks(session, world):
    from server.quotes.relay import without_relay
    members_team = email_team(session, is_default=False, name="Atelier")
    backoffice_of(session, members_team)
    session.expire(members_team)
    lonely = email_team(session, is_default=False, name="Seul")
    webhook = make_tech_team(session, channel="webhook", webhook_url="https://hooks.example/q")
    session.commit()
    assert without_relay(members_team, "mail_relay_not_configured").channel == "inbox"
    waits = without_relay(lonely, "mail_relay_invalid")
    assert (waits.channel, waits.error) == (None, "team 'Seul' uses e-mail, no mail relay (SMTP_URL) is set, "
                                                  "and it has no member")
    assert without_relay(lonely, None) is None  # a relay: the team's own channel is tried
    assert without_relay(webhook, "mail_relay_not_configured") is None
    lonely.disabled_at = utcnow()
    assert without_relay(lonely, "mail_relay_not_configured") is None  # disabled: its own failure then
    # The engine asks the quotes: no quote rule, no member test, left in the dispatcher.
    from pathlib import Path

    import sync.dispatch
    source = Path(sync.dispatch.__file__).read_text()
    assert "team.members" not in source and "without_relay(" in source

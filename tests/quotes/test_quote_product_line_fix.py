"""A quote request whose product line was typed freely and names no line of the company goes to
the default team; its back office sees it flagged and sets the right line, which routes it
again by the rules, never twice to the same team (server/quotes/line_fix.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.quotes.models import QuoteEvent, RoutingRule
from sync.models import DeliveryAttempt, OutboxEvent
from tests.factories import make_tech_team
from tests.quotes.helpers import backoffice_of, dispatch, quote, submit


@pytest.fixture
def teams(session, world):
    """The default team and the motors team (a rule on the line "moteurs"), inbox both, a back office each."""
    default = make_tech_team(session, name="Service technique", channel="inbox", is_default=True)
    motors = make_tech_team(session, name="Atelier moteurs", channel="inbox", is_default=False)
    session.add(RoutingRule(team_id=motors.id, product_line="moteurs", priority=10))
    session.commit()
    return default, motors, backoffice_of(session, default), backoffice_of(session, motors)


def _deliveries(quote_id: str) -> dict[str, int]:
    """team id → deliveries made of the quote (events delivered; each a successful attempt)."""
    db.session.expire_all()
    rows = db.session.execute(select(OutboxEvent.team_id, func.count()).where(
        OutboxEvent.quote_id == quote_id, OutboxEvent.state == "delivered").group_by(OutboxEvent.team_id))
    delivered = dict(rows.all())
    attempts = db.session.scalar(select(func.count()).select_from(DeliveryAttempt).join(
        OutboxEvent, OutboxEvent.id == DeliveryAttempt.event_id).where(OutboxEvent.quote_id == quote_id,
                                                                       DeliveryAttempt.ok))
    assert attempts == sum(delivered.values())
    return delivered


def _fix(client, headers, who, quote_id, line):
    return client.post(f"/api/quotes/{quote_id}/product-line", json={"product_line": line}, headers=headers(who))


def test_an_unrecognised_line_goes_to_the_default_team_flagged_and_listed(client, world, headers, teams):
    default, motors, office, _ = teams
    typed = submit(client, headers(world.rep), world.account, product_line="Turbines à gaz")
    alias = submit(client, headers(world.rep), world.account, product_line="Moteur")  # an alias of "moteurs"
    assert dispatch().delivered == 2
    assert (quote(typed).team_id, quote(alias).team_id) == (default.id, motors.id)

    listed = client.get("/api/quotes?line=unrecognised", headers=headers(office))
    assert listed.status_code == 200, listed.get_json()
    assert [q["id"] for q in listed.get_json()["items"]] == [typed] and listed.get_json()["total"] == 1
    assert [q["id"] for q in client.get("/api/quotes?line=unrecognised", headers=headers(world.manager))
            .get_json()["items"]] == [typed]
    history = client.get(f"/api/quotes/{typed}/history", headers=headers(office)).get_json()
    assert (history["product_line_recognised"], history["product_line_key"]) == (False, None)
    known = client.get(f"/api/quotes/{alias}/history", headers=headers(world.manager)).get_json()
    assert (known["product_line_recognised"], known["product_line_key"]) == (True, "moteurs")
    # The free text is still accepted and kept as typed (API.md: a free string).
    assert client.get(f"/api/quotes/{typed}", headers=headers(office)).get_json()["product_line"] == "Turbines à gaz"
    assert client.get("/api/quotes?line=everything", headers=headers(office)).status_code == 422


def test_setting_the_line_reroutes_the_quote_once_to_the_lines_team(client, world, headers, teams):
    default, motors, office, motors_office = teams
    quote_id = submit(client, headers(world.rep), world.account, product_line="Turbines à gaz")
    assert dispatch().delivered == 1 and quote(quote_id).team_id == default.id

    fixed = _fix(client, headers, office, quote_id, "Moteurs")

    assert fixed.status_code == 200, fixed.get_json()
    body = fixed.get_json()
    assert (body["product_line"], body["status"], body["team_id"]) == ("moteurs", "submitted", None)
    assert client.get(f"/api/quotes/{quote_id}", headers=headers(office)).status_code == 404  # left its queue
    assert dispatch().delivered == 1
    assert (quote(quote_id).status, quote(quote_id).team_id) == ("routed", motors.id)
    assert _deliveries(quote_id) == {default.id: 1, motors.id: 1}
    assert client.get(f"/api/quotes?line=unrecognised", headers=headers(motors_office)).get_json()["total"] == 0
    history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(motors_office)).get_json()
    assert history["product_line_recognised"] is True and history["team_name"] == "Atelier moteurs"
    assert any("Turbines à gaz" in (e["note"] or "") for e in history["events"])

    # Back to a line of the default team, which had it already: routed there again, no delivery.
    back = _fix(client, headers, world.manager, quote_id, "maintenance")
    assert back.status_code == 200, back.get_json()
    assert (back.get_json()["status"], back.get_json()["team_id"]) == ("routed", default.id)
    assert dispatch().claimed == 0
    # And to the motors team again: it had it too.
    again = _fix(client, headers, world.manager, quote_id, "moteurs")
    assert (again.get_json()["status"], again.get_json()["team_id"]) == ("routed", motors.id)
    assert dispatch().claimed == 0
    assert _deliveries(quote_id) == {default.id: 1, motors.id: 1}


def test_a_line_whose_team_already_has_the_quote_changes_the_line_only(client, world, headers, teams):
    default, _, office, _ = teams
    quote_id = submit(client, headers(world.rep), world.account, product_line="Turbines à gaz")
    dispatch()
    version = quote(quote_id).version

    fixed = _fix(client, headers, office, quote_id, "Pièces détachées")  # no rule: the default team's

    assert fixed.status_code == 200, fixed.get_json()
    assert (fixed.get_json()["product_line"], fixed.get_json()["status"], fixed.get_json()["team_id"]) == (
        "pieces", "routed", default.id)
    assert fixed.get_json()["version"] > version
    assert dispatch().claimed == 0 and _deliveries(quote_id) == {default.id: 1}
    assert db.session.scalar(select(func.count()).select_from(QuoteEvent).where(
        QuoteEvent.quote_id == quote_id, QuoteEvent.note.like("product line set to pieces%"))) == 1


def test_a_quote_not_yet_delivered_goes_only_to_the_lines_team(client, world, headers, teams):
    default, motors, _, _ = teams
    quote_id = submit(client, headers(world.rep), world.account, product_line="Turbines à gaz")

    fixed = _fix(client, headers, world.admin, quote_id, "moteur")

    assert fixed.status_code == 200, fixed.get_json()
    assert dispatch().delivered == 1
    assert _deliveries(quote_id) == {motors.id: 1}
    assert quote(quote_id).team_id == motors.id


def test_an_unknown_line_or_a_quote_in_hand_is_refused(client, world, headers, teams):
    _, _, office, _ = teams
    quote_id = submit(client, headers(world.rep), world.account, product_line="Turbines à gaz")
    dispatch()

    unknown = _fix(client, headers, office, quote_id, "Turbines")
    assert unknown.status_code == 422 and unknown.mimetype == "application/problem+json"
    assert list(unknown.get_json()["errors"]) == ["product_line"]
    empty = client.post(f"/api/quotes/{quote_id}/product-line", json={}, headers=headers(office))
    assert empty.status_code == 422 and "product_line" in empty.get_json()["errors"]
    assert client.post(f"/api/quotes/{quote_id}/transition", json={"to": "in_progress"},
                       headers=headers(office)).status_code == 200

    taken = _fix(client, headers, office, quote_id, "moteurs")

    assert taken.status_code == 409 and taken.get_json()["type"].endswith("illegal_transition")
    assert quote(quote_id).product_line == "Turbines à gaz" and _deliveries(quote_id) != {}
    by_rep = _fix(client, headers, world.rep, quote_id, "moteurs")  # a rep does not steer deliveries
    assert by_rep.status_code == 422 and by_rep.get_json()["type"].endswith("forbidden")


def test_routing_rules_meet_a_line_whatever_its_spelling(client, world, headers, teams):
    """A rule on a line's key takes the quotes that name it by a label or an alias, not a text naming none."""
    _, motors, _, _ = teams
    ids = {text: submit(client, headers(world.rep), world.account, product_line=text)
           for text in ("MOTEURS", "Motors", "moteur", "moteurs diesel")}
    assert dispatch().delivered == 4
    assert {text: quote(i).team_id == motors.id for text, i in ids.items()} == {
        "MOTEURS": True, "Motors": True, "moteur": True, "moteurs diesel": False}

"""The back office's workflow: legal transitions only, amounts, scope, history, queue filters, turnaround."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_tech_team, make_user
from tests.quotes.helpers import backoffice_of, dispatch, quote, submit
from tests.sync.helpers import Tablet, iso, mutation


@pytest.fixture
def desk(world, session):
    """An inbox team that catches every quote, and its back-office user."""
    team = make_tech_team(session, channel="inbox", is_default=True)
    return team, backoffice_of(session, team)


def routed(client, world, headers, **fields) -> str:
    quote_id = submit(client, headers(world.rep), world.account, world.contact, **fields)
    assert dispatch().delivered == 1
    return quote_id


def move(client, headers, quote_id, to, **body):
    return client.post(f"/api/quotes/{quote_id}/transition", json={"to": to, **body}, headers=headers)


def test_the_whole_workflow_sets_its_timestamps_and_the_rep_pulls_each_step(client, world, headers, desk):
    _, backoffice = desk
    tablet = Tablet(client, headers(world.rep))
    quote_id = routed(client, world, headers)
    tablet.pull()

    steps = [("in_progress", {}), ("quoted", {"amount": 4210.5, "note": "Devis n°2026-118"}), ("won", {})]
    for to, body in steps:
        response = move(client, headers(backoffice), quote_id, to, **body)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == to
        tablet.pull()
        assert tablet.replica[("quote_request", quote_id)]["status"] == to

    data = tablet.replica[("quote_request", quote_id)]
    assert data["amount"] == 4210.5
    assert data["routed_at"] <= data["in_progress_at"] <= data["quoted_at"] <= data["closed_at"]
    assert data["turnaround_hours"] is not None and data["turnaround_hours"] >= 0
    history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(backoffice)).get_json()
    assert [e["status"] for e in history["events"]] == ["submitted", "routed", "in_progress", "quoted", "won"]
    assert history["events"][3]["amount"] == 4210.5 and history["events"][3]["actor_id"] == backoffice.id
    assert history["delivery"]["state"] == "delivered"


def test_the_history_names_the_technical_team_once_routed(client, world, headers, desk, session):
    team, backoffice = desk
    admin = make_user(session, "admin")
    session.commit()
    quote_id = submit(client, headers(world.rep), world.account, world.contact)
    waiting = client.get(f"/api/quotes/{quote_id}/history", headers=headers(admin)).get_json()
    assert waiting["team_name"] is None
    assert dispatch().delivered == 1
    for reader in (admin, backoffice):
        history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(reader)).get_json()
        assert history["team_name"] == team.name


def test_turnaround_counts_from_the_tablets_creation_time(client, world, headers, desk):
    _, backoffice = desk
    made_offline = datetime.now(UTC) - timedelta(hours=30)
    tablet = Tablet(client, headers(world.rep))
    result = tablet.push(mutation("quote_request", "create", "0190a0b0-0000-7000-8000-0000000000aa",
                                  {"account_id": world.account.id, "items": [{"label": "Joint", "quantity": 1}]},
                                  client_time=made_offline))["results"][0]
    dispatch()
    quoted = move(client, headers(backoffice), result["id"], "quoted", amount=90).get_json()
    assert quoted["created_at"] == iso(made_offline.replace(microsecond=made_offline.microsecond // 1000 * 1000))
    assert 29.9 <= quoted["turnaround_hours"] <= 30.2
    assert quoted["route_seconds"] >= 30 * 3600 - 60


ILLEGAL = [([], "won"), ([], "lost"), (["in_progress"], "in_progress"), (["quoted"], "in_progress"),
           (["quoted", "won"], "lost"), (["quoted", "lost"], "quoted")]


def test_illegal_transitions_answer_409(client, world, headers, desk):
    _, backoffice = desk
    for path, to in ILLEGAL:
        quote_id = routed(client, world, headers)
        for step in path:
            assert move(client, headers(backoffice), quote_id, step,
                        **({"amount": 10} if step == "quoted" else {})).status_code == 200
        response = move(client, headers(backoffice), quote_id, to, **({"amount": 10} if to == "quoted" else {}))
        assert response.status_code == 409, (path, to)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"].endswith("illegal_transition")
        assert quote(quote_id).status == (path[-1] if path else "routed")


def test_a_submitted_quote_cannot_move_before_it_is_routed(client, world, headers, desk):
    quote_id = submit(client, headers(world.rep), world.account)
    response = move(client, headers(world.manager), quote_id, "in_progress")
    assert response.status_code == 409 and response.get_json()["current"] == "submitted"


def test_routed_can_go_straight_to_quoted_but_never_without_a_positive_amount(client, world, headers, desk):
    _, backoffice = desk
    quote_id = routed(client, world, headers)
    for body in ({}, {"amount": 0}, {"amount": -5}, {"amount": "lots"}):
        response = move(client, headers(backoffice), quote_id, "quoted", **body)
        assert response.status_code == 422, body
        assert "amount" in response.get_json()["errors"]
    assert quote(quote_id).status == "routed"
    ok = move(client, headers(backoffice), quote_id, "quoted", amount=1234.5)
    assert ok.status_code == 200 and ok.get_json()["in_progress_at"] is None
    assert move(client, headers(backoffice), quote_id, "lost", amount=3).status_code == 422


def test_only_those_who_see_the_quote_move_it(app, client, session, world, headers, desk):
    quote_id = routed(client, world, headers)
    other_desk = backoffice_of(session, make_tech_team(session, channel="inbox"))
    tele = make_user(session, "telemarketer", team=world.team)
    session.commit()
    for outsider in (other_desk, tele):
        response = move(client, headers(outsider), quote_id, "in_progress")
        assert response.status_code == 404, outsider.role
        assert client.get(f"/api/quotes/{quote_id}/history", headers=headers(outsider)).status_code == 404
    rep = move(client, headers(world.rep), quote_id, "in_progress")
    assert rep.status_code == 422 and rep.get_json()["type"].endswith("forbidden")
    assert move(client, headers(world.manager), quote_id, "in_progress").status_code == 200
    assert move(client, headers(world.admin), quote_id, "quoted", amount=5).status_code == 200


def test_the_queue_filters_by_status_team_urgency_and_age_urgent_first(client, world, headers, desk):
    team, backoffice = desk
    normal = submit(client, headers(world.rep), world.account)
    urgent = submit(client, headers(world.rep), world.account, urgency="urgent")
    dispatch()
    later = submit(client, headers(world.rep), world.account)  # stays submitted: not the desk's yet

    def ids(query):
        response = client.get(f"/api/quotes?{query}", headers=headers(backoffice))
        assert response.status_code == 200, response.get_json()
        return [q["id"] for q in response.get_json()["items"]]

    assert ids("") == [urgent, normal]
    assert ids(f"status=routed&team_id={team.id}") == [urgent, normal]
    assert ids("urgency=normal") == [normal]
    created = quote(urgent).created_at
    assert ids("created_after=" + iso(created + timedelta(microseconds=1))) == []
    assert ids("created_before=" + iso(created)) == [normal]
    assert move(client, headers(backoffice), normal, "in_progress").status_code == 200
    assert move(client, headers(backoffice), normal, "quoted", amount=100).status_code == 200
    assert move(client, headers(backoffice), normal, "won").status_code == 200
    closed = quote(normal).closed_at
    assert ids("closed_after=" + iso(closed)) == [normal]  # the desk's "closed lately" column
    assert ids("closed_after=" + iso(closed + timedelta(microseconds=1))) == []
    manager_view = client.get("/api/quotes?status=submitted", headers=headers(world.manager)).get_json()
    assert [q["id"] for q in manager_view["items"]] == [later]


def test_rep_cannot_edit_after_routing_but_may_cancel(client, world, headers, desk):
    quote_id = routed(client, world, headers)
    edit = client.patch(f"/api/quotes/{quote_id}", json={"changes": {"notes": "oops"}}, headers=headers(world.rep))
    assert edit.status_code == 409 and edit.get_json()["type"].endswith("immutable")
    cancel = client.patch(f"/api/quotes/{quote_id}", json={"changes": {"status": "cancelled"}},
                          headers=headers(world.rep))
    assert cancel.status_code == 200 and cancel.get_json()["status"] == "cancelled"
    _, backoffice = desk
    assert move(client, headers(backoffice), quote_id, "in_progress").status_code == 409

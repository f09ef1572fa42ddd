"""Accounts without a usable position are never silently left out (API.md → Account files
and locations): a tour lists them in `unplanned` with `no_location` on the days they are
due, and their slots say they cannot be ranked by driving."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.db import utcnow
from tests.factories import make_account
from tests.tours.world import a_working_day, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=6)


def test_a_due_account_without_position_is_listed_unplanned_no_location(app, client, session, world):
    day = a_working_day()
    now = utcnow()
    lost = make_account(session, world.rep, name="Sans adresse", segment="A", computed_segment="A", lat=None, lon=None,
                        last_visit_at=now - timedelta(days=400), next_due_at=now - timedelta(days=30))
    later = make_account(session, world.rep, name="Plus tard", segment="A", computed_segment="A", lat=None, lon=None,
                         last_visit_at=now, next_due_at=now + timedelta(days=90))
    session.commit()
    tour = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    assert {"account_id": lost.id, "reason": "no_location"} in tour["unplanned"]
    assert later.id not in {u["account_id"] for u in tour["unplanned"]}
    assert lost.id not in {s["account_id"] for s in tour["stops"]}
    assert any(s["kind"] in ("due", "overdue") for s in tour["stops"])  # the others still planned


def test_slots_for_an_account_without_position_come_in_time_order_unranked(app, client, session, world):
    day = a_working_day()
    lost = make_account(session, world.rep, name="Sans adresse", segment="B", computed_segment="B",
                        lat=None, lon=None)
    session.commit()
    response = client.get(f"/api/reps/{world.rep.id}/slots?account_id={lost.id}&from={day}&to={day}",
                          headers=world.headers(app, "tele"))
    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert found and all(s["added_drive_min"] is None and s["reason"] == "no_location" for s in found)
    assert [s["start"] for s in found] == sorted(s["start"] for s in found)

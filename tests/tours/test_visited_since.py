"""A visit logged moves its account's due date (its cadence), so the kept tours of the days
after it that planned the account as due are planned again (server/tours/service.py
`visits_logged`): a user trial saw an account visited on a Saturday still first on the
Monday's tour, its kept plan not stale."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.db import new_id, utcnow
from server.tours.models import TourPlan, TourPlanJob
from tests.factories import make_account
from tests.tours.world import a_working_day, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=6)  # overdue A, B and C accounts near home


def _log_visit(app, client, world, account_id: str) -> None:
    """The rep's tablet pushes an on-site visit of `account_id`, started an hour ago."""
    started = (utcnow() - timedelta(hours=1)).isoformat()
    push = client.post("/api/sync/push", headers=world.headers(app, "rep"), json={"client_id": "tablet", "mutations": [
        {"mutation_id": new_id(), "entity": "visit", "op": "create", "id": new_id(), "client_time": started,
         "changes": {"account_id": account_id, "kind": "onsite", "outcome": "follow-up", "started_at": started}}]})
    assert push.get_json()["results"][0]["status"] == "applied", push.get_json()


def _kept(session, world, day) -> dict:
    session.expire_all()
    return session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == day))


def test_a_visit_makes_the_later_kept_tour_planning_its_account_stale_and_queued(app, client, session, world):
    day = a_working_day(weekday=0)  # a coming Monday: after today, whatever today is
    url = f"/api/tours/{world.rep.id}/{day.isoformat()}"
    first = client.get(url, headers=world.headers(app, "rep")).get_json()
    planned = [s["account_id"] for s in first["stops"] if s["kind"] != "appointment"]
    assert planned, first
    session.execute(TourPlanJob.__table__.delete())  # the first GET's own request for a full plan
    session.commit()
    assert not _kept(session, world, day).get("stale")

    _log_visit(app, client, world, planned[0])

    assert _kept(session, world, day)["stale"] is True
    assert session.scalar(select(TourPlanJob.date).where(TourPlanJob.rep_id == world.rep.id)) == day
    again = client.get(url, headers=world.headers(app, "rep")).get_json()
    assert planned[0] not in {s["account_id"] for s in again["stops"]}  # due again only by its cadence


def test_a_visit_leaves_the_kept_tours_that_do_not_plan_its_account_as_they_are(app, client, session, world):
    day = a_working_day(weekday=0)
    first = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    other = make_account(session, world.rep, name="Vu récemment", segment="B", computed_segment="B",
                         last_visit_at=utcnow() - timedelta(days=2), next_due_at=utcnow() + timedelta(days=80))
    session.commit()
    assert other.id not in {s["account_id"] for s in first["stops"]}
    version = session.scalar(select(TourPlan.version).where(TourPlan.rep_id == world.rep.id, TourPlan.date == day))

    _log_visit(app, client, world, other.id)

    assert not _kept(session, world, day).get("stale")
    assert session.scalar(select(TourPlan.version).where(TourPlan.rep_id == world.rep.id, TourPlan.date == day)) == version

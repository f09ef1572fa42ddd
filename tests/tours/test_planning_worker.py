"""Planning off the request path: kept plans are plain reads, the background planner does the search."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import sessionmaker

from server.db import new_id, utcnow
from server.extensions import db
from server.tours import worker
from server.tours.models import TourPlan, TourPlanJob
from server.tours.service import request_plan
from tests.sync.helpers import mutation
from tests.tours.world import a_working_day, make_world

WRITES = ("BEGIN IMMEDIATE", "INSERT", "UPDATE", "DELETE")


@pytest.fixture
def world(session):
    return make_world(session)


def run_planner(app, session, now=None) -> int:
    """One round of the background planner, on its own session as `tournee plan-tours` has."""
    session.rollback()  # the test's own read snapshot would hide the planner's writes
    with sessionmaker(bind=db.engine)() as own:
        planned = worker.run_once(own, config=app.config, planner_id="test-planner", now=now)
    session.rollback()
    return planned


def kept_plan(session, rep_id, day) -> dict:
    session.rollback()
    return session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == rep_id, TourPlan.date == day))


def get_tour(client, headers, rep_id, day) -> dict:
    response = client.get(f"/api/tours/{rep_id}/{day.isoformat()}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_day_never_planned_answers_a_quick_plan_that_the_planner_improves(app, client, session, world):
    day = a_working_day()
    headers = world.headers(app, "rep")
    quick = get_tour(client, headers, world.rep.id, day)
    assert quick["solver"] == "fallback" and quick["provisional"] is True and quick["stops"]
    assert session.scalar(select(TourPlanJob).where(TourPlanJob.rep_id == world.rep.id, TourPlanJob.date == day))

    assert run_planner(app, session) >= 1
    full = get_tour(client, headers, world.rep.id, day)
    assert full["solver"] == "pyvrp" and "provisional" not in full and full["stale"] is False
    assert full["planned_at"] >= quick["planned_at"]
    assert not session.scalar(select(TourPlanJob).where(TourPlanJob.rep_id == world.rep.id,
                                                       TourPlanJob.date == day))


def test_a_kept_plans_get_takes_no_write_lock_and_writes_nothing(app, client, session, world):
    day = a_working_day()
    headers = world.headers(app, "rep")
    assert client.get(f"/api/tours/{world.rep.id}/week/{day.isoformat()}", headers=headers).status_code == 200
    run_planner(app, session)
    rep_id = world.rep.id  # read now: reloading it below would be the test's own transaction
    session.rollback()
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement.lstrip().upper())
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        tour = get_tour(client, headers, rep_id, day)
        week = client.get(f"/api/tours/{rep_id}/week/{day.isoformat()}", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert tour["solver"] == "pyvrp" and week.status_code == 200
    assert statements and not [s for s in statements if s.startswith(WRITES)]


def test_plans_update_after_a_booking_without_a_request_planning_them(app, client, session, world):
    day = a_working_day()
    get_tour(client, world.headers(app, "rep"), world.rep.id, day)
    run_planner(app, session)
    before = kept_plan(session, world.rep.id, day)
    account = world.accounts[0]
    body = {"rep_id": world.rep.id, "account_id": account.id, "contact_id": None,
            "start": f"{day.isoformat()}T10:00:00", "end": f"{day.isoformat()}T11:00:00", "purpose": "Démo"}
    response = client.post("/api/appointments", json=body, headers=world.headers(app, "tele"))
    assert response.status_code == 201, response.get_json()
    booked = response.get_json()["id"]
    assert kept_plan(session, world.rep.id, day)["stale"] is True

    assert run_planner(app, session) >= 1  # no GET in between
    after = kept_plan(session, world.rep.id, day)
    assert after["stale"] is False and after["solver"] == "pyvrp" and after["planned_at"] >= before["planned_at"]
    assert booked in {s["appointment_id"] for s in after["stops"]}


def test_the_planner_plans_the_coming_working_days_ahead(app, session, world):
    run_planner(app, session)
    plans = session.scalars(select(TourPlan).where(TourPlan.rep_id == world.rep.id)).all()
    assert plans and all(p.plan["solver"] == "pyvrp" and p.plan["working_day"] for p in plans)
    assert run_planner(app, session) == 0  # nothing left to do: every coming day is kept in full


def test_two_planners_share_the_queue_without_planning_a_day_twice(app, session, world):
    day = a_working_day()
    for n in range(3):
        request_plan(session, world.rep.id, day + timedelta(weeks=n))
    session.commit()
    now = utcnow()
    factory = sessionmaker(bind=db.engine)
    with factory() as a, factory() as b:
        first = worker.claim(a, now=now, planner_id="a")
        second = worker.claim(b, now=now, planner_id="b")
    assert len(first) == 3 and second == []


def test_a_visit_logged_plans_the_coming_day_that_planned_its_account_again_at_once(app, client, session, world):
    """A visit pushed from the tablet moves its account's next due date out of the coming days:
    the kept plan of a later day that planned it is planned again at once (no GET, no booking:
    the visit alone, service.visits_logged), not REPLAN_QUIET_S later as other account changes."""
    run_planner(app, session)
    today = utcnow().astimezone(ZoneInfo("Europe/Paris")).date()  # the world's reps' zone
    kept = session.scalars(select(TourPlan).where(TourPlan.rep_id == world.rep.id).order_by(TourPlan.date)).all()
    later = [p for p in kept if p.plan.get("stops") and p.date > today][-1]
    day, before = later.date, later.plan
    visited = before["stops"][0]["account_id"]
    started = (utcnow() - timedelta(hours=1)).isoformat()
    push = client.post("/api/sync/push", headers=world.headers(app, "rep"), json={"client_id": "tablet", "mutations": [
        mutation("visit", "create", new_id(), {"account_id": visited, "kind": "onsite", "outcome": "interested",
                                               "started_at": started, "notes": "vu"})]})
    assert push.status_code == 200 and push.get_json()["results"][0]["status"] == "applied", push.get_json()

    assert run_planner(app, session) >= 1  # at once
    after = kept_plan(session, world.rep.id, day)
    assert after["stops"] and not after.get("stale") and not after.get("provisional")  # the full search's
    assert visited not in {s["account_id"] for s in after["stops"]}
    later = utcnow() + timedelta(seconds=worker.REPLAN_QUIET_S + 1)
    run_planner(app, session, now=later)  # the other days, whose accounts changed too
    assert run_planner(app, session, now=later) == 0  # planned after the change: left alone until the next


@pytest.mark.parametrize(("later", "stops", "changed", "minutes_old", "planned_again"), [
    (True, [{"account_id": "a"}], 12, 16, True),    # a coming day, older than the change
    (True, [{"account_id": "a"}], 12, 5, False),    # … but planned minutes ago: the change waits
    (True, [{"account_id": "a"}], 10, 16, False),   # planned after it (the plan's own number)
    (False, [{"account_id": "a"}], 12, 60, False),  # today, on the road: not reordered under the rep
    (False, [], 12, 1, True),                       # still empty: accounts came in, at once
])
def test_which_kept_plans_an_account_change_outdates(later, stops, changed, minutes_old, planned_again):
    now = utcnow()
    plan = {"stops": stops, "planned_at": (now - timedelta(minutes=minutes_old)).isoformat()}
    assert worker._outdated(plan, 10, changed, later=later, now=now) is planned_again

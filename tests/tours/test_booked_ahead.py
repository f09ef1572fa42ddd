"""An appointment replaces the due visit it falls near (server/tours/planning.py `gather`,
README → Working days): an account booked within `TOUR_DUE_HORIZON_DAYS` after a day, or in
the same week, is not planned as due that day; booking it makes those days' kept plans stale, and
cancelling or moving it away makes the kept plans of the days it left stale again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.agenda.workdays import holiday_calendar
from server.db import utcnow
from server.tours.models import TourPlan, TourPlanJob
from server.tours.service import horizon_days
from tests.factories import make_account
from tests.tours.world import a_working_day, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=6)  # overdue A, B and C accounts near home


def test_a_booking_next_week_takes_the_account_out_of_this_mondays_kept_tour(app, client, session, world):
    monday = a_working_day(weekday=0)
    url = f"/api/tours/{world.rep.id}/{monday.isoformat()}"
    first = client.get(url, headers=world.headers(app, "rep")).get_json()
    due = [s["account_id"] for s in first["stops"] if s["kind"] in ("due", "overdue")]
    assert due, first
    account_id = due[0]
    next_monday = monday + timedelta(days=7)
    _book(app, client, world, account_id, next_monday)

    kept = session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == monday))
    assert kept["stale"] is True
    again = client.get(url, headers=world.headers(app, "rep")).get_json()
    assert account_id not in {s["account_id"] for s in again["stops"]}
    assert any(s["kind"] in ("due", "overdue") for s in again["stops"])  # the others still planned
    later = client.get(f"/api/tours/{world.rep.id}/{next_monday.isoformat()}", headers=world.headers(app, "rep"))
    assert [s["kind"] for s in later.get_json()["stops"] if s["account_id"] == account_id] == ["appointment"]


def test_a_booking_leaves_the_kept_tours_that_do_not_visit_the_account_as_they_are(app, client, session, world):
    monday = a_working_day(weekday=0)
    first = client.get(f"/api/tours/{world.rep.id}/{monday.isoformat()}", headers=world.headers(app, "rep")).get_json()
    other = make_account(session, world.rep, name="Vu récemment", segment="B", computed_segment="B",
                         last_visit_at=utcnow(), next_due_at=utcnow() + timedelta(days=80))
    session.commit()
    assert other.id not in {s["account_id"] for s in first["stops"]}
    day = monday + timedelta(days=3)
    _book(app, client, world, other.id, day)
    kept = session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == monday))
    assert not kept.get("stale")


def test_the_due_horizon_has_one_reading_for_planning_and_for_bookings(app):
    assert horizon_days({"TOUR_DUE_HORIZON_DAYS": "3"}) == 3  # an environment's value is a string
    assert horizon_days({}) == 7
    app.config["TOUR_DUE_HORIZON_DAYS"] = 4
    assert horizon_days() == 4  # the running app's, which bookings read


def test_a_booking_beyond_a_shorter_horizon_leaves_the_days_that_still_plan_the_account_as_they_are(
        app, client, session, world):
    app.config["TOUR_DUE_HORIZON_DAYS"] = 3
    monday = a_working_day(weekday=0)
    url = f"/api/tours/{world.rep.id}/{monday.isoformat()}"
    first = client.get(url, headers=world.headers(app, "rep")).get_json()
    account_id = next(s["account_id"] for s in first["stops"] if s["kind"] in ("due", "overdue"))
    next_monday = monday + timedelta(days=7)
    _book(app, client, world, account_id, next_monday)

    kept = session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == monday))
    assert not kept.get("stale")  # 7 days ahead: beyond the horizon the booking read
    again = client.post(f"{url}/replan", headers=world.headers(app, "rep"))
    assert again.status_code == 200, again.get_json()
    assert account_id in {s["account_id"] for s in again.get_json()["stops"]}  # and so did planning


def _book_an_account_monday_plans(app, client, world, days_after: int):
    """(Monday's tour URL, an account Monday's kept plan visits, its appointment booked on `day`),
    Monday's kept plan planned again without the account."""
    monday = a_working_day(weekday=0)
    url = f"/api/tours/{world.rep.id}/{monday.isoformat()}"
    first = client.get(url, headers=world.headers(app, "rep")).get_json()
    account_id = next(s["account_id"] for s in first["stops"] if s["kind"] in ("due", "overdue"))
    day = _not_a_holiday(monday + timedelta(days=days_after))
    booked = _book(app, client, world, account_id, day)
    again = client.get(url, headers=world.headers(app, "rep")).get_json()
    assert again["stale"] is False and account_id not in {s["account_id"] for s in again["stops"]}
    return monday, url, account_id, booked


def _not_a_holiday(day):
    while holiday_calendar("FR").get(day):  # a booking is within working hours
        day += timedelta(days=1)
    return day


def _replanned_with_the_account(app, client, session, world, monday, url, account_id) -> None:
    kept = session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == monday))
    assert kept["stale"] is True
    assert session.scalar(select(TourPlanJob.date).where(TourPlanJob.rep_id == world.rep.id,
                                                         TourPlanJob.date == monday)) == monday
    again = client.get(url, headers=world.headers(app, "rep")).get_json()
    assert account_id in {s["account_id"] for s in again["stops"] if s["kind"] in ("due", "overdue")}


def test_a_cancelled_booking_gives_its_account_back_to_the_earlier_days_kept_tours(app, client, session, world):
    monday, url, account_id, booked = _book_an_account_monday_plans(app, client, world, 2)
    cancelled = client.patch(f"/api/appointments/{booked['id']}", headers=world.headers(app, "tele"),
                             json={"changes": {"status": "cancelled"}})
    assert cancelled.status_code == 200, cancelled.get_json()
    _replanned_with_the_account(app, client, session, world, monday, url, account_id)


def test_a_booking_moved_out_of_the_horizon_gives_its_account_back_to_the_days_it_left(app, client, session, world):
    monday, url, account_id, booked = _book_an_account_monday_plans(app, client, world, 2)
    later = _not_a_holiday(monday + timedelta(days=21))
    moved = client.patch(f"/api/appointments/{booked['id']}", headers=world.headers(app, "tele"), json={
        "changes": {"start": f"{later.isoformat()}T10:00:00", "end": f"{later.isoformat()}T11:00:00"}})
    assert moved.status_code == 200, moved.get_json()
    _replanned_with_the_account(app, client, session, world, monday, url, account_id)


def _book(app, client, world, account_id: str, day) -> dict:
    """A telemarketer books `account_id` with the world's rep on `day`, 10:00–11:00; the appointment."""
    booked = client.post("/api/appointments", headers=world.headers(app, "tele"), json={
        "rep_id": world.rep.id, "account_id": account_id, "contact_id": None, "purpose": "Présentation",
        "start": f"{day.isoformat()}T10:00:00", "end": f"{day.isoformat()}T11:00:00"})
    assert booked.status_code == 201, booked.get_json()
    return booked.get_json()

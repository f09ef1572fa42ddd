"""GET /api/tours/{rep_id}/{date}: the day a rep can drive, kept once planned, re-planned when it must."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.agenda.workdays import holiday_calendar
from server.db import utcnow
from server.tours import service
from server.tours.models import TourPlan
from tests.factories import actor, make_account, make_visit
from tests.tours.world import a_working_day, book, local, make_world, minutes

STOP_FIELDS = {"seq", "account_id", "name", "segment", "kind", "appointment_id", "arrive", "depart", "drive_min",
               "drive_km"}


@pytest.fixture
def world(session):
    return make_world(session)


def get_tour(client, headers, rep_id, day, expect=200):
    response = client.get(f"/api/tours/{rep_id}/{day.isoformat()}", headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_tour_keeps_appointments_hours_and_lunch_and_explains_what_is_left_out(app, client, session, world):
    day = a_working_day()
    morning, afternoon = book(session, world, day, "09:30"), book(session, world, day, "15:00", 45)
    tour = get_tour(client, world.headers(app, "rep"), world.rep.id, day)

    assert tour["rep_id"] == world.rep.id and tour["date"] == day.isoformat()
    assert set(tour) >= {"start", "end", "stops", "unplanned", "totals"}
    for point in (tour["start"], tour["end"]):
        assert datetime.fromisoformat(point["at"]).utcoffset() is not None
    stops = tour["stops"]
    assert all(STOP_FIELDS <= set(s) for s in stops)
    assert [s["seq"] for s in stops] == list(range(1, len(stops) + 1))
    booked = {s["appointment_id"]: s for s in stops if s["kind"] == "appointment"}
    assert set(booked) == {morning.id, afternoon.id}
    for appointment in (morning, afternoon):
        stop = booked[appointment.id]
        assert datetime.fromisoformat(stop["arrive"]) == appointment.start
        assert datetime.fromisoformat(stop["depart"]) == appointment.end
    due = [s for s in stops if s["kind"] in ("due", "overdue")]
    assert due and all(s["appointment_id"] is None for s in due)
    work_start, work_end = 8 * 60 + 30, 18 * 60
    for stop in stops:
        assert datetime.fromisoformat(stop["arrive"]).utcoffset() in (timedelta(hours=1), timedelta(hours=2))
        assert work_start - 0.05 <= minutes(stop["arrive"]) <= minutes(stop["depart"]) <= work_end + 0.05
    assert work_start - 0.05 <= minutes(tour["start"]["at"]) and minutes(tour["end"]["at"]) <= work_end + 0.05
    # Lunch: an hour inside 12:00–14:00 that no visit touches.
    lunch = tour["lunch"]
    lunch_start, lunch_end = minutes(lunch["start"]), minutes(lunch["end"])
    assert lunch_end - lunch_start == pytest.approx(60, abs=0.05) and 12 * 60 <= lunch_start and lunch_end <= 14 * 60
    assert all(minutes(s["depart"]) <= lunch_start + 0.05 or minutes(s["arrive"]) >= lunch_end - 0.05 for s in stops)
    # 30 due accounts never fit in a day: the ones left out say why.
    assert tour["unplanned"]
    assert all(u["account_id"] and isinstance(u["reason"], str) and u["reason"] for u in tour["unplanned"])
    planned = {s["account_id"] for s in stops}
    assert not planned & {u["account_id"] for u in tour["unplanned"]}
    assert tour["totals"]["visit_min"] == pytest.approx(
        sum(minutes(s["depart"]) - minutes(s["arrive"]) for s in stops), abs=0.5)


def test_segments_steer_the_day_by_priority(app, client, session, world):
    tour = get_tour(client, world.headers(app, "rep"), world.rep.id, a_working_day())
    segments = [s["segment"] for s in tour["stops"] if s["kind"] != "appointment"]
    assert segments.count("A") >= 1 and segments.count("A") >= segments.count("C")


def test_plan_is_kept_until_replanned(app, client, session, world):
    day = a_working_day()
    headers = world.headers(app, "rep")
    first = get_tour(client, headers, world.rep.id, day)
    urgent = make_account(session, world.rep, name="Urgent", segment="A", computed_segment="A", lat=47.33, lon=5.05,
                          last_visit_at=utcnow() - timedelta(days=400), next_due_at=utcnow() - timedelta(days=300))
    session.commit()
    again = get_tour(client, headers, world.rep.id, day)
    assert again["planned_at"] == first["planned_at"] and again["stops"] == first["stops"]
    assert urgent.id not in {s["account_id"] for s in again["stops"]}

    response = client.post(f"/api/tours/{world.rep.id}/{day.isoformat()}/replan", headers=headers)
    assert response.status_code == 200, response.get_json()
    replanned = response.get_json()
    assert urgent.id in {s["account_id"] for s in replanned["stops"]} | {u["account_id"] for u in replanned["unplanned"]}
    assert get_tour(client, headers, world.rep.id, day)["stops"] == replanned["stops"]
    assert len(session.scalars(select(TourPlan).where(TourPlan.rep_id == world.rep.id)).all()) == 1


def test_a_booking_makes_the_kept_plan_stale_and_the_next_get_plans_it_in(app, client, session, world):
    day = a_working_day()
    before = get_tour(client, world.headers(app, "rep"), world.rep.id, day)
    account = world.accounts[0]
    body = {"rep_id": world.rep.id, "account_id": account.id, "contact_id": None,
            "start": f"{day.isoformat()}T10:00:00", "end": f"{day.isoformat()}T11:00:00", "purpose": "Démo"}
    response = client.post("/api/appointments", json=body, headers=world.headers(app, "tele"))
    assert response.status_code == 201, response.get_json()
    booked = response.get_json()
    # Without an offset, the time is the rep's (Paris) local time.
    assert datetime.fromisoformat(booked["start"].replace("Z", "+00:00")) == local(day, "10:00")
    session.expire_all()
    kept = session.scalar(select(TourPlan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == day))
    assert kept.plan["stale"] is True

    after = get_tour(client, world.headers(app, "rep"), world.rep.id, day)
    assert after["planned_at"] >= before["planned_at"] and after["stale"] is False
    stop = next(s for s in after["stops"] if s["appointment_id"] == booked["id"])
    assert stop["kind"] == "appointment" and datetime.fromisoformat(stop["arrive"]) == local(day, "10:00")
    assert [s["account_id"] for s in after["stops"]].count(account.id) == 1

    # Cancelled: the next GET drops it.
    response = client.patch(f"/api/appointments/{booked['id']}", json={"changes": {"status": "cancelled"}},
                            headers=world.headers(app, "tele"))
    assert response.status_code == 200, response.get_json()
    cancelled = get_tour(client, world.headers(app, "rep"), world.rep.id, day)
    assert booked["id"] not in {s["appointment_id"] for s in cancelled["stops"]}


def test_visits_logged_mark_stops_done_and_the_rest_of_the_past_skipped(app, session, world):
    day = a_working_day()
    tour = service.get_tour(session=session, actor=actor(world.rep), rep_id=world.rep.id, day=day, config=app.config)
    first, second = tour["stops"][0], tour["stops"][1]
    from server.accounts.models import Account
    visited = session.get(Account, first["account_id"])
    make_visit(session, visited, world.rep, started_at=datetime.fromisoformat(first["arrive"]).astimezone(UTC))
    session.commit()
    evening = local(day, "19:00")
    seen = service.get_tour(session=session, actor=actor(world.rep), rep_id=world.rep.id, day=day,
                            config=app.config, now=evening)
    by_seq = {s["seq"]: s for s in seen["stops"]}
    assert by_seq[first["seq"]]["done"] is True and by_seq[first["seq"]]["skipped"] is False
    assert by_seq[second["seq"]]["done"] is False and by_seq[second["seq"]]["skipped"] is True
    morning = service.get_tour(session=session, actor=actor(world.rep), rep_id=world.rep.id, day=day,
                               config=app.config, now=local(day, "07:00"))
    assert not any(s["skipped"] for s in morning["stops"])


def test_week_plans_the_working_days_without_visiting_an_account_twice(app, client, session, world):
    day = a_working_day()
    response = client.get(f"/api/tours/{world.rep.id}/week/{day.isoformat()}", headers=world.headers(app, "tele"))
    assert response.status_code == 200, response.get_json()
    week = response.get_json()
    monday = day - timedelta(days=day.weekday())
    weekdays = [monday + timedelta(days=n) for n in range(5)]  # public holidays are not worked
    assert [d["date"] for d in week["days"]] == [d.isoformat() for d in weekdays if not holiday_calendar("FR").get(d)]
    due = [s["account_id"] for d in week["days"] for s in d["stops"] if s["kind"] != "appointment"]
    assert due and len(due) == len(set(due))


@pytest.mark.parametrize(("who", "status"), [("rep", 200), ("other_rep", 404), ("manager", 200),
                                             ("other_manager", 404), ("tele", 200), ("backoffice", 404),
                                             ("admin", 200)])
def test_who_sees_a_reps_tour(app, client, world, who, status):
    day = a_working_day()
    response = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, who))
    assert response.status_code == status
    if status == 404:
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.get_json()["type"].endswith("not_found")
        replan = client.post(f"/api/tours/{world.rep.id}/{day.isoformat()}/replan", headers=world.headers(app, who))
        assert replan.status_code == 404
    else:
        assert response.get_json()["rep_id"] == world.rep.id


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", "2026-1-5", "0001-01-01", "9999-12-31"])
def test_a_bad_date_is_a_422_problem(app, client, world, bad):
    """The calendar's ends (year 1, year 9999) overflowed the day's time-zone bounds: a 500."""
    headers = world.headers(app, "rep")
    for path in (f"/api/tours/{world.rep.id}/{bad}", f"/api/tours/{world.rep.id}/week/{bad}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 422, path
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "date" in response.get_json()["errors"]
    replan = client.post(f"/api/tours/{world.rep.id}/{bad}/replan", headers=headers)
    assert replan.status_code == 422


@pytest.mark.parametrize("bad", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_slots_at_the_calendars_ends_are_a_422_problem(app, client, world, bad):
    for field in ("from", "to"):
        response = client.get(f"/api/reps/{world.rep.id}/slots?account_id={world.accounts[0].id}&{field}={bad}",
                              headers=world.headers(app, "admin"))
        assert response.status_code == 422, response.get_json()
        assert field in response.get_json()["errors"]


def test_an_unknown_rep_is_a_404_problem(app, client, world):
    response = client.get(f"/api/tours/{world.manager.id}/{a_working_day().isoformat()}",
                          headers=world.headers(app, "admin"))
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"

"""API.md → Working days: weekends, public holidays (by team calendar), absences (REST and
offline from the tablet), slots and bookings, and one visit per account per week.

Every date here is computed from the session's clock, so the suite passes whatever day it
runs on; .ci/run also runs it pinned to weekends, holidays and DST changes (TOURNEE_TEST_NOW).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from server.agenda.workdays import holiday_calendar
from tests.factories import make_appointment
from tests.tours.world import PARIS, a_working_day, book, local, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=12)


def today() -> date:
    return datetime.now(PARIS).date()


def next_weekday(weekday: int, after: date) -> date:
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def next_holiday(after: date, *, weekday: int | None = None, code: str = "FR") -> date:
    """The first public holiday of `code` strictly after `after` (on that weekday, if given)."""
    calendar = holiday_calendar(code)
    day = after + timedelta(days=1)
    while not (calendar.get(day) and (weekday is None or day.weekday() == weekday)):
        day += timedelta(days=1)
    return day


def tour(client, app, world, day: date, who: str = "rep") -> dict:
    response = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def due_stops(doc: dict) -> list[dict]:
    return [s for s in doc["stops"] if s["kind"] in ("due", "overdue")]


def christmas_after(day: date) -> date:
    christmas = date(day.year, 12, 25)
    return christmas if christmas > day else date(day.year + 1, 12, 25)


@pytest.mark.parametrize("which", ["saturday", "sunday", "christmas"])
def test_a_day_not_worked_has_no_due_stop_and_names_the_next_working_day(app, client, world, which):
    day = {"saturday": next_weekday(5, today() + timedelta(days=1)),
           "sunday": next_weekday(6, today() + timedelta(days=1)),
           "christmas": christmas_after(today())}[which]
    doc = tour(client, app, world, day)
    assert doc["working_day"] is False
    assert due_stops(doc) == []
    expected = day + timedelta(days=1)
    while expected.weekday() >= 5 or holiday_calendar("FR").get(expected):
        expected += timedelta(days=1)
    assert doc["next_working_day"] == expected.isoformat()
    assert doc["day_off"]["kind"] == ("weekly" if day.weekday() >= 5 else "holiday")  # a weekend day says weekly first
    worked = tour(client, app, world, expected)
    assert worked["working_day"] is True and due_stops(worked), "the overdue accounts move to the next working day"


def test_after_a_monday_holiday_the_next_working_day_is_tuesday(app, client, world):
    monday = next_holiday(today() + timedelta(days=1), weekday=0)
    sunday = tour(client, app, world, monday - timedelta(days=1))
    holiday = tour(client, app, world, monday)
    assert sunday["next_working_day"] == holiday["next_working_day"] == (monday + timedelta(days=1)).isoformat()
    assert holiday["working_day"] is False and holiday["day_off"] == {
        "kind": "holiday", "name": holiday_calendar("FR").get(monday),
        "names": {"fr": holiday_calendar("FR").get(monday), "en": holiday_calendar("FR", "en").get(monday)}}


def test_an_appointment_booked_on_a_day_off_is_still_listed(app, client, session, world):
    saturday = next_weekday(5, today() + timedelta(days=1))
    appointment = make_appointment(session, world.accounts[0], world.rep, start=local(saturday, "10:00"),
                                   status="booked")
    session.commit()
    doc = tour(client, app, world, saturday)
    assert doc["working_day"] is False
    assert [s["appointment_id"] for s in doc["stops"]] == [appointment.id]


def test_the_teams_holiday_calendar_decides_moselle_keeps_good_friday(app, client, session, world):
    from dateutil.easter import easter

    from server.users.models import Team
    good_friday = next(d for d in (easter(y) - timedelta(days=2) for y in (today().year, today().year + 1))
                       if d > today())
    assert holiday_calendar("FR-57").get(good_friday) and not holiday_calendar("FR").get(good_friday)
    # Alsace's two départements as people write them: the calendar the package calls FR-6AE
    for alsace in ("FR-67", "fr-68", "FR-6AE"):
        assert holiday_calendar(alsace).get(good_friday)
        assert holiday_calendar(alsace).get(date(good_friday.year, 12, 26))  # Saint-Étienne
    assert tour(client, app, world, good_friday)["working_day"] is True  # not a holiday in the rest of France
    session.get(Team, world.rep.team_id).holidays = "FR-57"
    session.commit()
    doc = client.post(f"/api/tours/{world.rep.id}/{good_friday.isoformat()}/replan",
                      headers=world.headers(app, "rep")).get_json()
    assert doc["working_day"] is False and doc["day_off"]["kind"] == "holiday" and due_stops(doc) == []


def test_slots_never_fall_on_weekends_holidays_absences_or_outside_hours(app, client, world):
    christmas = christmas_after(today() + timedelta(days=3))
    start, end = christmas - timedelta(days=4), christmas + timedelta(days=6)
    absent = christmas + timedelta(days=3)
    while absent.weekday() >= 5 or holiday_calendar("FR").get(absent):
        absent += timedelta(days=1)
    made = client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "manager"),
                       json={"from": absent.isoformat(), "to": absent.isoformat(), "reason": "training"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["from"] == absent.isoformat() and made.get_json()["reason"] == "training"
    response = client.get(f"/api/reps/{world.rep.id}/slots?account_id={world.accounts[1].id}"
                          f"&from={start.isoformat()}&to={end.isoformat()}&limit=500",
                          headers=world.headers(app, "tele"))
    assert response.status_code == 200, response.get_json()
    slots = response.get_json()
    assert slots, "the working days of the period offer slots"
    for slot in slots:
        begin, finish = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        assert begin.utcoffset() is not None  # every date-time carries its zone
        local_day = begin.astimezone(PARIS).date()
        assert local_day.weekday() < 5 and not holiday_calendar("FR").get(local_day) and local_day != absent
        assert "08:30" <= begin.astimezone(PARIS).strftime("%H:%M") and finish.astimezone(PARIS).strftime("%H:%M") <= "18:00"
    assert {datetime.fromisoformat(s["start"]).astimezone(PARIS).date() for s in slots} >= {
        d for d in (absent - timedelta(days=1), absent + timedelta(days=1))
        if d.weekday() < 5 and not holiday_calendar("FR").get(d) and start <= d <= end and d > today()}


@pytest.mark.parametrize("when", ["holiday", "absence"])
def test_booking_on_a_holiday_or_an_absence_is_a_409(app, client, session, world, when):
    if when == "holiday":
        day = next_holiday(today() + timedelta(days=1), weekday=None)
        while day.weekday() >= 5:
            day = next_holiday(day)
    else:
        day = a_working_day()
        response = client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep"),
                               json={"from": day.isoformat(), "to": day.isoformat(), "reason": "leave"})
        assert response.status_code == 201, response.get_json()
    body = {"rep_id": world.rep.id, "account_id": world.accounts[0].id,
            "start": local(day, "10:00").isoformat(), "end": local(day, "11:00").isoformat()}
    response = client.post("/api/appointments", headers=world.headers(app, "tele"), json=body)
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("overlap")
    # The real reason, in the reader's language, the holiday named (the desk shows it as it is).
    english = client.post("/api/appointments", headers={**world.headers(app, "tele"), "Accept-Language": "en"}, json=body)
    reasons = {"fr": response.get_json()["errors"]["start"], "en": english.get_json()["errors"]["start"]}
    # Titled for what it is, not as an overlap with another appointment (a user trial read that).
    assert (response.get_json()["title"], english.get_json()["title"]) == (
        "Hors des heures de travail du commercial", "Outside the rep's working hours")
    if when == "holiday":
        assert reasons == {
            "fr": [f"Le commercial ne travaille pas ce jour-là : jour férié ({holiday_calendar('FR').get(day)})."],
            "en": [f"The rep does not work that day: public holiday ({holiday_calendar('FR', 'en').get(day)})."]}
    else:
        assert reasons == {"fr": ["Le commercial est absent ce jour-là."], "en": ["The rep is absent that day."]}


def test_booking_outside_the_hours_of_a_worked_day_says_the_hours(app, client, world):
    day = a_working_day()
    response = client.post("/api/appointments", headers=world.headers(app, "tele"), json={
        "rep_id": world.rep.id, "account_id": world.accounts[0].id,
        "start": local(day, "19:00").isoformat(), "end": local(day, "20:00").isoformat()})
    assert response.status_code == 409
    assert response.get_json()["errors"]["start"] == ["En dehors des heures de travail du commercial ce jour-là (08:30–18:00)."]


def test_an_absence_entered_offline_removes_the_day_from_the_plan_after_sync(app, client, session, world):
    day = a_working_day()
    before = tour(client, app, world, day)
    assert before["working_day"] is True and due_stops(before)
    push = client.post("/api/sync/push", headers=world.headers(app, "rep"), json={
        "client_id": str(uuid.uuid4()), "mutations": [{
            "mutation_id": str(uuid.uuid4()), "entity": "absence", "op": "create", "id": str(uuid.uuid4()),
            "changes": {"first_day": day.isoformat(), "last_day": (day + timedelta(days=1)).isoformat(),
                        "reason": "sick"},
            "client_time": datetime.now(PARIS).isoformat()}]})
    assert push.status_code == 200
    assert push.get_json()["results"][0]["status"] == "applied", push.get_json()
    pulled = client.get("/api/sync/pull?since=0&limit=1000", headers=world.headers(app, "rep")).get_json()
    plans = [c["data"] for c in pulled["changes"] if c["entity"] == "tour_plan" and c["data"]["date"] == day.isoformat()]
    assert plans and plans[0]["plan"]["stale"] is True  # the tablet learns its kept plan is out of date
    assert any(c["entity"] == "absence" for c in pulled["changes"])
    after = tour(client, app, world, day)
    assert after["working_day"] is False and after["day_off"] == {"kind": "absence", "name": "sick"}
    assert due_stops(after) == []
    listed = client.get(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "manager")).get_json()
    assert [(a["from"], a["to"]) for a in listed["items"]] == [(day.isoformat(), (day + timedelta(days=1)).isoformat())]


def test_absences_are_kept_in_scope(app, client, world):
    response = client.post(f"/api/users/{world.other_rep.id}/absences", headers=world.headers(app, "manager"),
                           json={"from": a_working_day().isoformat(), "to": a_working_day().isoformat()})
    assert response.status_code == 404  # another team's rep
    response = client.post(f"/api/users/{world.manager.id}/absences", headers=world.headers(app, "rep"),
                           json={"from": a_working_day().isoformat(), "to": a_working_day().isoformat()})
    assert response.status_code == 404  # a rep records only its own
    response = client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep"),
                           json={"from": "2026-05-10", "to": "2026-05-01"})
    assert response.status_code == 422 and "to" in response.get_json()["errors"]
    response = client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep"),
                           json={"from": "2026-05-01", "to": "2026-05-02", "reason": "holiday-ish"})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]


def test_an_account_booked_in_a_week_is_not_planned_again_that_week(app, client, session, world):
    monday = a_working_day(weekday=0)
    target = world.accounts[0]  # overdue A account: every day would want it
    book(session, world, monday, "09:00", account=target)
    for offset in range(1, 5):
        doc = tour(client, app, world, monday + timedelta(days=offset))
        assert target.id not in {s["account_id"] for s in doc["stops"]}, f"planned again on day {offset}"
    week = client.get(f"/api/tours/{world.rep.id}/week/{monday.isoformat()}", headers=world.headers(app, "rep")).get_json()
    seen: list[str] = [s["account_id"] for d in week["days"] for s in d["stops"]]
    assert len(seen) == len(set(seen)), "an account appears once in the week"


@settings(max_examples=200, deadline=None)
@given(days=st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])),
       code=st.sampled_from(["FR", "FR-57", "DE-BY"]),
       first=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
       length=st.integers(min_value=-3, max_value=800),
       absences=st.lists(st.tuples(st.integers(-40, 800), st.integers(0, 30)), max_size=3))
def test_counting_working_days_agrees_with_them_day_by_day(days, code, first, length, absences):
    """The KPIs count a year of working days per rep by arithmetic (WorkCalendar.count_working)."""
    from server.agenda.workdays import WorkCalendar

    hours = {day: ["08:00", "18:00"] for day in days}  # no day at all: Monday to Friday by default
    off = tuple(sorted((first + timedelta(days=a), first + timedelta(days=a + n), "leave") for a, n in absences))
    calendar = WorkCalendar(hours=hours, holidays_code=code, absences=off)
    last = first + timedelta(days=length)
    expected = len(calendar.working_days(first, last)) if last >= first else 0
    assert calendar.count_working(first, last) == expected

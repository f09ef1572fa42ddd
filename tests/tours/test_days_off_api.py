"""GET /api/users/{id}/days-off (server/agenda/days_off.py): the days a user does not work, named
for the agenda and the booking screen. The days come from the session's clock, so the spec holds
whatever day it runs on (and pinned: Makefile `test-dates`)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.agenda.workdays import holiday_calendar
from tests.factories import make_team, make_user, token_headers
from tests.tours.test_working_days import next_holiday, today
from tests.tours.world import a_working_day, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=1)


def days_off(client, headers, user_id, first, last, **extra):
    return client.get(f"/api/users/{user_id}/days-off?from={first.isoformat()}&to={last.isoformat()}",
                      headers={**headers, **extra})


def test_a_holiday_is_named_in_the_readers_language_and_in_each(app, client, world):
    holiday = next_holiday(today() + timedelta(days=1))
    french = days_off(client, world.headers(app, "tele"), world.rep.id, holiday, holiday)
    assert french.status_code == 200, french.get_json()
    fr, en = holiday_calendar("FR").get(holiday), holiday_calendar("FR", "en").get(holiday)
    kind = "weekly" if holiday.weekday() >= 5 else "holiday"  # a weekend day says weekly first
    expected = {"date": holiday.isoformat(), "kind": kind}
    if kind == "holiday":
        expected |= {"name": fr, "names": {"fr": fr, "en": en}}
    assert french.get_json() == {"items": [expected]}
    english = days_off(client, world.headers(app, "rep"), world.rep.id, holiday, holiday, **{"Accept-Language": "en"})
    if kind == "holiday":
        assert english.get_json()["items"][0]["name"] == en


def test_a_worked_week_lists_its_weekend_and_absences_only(app, client, world):
    tuesday = a_working_day()
    monday = tuesday - timedelta(days=1)
    response = client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep"),
                           json={"from": tuesday.isoformat(), "to": tuesday.isoformat(), "reason": "training"})
    assert response.status_code == 201
    items = days_off(client, world.headers(app, "rep"), world.rep.id, monday, monday + timedelta(days=6)).get_json()["items"]
    by_day = {item["date"]: item for item in items}
    assert by_day[tuesday.isoformat()] == {"date": tuesday.isoformat(), "kind": "absence", "reason": "training"}
    for n in (5, 6):
        assert by_day[(monday + timedelta(days=n)).isoformat()]["kind"] == "weekly"
    calendar = holiday_calendar("FR")
    assert set(by_day) == {(monday + timedelta(days=n)).isoformat() for n in range(7)
                           if n in (1, 5, 6) or calendar.get(monday + timedelta(days=n))}


def test_a_user_outside_the_callers_reach_is_a_404(app, client, session, world):
    stranger = make_user(session, "telemarketer", team=make_team(session, "Ailleurs"))
    session.commit()
    day = a_working_day()
    response = days_off(client, token_headers(app, stranger), world.rep.id, day, day)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("query", "field"), [("from=2026-03-10&to=2026-03-09", "to"),
                                              ("from=2026-01-01&to=2026-06-01", "to"),
                                              ("from=march&to=2026-03-09", "from"),
                                              ("to=2026-03-09", "from")])
def test_bad_bounds_are_a_422_naming_the_field(app, client, world, query, field):
    response = client.get(f"/api/users/{world.rep.id}/days-off?{query}", headers=world.headers(app, "rep"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]

"""A day not worked as the tablet shows it: never "provisional" (nothing will plan it again),
and a public holiday named in the caller's language (API.md → Language).

Dates come from the session's clock (test_working_days.py's helpers): the Makefile runs
these again pinned to a Saturday, Christmas, 1 May… (TOURNEE_TEST_NOW).
"""
from __future__ import annotations

from datetime import timedelta

import holidays
import pytest

from server.agenda.workdays import holiday_calendar
from tests.tours.test_working_days import christmas_after, next_weekday, today
from tests.tours.world import make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=6)


def tour(client, app, world, day, language: str | None = None) -> dict:
    headers = {**world.headers(app, "rep"), **({"Accept-Language": language} if language else {})}
    response = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def weekday_holiday():
    """The first French public holiday after today that falls on a weekday (a weekend one says "weekly")."""
    day = today() + timedelta(days=1)
    while not (holiday_calendar("FR").get(day) and day.weekday() < 5):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("which", ["saturday", "sunday", "holiday"])
def test_a_day_not_worked_is_not_provisional_planned_or_kept(app, client, world, which):
    day = {"saturday": next_weekday(5, today() + timedelta(days=1)),
           "sunday": next_weekday(6, today() + timedelta(days=1)),
           "holiday": weekday_holiday()}[which]
    planned = tour(client, app, world, day)  # planned at this request
    kept = tour(client, app, world, day)  # read back from the kept plan
    for doc in (planned, kept):
        assert doc["working_day"] is False
        assert not doc.get("provisional"), "no banner: nothing will optimise a day off"


def test_a_working_day_planned_at_the_request_is_still_provisional(app, client, world):
    day = next_weekday(1, today() + timedelta(days=1))
    while holiday_calendar("FR").get(day):
        day = next_weekday(1, day)
    assert tour(client, app, world, day)["provisional"] is True


def test_a_holiday_is_named_in_the_callers_language(app, client, world):
    day = weekday_holiday()
    french = holidays.country_holidays("FR", language="fr").get(day)
    english = holidays.country_holidays("FR", language="en_US").get(day)
    assert french != english
    names = {"fr": french, "en": english}
    assert tour(client, app, world, day)["day_off"] == {"kind": "holiday", "name": french, "names": names}  # French by default
    assert tour(client, app, world, day, "en")["day_off"] == {"kind": "holiday", "name": english, "names": names}
    assert tour(client, app, world, day, "fr-FR,fr;q=0.9")["day_off"]["name"] == french


def test_christmas_in_english_is_christmas_day(app, client, world):
    day = christmas_after(today())
    while day.weekday() >= 5:  # a weekend Christmas says "weekly" first
        day = christmas_after(day)
    assert tour(client, app, world, day, "en")["day_off"]["name"] == "Christmas Day"
    assert tour(client, app, world, day)["day_off"]["name"] == "Noël"


def test_a_holiday_pulled_by_the_tablet_carries_its_name_in_every_language(app, client, world):
    """A pull reads the kept plan as it is stored: the names in every language ride with it, so an
    English tablet offline names the holiday in English (pwa/views/tour.js), not in French."""
    day = christmas_after(today())
    while day.weekday() >= 5:  # a weekend Christmas says "weekly" first
        day = christmas_after(day)
    tour(client, app, world, day)  # kept, read in French
    response = client.get("/api/sync/pull?since=0&limit=1000", headers=world.headers(app, "rep"))
    assert response.status_code == 200
    pulled = next(c["data"]["plan"] for c in response.get_json()["changes"]
                  if c["entity"] == "tour_plan" and c["data"]["date"] == day.isoformat())
    assert pulled["day_off"]["names"] == {"fr": "Noël", "en": "Christmas Day"}


def test_a_holiday_kept_before_its_names_were_stored_is_named_when_read(app, client, session, world):
    from sqlalchemy import select

    from server.tours.models import TourPlan
    day = weekday_holiday()
    tour(client, app, world, day)
    kept = session.scalar(select(TourPlan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == day))
    kept.plan = {**kept.plan, "day_off": {"kind": "holiday", "name": holiday_calendar("FR").get(day)}}  # the older form
    session.commit()
    names = tour(client, app, world, day, "en")["day_off"]["names"]
    assert names == {"fr": holiday_calendar("FR").get(day), "en": holiday_calendar("FR", "en").get(day)}

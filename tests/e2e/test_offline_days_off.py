"""Offline on a day the rep does not work, with no plan stored, the tablet says so as the server
does: on a Saturday or on a public holiday (Christmas) the tour opens on the next working day with the day-off
notice ("Samedi — voici votre tournée de lundi 30 novembre"), and a day off asked for lists no
due accounts but "Jour non travaillé". The tablet knows the days off from the calendar that
`GET /api/me` sends (server/users/service.calendar_ahead), not from rules of its own.

Each test's page clock is set to its day off, the server's pinned Tuesday before it (the
calendar reaches 120 days ahead of the server's today). The rep is the test's own, in no team
(France's public holidays), with only the test's accounts."""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from e2e_server import E2E_NOW, Api, new_context
from playwright.sync_api import expect
from pwa import clear_store, new_rep, read_meta, signed_in_synced

from server.agenda.workdays import WorkCalendar, holiday_calendar, holiday_name

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
HOME = {"lat": 47.322, "lon": 5.041}  # Dijon


def next_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7 or 7)


def long_day(day: dt.date, lang: str) -> str:
    """"lundi 30 novembre", "Monday 30 November": as the page writes the day (Intl, weekday long)."""
    return format_date(day, "EEEE d MMMM", locale={"fr": "fr_FR", "en": "en_GB"}[lang])


def next_weekday_holiday(start: dt.date) -> dt.date:
    """France's first public holiday on a weekday after `start` (Christmas after the default
    pinned Tuesday), well within the 120 days the calendar of GET /api/me reaches."""
    days = sorted(d for d in holiday_calendar("FR", "fr")[start + dt.timedelta(days=1):start + dt.timedelta(days=100)]
                  if d.weekday() < 5)
    assert days, f"no weekday public holiday within 100 days of {start}"
    return days[0]


def rep_with_accounts(api, mailbox, live_server) -> tuple[Api, list[dict]]:
    """A new rep and two located accounts of its own, never visited: due every working day."""
    rep = Api(live_server.url, new_rep(api, mailbox, HOME)["email"])
    accounts = [rep.call("POST", "/api/accounts", {"name": name, "status": "prospect", "lat": HOME["lat"] + d,
                                                    "lon": HOME["lon"]})
                for name, d in (("Garage du Centre", 0.01), ("Atelier des Combes", 0.05))]
    return rep, accounts


def offline_without_plans(page, context, email: str) -> None:
    """Signed in online (the calendar of GET /api/me kept), then offline with no plan stored."""
    signed_in_synced(page, email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    deadline = time.monotonic() + 15
    while read_meta(page, "calendar") is None:
        assert time.monotonic() < deadline, "the tablet never kept the rep's calendar"
        time.sleep(0.2)
    context.set_offline(True)
    clear_store(page, "tour_plan")
    page.goto("/#/tour")
    page.reload()


def test_offline_on_a_saturday_with_no_plan_the_tour_opens_on_monday_and_says_why(browser, live_server, api,
                                                                                  mailbox):
    saturday = next_weekday(E2E_NOW.date(), 5)
    monday = WorkCalendar(hours={}).next_working_day(saturday)  # Monday, unless a holiday
    rep, accounts = rep_with_accounts(api, mailbox, live_server)
    context = new_context(browser, live_server, now=dt.datetime.combine(saturday, dt.time(10, 0), PARIS))
    try:
        page = context.new_page()
        offline_without_plans(page, context, rep.user["email"])
        notice = page.get_by_test_id("tour-day-off")
        expect(notice).to_have_text(f"Samedi — voici votre tournée de {long_day(monday, 'fr')}")
        expect(page.locator("h1")).to_contain_text(long_day(monday, "fr"))
        stops = page.get_by_test_id("tour-stop")
        expect(stops).to_have_count(2)  # Monday's due accounts, from local data
        assert {s.get_attribute("data-account-id") for s in stops.all()} == {a["id"] for a in accounts}
        # The week's chips leave out the weekend the calendar says is not worked.
        days = [c.get_attribute("data-day") for c in page.get_by_test_id("tour-day").all()]
        assert monday.isoformat() in days and saturday.isoformat() not in days

        # Sunday asked for: not worked, no due list, and no "no tour stored" either.
        page.goto(f"/#/tour/{saturday + dt.timedelta(days=1)}")
        expect(page.get_by_test_id("tour-not-worked")).to_have_text("Jour non travaillé.")
        expect(stops).to_have_count(0)
        expect(page.get_by_text("Pas de tournée en mémoire")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_offline_on_a_public_holiday_with_no_plan_it_is_named_and_no_account_is_due(browser, live_server, api,
                                                                                    mailbox, lang):
    holiday = next_weekday_holiday(E2E_NOW.date())  # Christmas
    name = holiday_name("FR", holiday, lang)  # "Noël", "Christmas Day"
    following = WorkCalendar(hours={}).next_working_day(holiday)  # Monday 28 December
    rep, accounts = rep_with_accounts(api, mailbox, live_server)
    context = new_context(browser, live_server, now=dt.datetime.combine(holiday, dt.time(9, 0), PARIS))
    try:
        page = context.new_page()
        page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
        offline_without_plans(page, context, rep.user["email"])
        expected = {"fr": f"{name} — voici votre tournée de {long_day(following, 'fr')}",
                    "en": f"{name} — here is your tour for {long_day(following, 'en')}"}[lang]
        expect(page.get_by_test_id("tour-day-off")).to_have_text(expected)
        expect(page.get_by_test_id("tour-stop")).to_have_count(len(accounts))

        page.goto(f"/#/tour/{holiday}")
        expect(page.get_by_test_id("tour-not-worked")).to_have_text(
            {"fr": f"{name} · Jour non travaillé.", "en": f"{name} · Day off."}[lang])
        expect(page.get_by_test_id("tour-stop")).to_have_count(0)
    finally:
        context.close()


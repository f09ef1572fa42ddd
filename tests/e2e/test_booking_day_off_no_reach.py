"""The telemarketer's booking screen asks whether the rep can reach a visit (GET /api/reps/{id}/reach)
on a day the rep works only: a day off typed by hand is refused whatever the time ("Passer au …"
is offered instead), so no reach is asked for it. Christmas 2026 is a Friday; the page runs on a
clock pinned in that week."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import new_context
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHRISTMAS, NEXT_MONDAY = "2026-12-25", "2026-12-28"


def _typed_slot_of_first_call(context):
    """The telemarketer's desk on its first call's booking screen, "Autre créneau" open: the page."""
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "tele@example.com", "calls")
    page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
    _open_typed_slot(page)
    return page


def _open_typed_slot(page) -> None:
    """Open "Autre créneau": clicked again when the booking panel, still loading its rep's days
    off or slots, was drawn anew and closed it (a loaded CI machine saw the date field hidden)."""
    summary, date = page.get_by_test_id("manual-slot").locator("summary"), page.get_by_test_id("manual-date")
    for _ in range(5):
        summary.click()
        try:
            expect(date).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(date).to_be_visible()


def test_no_reach_is_asked_for_a_day_off_and_it_is_for_the_next_worked_day(browser, live_server):
    context = new_context(browser, live_server, now=dt.datetime(2026, 12, 21, 9, 30, tzinfo=dt.UTC))
    reach_days = []
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        page.on("request", lambda request: "/reach?" in request.url and reach_days.append(
            parse_qs(urlparse(request.url).query)["start"][0][:10]))
        desk_sign_in(page, "tele@example.com", "calls")
        page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
        _open_typed_slot(page)
        page.get_by_test_id("manual-date").fill(CHRISTMAS)
        page.get_by_test_id("manual-time").fill("10:00")
        expect(page.get_by_test_id("book-blocked")).to_be_visible(timeout=30_000)
        page.get_by_test_id("manual-time").fill("11:00")  # another time, the same day off
        expect(page.get_by_test_id("book-blocked")).to_be_visible()
        # The next worked day is a day like any other: its reach is asked.
        with page.expect_request(lambda request: "/reach?" in request.url and NEXT_MONDAY in request.url):
            page.get_by_test_id("manual-next-day").click()
        expect(page.get_by_test_id("book-submit")).to_be_enabled()
        assert CHRISTMAS not in reach_days
    finally:
        context.close()


def test_a_time_outside_the_reps_hours_is_said_so_and_not_offered_to_book(browser, live_server):
    """The server refuses a booking outside the rep's hours: the screen says so (not "you can still
    book it", as a user trial read before a 409) and its Book button waits for another time."""
    context = new_context(browser, live_server, now=dt.datetime(2026, 12, 21, 9, 30, tzinfo=dt.UTC))
    try:
        page = _typed_slot_of_first_call(context)
        page.get_by_test_id("manual-date").fill(NEXT_MONDAY)
        page.get_by_test_id("manual-time").fill("06:00")
        notice = page.get_by_test_id("book-reach")
        expect(notice).to_contain_text("Hors des heures de travail du commercial ce jour-là", timeout=30_000)
        expect(notice).not_to_contain_text("quand même")
        expect(page.get_by_test_id("book-submit")).to_be_disabled()
        page.get_by_test_id("manual-time").fill("10:00")
        expect(page.get_by_test_id("book-submit")).to_be_enabled()
    finally:
        context.close()


def test_a_time_over_another_appointment_is_said_so_and_not_offered_to_book(browser, live_server, api):
    """The server refuses a booking over another of the rep's appointments: the screen names it
    (not "you can still book it") and its Book button waits for another time."""
    context = new_context(browser, live_server, now=dt.datetime(2026, 12, 21, 9, 30, tzinfo=dt.UTC))
    tele, day, other = api("tele@example.com"), "2027-01-05", None  # a Tuesday no other test books
    try:
        page = _typed_slot_of_first_call(context)
        page.get_by_test_id("manual-date").fill(day)
        with page.expect_request(lambda request: "/reach?" in request.url and day in request.url) as asked:
            page.get_by_test_id("manual-time").fill("14:00")
        url = urlparse(asked.value.url)
        rep_id, account_id = url.path.split("/")[-2], parse_qs(url.query)["account_id"][0]
        other = tele.call("POST", "/api/appointments", {
            "rep_id": rep_id, "account_id": account_id, "contact_id": None, "purpose": None,
            "start": f"{day}T10:00:00", "end": f"{day}T11:00:00"}, expect=201)
        name = tele.call("GET", f"/api/accounts/{account_id}")["name"]
        page.get_by_test_id("manual-time").fill("10:30")
        notice = page.get_by_test_id("book-reach")
        expect(notice).to_contain_text("Ce créneau chevauche un autre rendez-vous du commercial", timeout=30_000)
        expect(notice).to_contain_text(name)
        expect(notice).not_to_contain_text("quand même")
        expect(page.get_by_test_id("book-submit")).to_be_disabled()
        page.get_by_test_id("manual-time").fill("14:00")
        expect(page.get_by_test_id("book-submit")).to_be_enabled()
    finally:
        context.close()
        if other:
            tele.call("PATCH", f"/api/appointments/{other['id']}", {"changes": {"status": "cancelled"}}, expect=200)

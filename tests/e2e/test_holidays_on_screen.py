"""Public holidays on screen, as the server names them (GET /api/users/{id}/days-off): the rep's
agenda marks Christmas by its name in the language on screen (offline too, once seen), and the
telemarketer's booking screen shows the holiday in the rep's week and, when one is typed by
hand, says why "Réserver" waits (the server would refuse) and offers the next worked day.

Christmas 2026 is a Friday; the booking test's pages run on a clock pinned in that week (the
server stays on the session's pinned clock, e2e_server.E2E_NOW)."""
from __future__ import annotations

import datetime as dt

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import new_context
from playwright.sync_api import expect
from pwa import signed_in_synced

pytestmark = pytest.mark.e2e

MONDAY, CHRISTMAS = "2026-12-21", "2026-12-25"


def christmas_card(page):
    return page.locator(".day.card", has=page.locator(f'a[href="#/tour/{CHRISTMAS}"]'))


@pytest.mark.parametrize(("language", "text", "worked_day_text"), [
    ("fr", "Noël · jour férié", "Rien de prévu."),
    ("en", "Christmas Day · public holiday", "Nothing planned."),
])
def test_the_reps_agenda_names_the_holiday_and_keeps_it_offline(page, language, text, worked_day_text):
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{language}')")
    signed_in_synced(page, "rep2@example.com")
    page.goto(f"/#/agenda/{MONDAY}")
    expect(christmas_card(page).get_by_test_id("holiday-day")).to_have_text(text, timeout=20_000)
    expect(page.get_by_test_id("holiday-day")).to_have_count(1)  # the other weekdays are worked
    page.context.set_offline(True)
    try:
        page.goto("/#/accounts")
        page.goto(f"/#/agenda/{MONDAY}")
        expect(christmas_card(page).get_by_test_id("holiday-day")).to_have_text(text)
    finally:
        page.context.set_offline(False)


def test_the_booking_screen_holds_a_holiday_back_and_offers_the_next_working_day(browser, live_server):
    context = new_context(browser, live_server, now=dt.datetime(2026, 12, 21, 9, 30, tzinfo=dt.UTC))
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        desk_sign_in(page, "tele@example.com", "calls")
        page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
        # The rep's week: Monday to Thursday worked, Friday named as the holiday it is.
        expect(page.get_by_test_id("week-day-off")).to_have_text("Noël : jour férié, non travaillé", timeout=30_000)
        expect(page.get_by_test_id("week-day")).to_have_count(5)
        # Typed by hand, the day is said to be off before booking…
        page.get_by_test_id("manual-slot").locator("summary").click()
        page.get_by_test_id("manual-date").fill(CHRISTMAS)
        page.get_by_test_id("manual-time").fill("10:00")
        expect(page.get_by_test_id("manual-day-off")).to_have_text("Noël : jour férié, non travaillé")
        # … "Réserver" cannot book it (the server refuses a day off), and the bar says why…
        expect(page.get_by_test_id("book-blocked")).to_contain_text("Noël : jour férié, non travaillé. Le commercial "
                                                                    "ne peut pas être réservé ce jour-là")
        expect(page.get_by_test_id("book-submit")).to_be_disabled()
        # … and the next worked day is offered: Christmas is a Friday, then a weekend, so Monday 28.
        expect(page.get_by_test_id("manual-next-day")).to_have_text("Passer au lundi 28 décembre")
        page.get_by_test_id("manual-next-day").click()
        expect(page.get_by_test_id("manual-date")).to_have_value("2026-12-28")
        expect(page.get_by_test_id("book-chosen")).to_contain_text("28")
        expect(page.get_by_test_id("book-blocked")).to_have_count(0)
        expect(page.get_by_test_id("book-submit")).to_be_enabled()
    finally:
        context.close()

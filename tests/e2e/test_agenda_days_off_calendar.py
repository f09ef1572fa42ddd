"""The rep's agenda and tour read the days off from one calendar, the one GET /api/me sends
(lib/days-off.js): a week the agenda never showed online still names its public holiday offline,
and a week beyond that calendar is asked of the server online (GET /api/users/{id}/days-off).
Christmas 2026 is a Friday, within the calendar that the session's pinned Tuesday reaches."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from pwa import read_meta, signed_in_synced

pytestmark = pytest.mark.e2e

CHRISTMAS_WEEK, CHRISTMAS = "2026-12-21", "2026-12-25"
MAY_DAY_2028 = "2028-05-01"  # a Monday, far beyond the calendar's months ahead


def kept_calendar(page):
    deadline = time.monotonic() + 15
    while (calendar := read_meta(page, "calendar")) is None:
        assert time.monotonic() < deadline, "the tablet never kept the rep's calendar"
        time.sleep(0.2)
    return calendar


def test_a_week_never_opened_online_names_its_holiday_offline(page):
    signed_in_synced(page, "rep2@example.com")
    assert kept_calendar(page)["from"] <= CHRISTMAS <= kept_calendar(page)["to"]
    page.context.set_offline(True)
    try:
        page.goto(f"/#/agenda/{CHRISTMAS_WEEK}")
        card = page.locator(".day.card", has=page.locator(f'a[href="#/tour/{CHRISTMAS}"]'))
        expect(card.get_by_test_id("holiday-day")).to_have_text("Noël · jour férié", timeout=20_000)
    finally:
        page.context.set_offline(False)


def test_a_week_beyond_the_calendar_is_asked_for_online(page):
    signed_in_synced(page, "rep2@example.com")
    assert kept_calendar(page)["to"] < MAY_DAY_2028
    with page.expect_response(lambda r: "/days-off?from=2028-05-01" in r.url and r.ok):
        page.goto(f"/#/agenda/{MAY_DAY_2028}")
    card = page.locator(".day.card", has=page.locator(f'a[href="#/tour/{MAY_DAY_2028}"]'))
    expect(card.get_by_test_id("holiday-day")).to_have_text("Fête du Travail · jour férié")

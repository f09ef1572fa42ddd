"""The telemarketer's booking screen on days the rep does not work: the week shown is the one
being booked for (today's if the rep works it and a slot remains, else the next worked day's),
with arrows to the weeks before and after it, and "Autre créneau" opens on the rep's next worked
day, not on a Sunday or a holiday (nor, before the rep's days off are read, on a Saturday or Sunday).

The pages run on a clock pinned on a Saturday, a Sunday and Christmas (a Friday); the server
stays on the session's pinned clock (e2e_server.E2E_NOW)."""
from __future__ import annotations

import datetime as dt

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import new_context
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(("now", "week", "worked"), [
    (dt.datetime(2026, 12, 5, 10, 0, tzinfo=PARIS_WINTER), "7 décembre", "2026-12-07"),   # Saturday
    (dt.datetime(2026, 12, 6, 21, 30, tzinfo=PARIS_WINTER), "7 décembre", "2026-12-07"),  # Sunday evening
    (dt.datetime(2026, 12, 25, 9, 0, tzinfo=PARIS_WINTER), "28 décembre", "2026-12-28"),  # Christmas
], ids=["saturday", "sunday", "christmas"])
def test_on_a_day_off_the_week_and_the_other_slot_are_the_next_worked_days(browser, live_server, now, week, worked):
    context = new_context(browser, live_server, now=now)
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        desk_sign_in(page, "tele@example.com", "calls")
        page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
        heading = page.get_by_test_id("booking-week")
        expect(heading).to_contain_text(f"à partir du lundi {week}", timeout=30_000)
        expect(page.get_by_test_id("week-day").first).to_contain_text(str(int(worked[-2:])))
        page.get_by_test_id("manual-slot").locator("summary").click()
        expect(page.get_by_test_id("manual-date")).to_have_value(worked)
        expect(page.get_by_test_id("manual-day-off")).to_have_count(0)

        # The arrows: a week on, then back, and no further back than the current week.
        monday = dt.date.fromisoformat(worked)
        page.get_by_test_id("booking-week-next").click()
        expect(heading).to_contain_text(f"lundi {(monday + dt.timedelta(days=7)).day} ")
        page.get_by_test_id("booking-week-prev").click()
        expect(heading).to_contain_text(f"à partir du lundi {week}")
        page.get_by_test_id("booking-week-prev").click()
        this_monday = now.date() - dt.timedelta(days=now.weekday())
        expect(heading).to_contain_text(f"à partir du lundi {this_monday.day} ")
        expect(page.get_by_test_id("booking-week-prev")).to_be_disabled()
    finally:
        context.close()


def test_before_the_reps_days_off_are_read_the_other_slot_opens_on_a_weekday(browser, live_server):
    """Until GET /api/users/{id}/days-off answers (held back here), "Autre créneau" opens on the
    next Monday–Friday: on a Saturday, the Monday, not the Sunday."""
    context = new_context(browser, live_server, now=dt.datetime(2026, 12, 5, 10, 0, tzinfo=PARIS_WINTER))
    held = []
    try:
        page = context.new_page()
        page.route("**/api/users/*/days-off*", lambda route: held.append(route))
        page.set_viewport_size(DESKTOP)
        desk_sign_in(page, "tele@example.com", "calls")
        page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
        page.get_by_test_id("manual-slot").locator("summary").click(timeout=30_000)
        expect(page.get_by_test_id("manual-date")).to_have_value("2026-12-07")
        assert held, "the days off were asked for, and are still held"
    finally:
        context.close()

"""The rep's agenda on Christmas (Friday 25 December 2026, a public holiday, then the weekend):
a task due earlier in the week, late now, is listed once (on today's card), and "Déclarer une
absence" starts at the next worked day, not at the week's Monday, now past.

The rep is the test's own (in no team: France's holidays); the page's clock is pinned on
Christmas morning (the server stays on the session's pinned clock, e2e_server.E2E_NOW)."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from e2e_server import Api, new_context
from playwright.sync_api import expect
from pwa import new_rep, signed_in_synced

pytestmark = pytest.mark.e2e

CHRISTMAS = dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def test_on_christmas_a_late_task_is_listed_once_and_an_absence_starts_at_the_next_worked_day(
        browser, live_server, api, mailbox):
    rep = Api(live_server.url, new_rep(api, mailbox)["email"])
    task_id = str(uuid.uuid4())
    result = rep.call("POST", "/api/sync/push", {"client_id": str(uuid.uuid4()), "mutations": [{
        "mutation_id": str(uuid.uuid4()), "entity": "task", "op": "create", "id": task_id,
        "changes": {"title": "Rappeler la scierie", "kind": "call", "status": "open",
                    "due_at": "2026-12-21T10:00:00+01:00"}, "client_time": "2026-11-24T09:00:00Z"}]})
    assert result["results"][0]["status"] == "applied", result
    context = new_context(browser, live_server, now=CHRISTMAS)
    try:
        page = context.new_page()
        signed_in_synced(page, rep.user["email"])
        page.goto("/#/agenda")
        christmas = page.locator(".day.card.today")
        expect(christmas.get_by_test_id("holiday-day")).to_have_text("Noël · jour férié", timeout=20_000)
        expect(christmas.locator(".task")).to_contain_text("Rappeler la scierie")
        expect(page.locator(".task", has_text="Rappeler la scierie")).to_have_count(1)  # not under Monday too
        page.get_by_test_id("absence-open").click()
        # Friday is Christmas, then the weekend: Monday 28.
        expect(page.get_by_test_id("absence-from")).to_have_value("2026-12-28")
        expect(page.get_by_test_id("absence-to")).to_have_value("2026-12-28")
        # A week to come starts at its Monday, worked.
        page.get_by_test_id("absence-save").evaluate("(b) => b.form.querySelector('button[type=button]').click()")
        page.get_by_test_id("next-week").click()
        page.get_by_test_id("absence-open").click()
        expect(page.get_by_test_id("absence-from")).to_have_value("2026-12-28")
    finally:
        context.close()


def test_an_absence_declared_on_a_weekend_before_a_holiday_starts_after_it(browser, live_server, api, mailbox):
    """Saturday 27 March 2027, then Easter Sunday and Easter Monday: the absence starts on Tuesday
    30. The page's clock is past the calendar the tablet keeps (120 days from the server's today),
    so the agenda asks the server for the days off it shows and for those of the week after."""
    rep = Api(live_server.url, new_rep(api, mailbox)["email"])
    context = new_context(browser, live_server, now=dt.datetime(2027, 3, 27, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    try:
        page = context.new_page()
        signed_in_synced(page, rep.user["email"])
        page.goto("/#/agenda")
        # the server's answer is in: today, a Saturday, is said not worked (beyond the kept calendar it was not)
        expect(page.locator(".day.card.today")).to_contain_text("Jour non travaillé", timeout=20_000)
        page.get_by_test_id("absence-open").click()
        expect(page.get_by_test_id("absence-from")).to_have_value("2027-03-30")
        expect(page.get_by_test_id("absence-to")).to_have_value("2027-03-30")
    finally:
        context.close()

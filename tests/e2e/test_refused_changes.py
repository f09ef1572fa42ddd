"""A change the server refuses at sync is told where the rep looks: the header counts the
refused changes beside the waiting ones (a link to Synchro), Synchro names the account, and
the tour no longer counts a refused visit as done. The forms do not let a rep type past the
server's limits in the first place."""
from __future__ import annotations

import re

import pytest
from marshmallow import validate
from playwright.sync_api import expect
from pwa import open_first_stop, pending, sign_in, sync_now, workday

from server.visits.schemas import TaskChangesSchema, VisitChangesSchema

pytestmark = pytest.mark.e2e

# A visit logged offline whose next action is longer than the server takes (what a form
# without maxlength let through), written as the visit form writes it: lib/outbox.js.
LOG_TOO_LONG = """async ([accountId, text]) => {
  const { logVisit } = await import('/lib/outbox.js');
  const { getRecord } = await import('/lib/db.js');
  await logVisit({ account_id: accountId, started_at: new Date().toISOString(), kind: 'onsite',
    outcome: 'interested', notes: 'Trop long', next_action: text, rep_id: null });
  return (await getRecord('account', accountId)).name;
}"""


def max_length(schema, field: str) -> int:
    return next(v.max for v in schema().fields[field].validators if isinstance(v, validate.Length))


def test_a_refused_visit_is_counted_in_the_header_and_named_on_the_sync_screen(page, context):
    sign_in(page, "rep3@example.com")
    expect(page.get_by_test_id("sync-rejected")).to_have_count(0)
    context.set_offline(True)
    account_id = open_first_stop(page)
    name = page.evaluate(LOG_TOO_LONG, [account_id, "x" * (max_length(VisitChangesSchema, "next_action") + 1)])
    pending(page).to_have_text("1")

    context.set_offline(False)
    sync_now(page)
    pending(page).to_have_text("0")
    refused = page.get_by_test_id("sync-rejected")
    expect(refused).to_have_text("1 refus")
    page.locator(".lang").click()
    expect(refused).to_have_text("1 rejected")
    page.locator(".lang").click()

    refused.click()
    expect(page).to_have_url(re.compile(r"#/sync$"))
    item = page.get_by_test_id("rejected-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(name)  # the account, not only "Visite"

    item.get_by_role("button").click()  # dismissed: the header says nothing more
    expect(refused).to_have_count(0)


def done_count(page) -> int:
    """The "· N fait" of the tour's totals line."""
    return int(re.search(r"· (\d+) fait", page.get_by_test_id("tour-totals").inner_text()).group(1))


def test_a_refused_visit_leaves_its_stop_not_done_on_the_tour(page, context):
    sign_in(page, "rep3@example.com")
    day = workday()
    # A stop still to do (another test may have visited the first one on the server).
    stop = page.locator('li.stop[data-status="planned"]').last
    account_id = stop.get_by_test_id("tour-stop").get_attribute("data-account-id")
    row = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{account_id}"]'))
    before = done_count(page)

    context.set_offline(True)
    page.evaluate(LOG_TOO_LONG, [account_id, "x" * (max_length(VisitChangesSchema, "next_action") + 1)])
    page.goto(f"/#/tour/{day}")
    expect(row.get_by_test_id("stop-state")).to_have_text("Fait")  # logged here, not yet refused
    assert done_count(page) == before + 1

    context.set_offline(False)
    sync_now(page)
    expect(page.get_by_test_id("sync-rejected")).to_have_text("1 refus")
    expect(row).to_have_attribute("data-status", "refused")
    expect(row.get_by_test_id("stop-state")).to_have_text("Visite refusée — à corriger")
    expect(row.locator(".seq")).not_to_have_text("✓")
    expect(page.get_by_test_id("tour-totals")).to_contain_text(f"· {before} fait")
    page.locator(".lang").click()
    expect(row.get_by_test_id("stop-state")).to_have_text("Visit refused — needs fixing")
    page.locator(".lang").click()

    row.get_by_test_id("stop-refused").click()  # to the refused change, with the server's reason
    expect(page).to_have_url(re.compile(r"#/sync$"))
    item = page.get_by_test_id("rejected-item")
    expect(item).to_have_count(1)
    item.get_by_role("button").click()  # dismissed: the visit is gone, the stop is to do again

    page.goto(f"/#/tour/{day}")
    expect(row).to_have_attribute("data-status", "planned")
    expect(row.get_by_test_id("stop-state")).to_have_count(0)
    assert done_count(page) == before


def test_the_visit_form_stops_at_the_servers_limits(page, context):
    sign_in(page, "rep3@example.com")
    context.set_offline(True)
    open_first_stop(page)
    page.get_by_test_id("log-visit").click()
    notes = page.get_by_test_id("visit-notes")
    expect(notes).to_have_attribute("maxlength", str(max_length(VisitChangesSchema, "notes")))
    # The next action is the visit's (500) and, with a due date, the follow-up task's title (300).
    limit = min(max_length(VisitChangesSchema, "next_action"), max_length(TaskChangesSchema, "title"))
    next_action = page.get_by_test_id("visit-next-action")
    expect(next_action).to_have_attribute("maxlength", str(limit))
    next_action.fill("z" * (limit - 1))
    next_action.press_sequentially("abc")  # typing stops at the limit
    assert len(next_action.input_value()) == limit

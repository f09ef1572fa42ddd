"""A change the server refuses at sync is told where the rep looks: the header counts the
refused changes beside the waiting ones (a link to Synchro), and Synchro names the account.
The forms do not let a rep type past the server's limits in the first place."""
from __future__ import annotations

import re

import pytest
from marshmallow import validate
from playwright.sync_api import expect
from pwa import open_first_stop, pending, sign_in, sync_now

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

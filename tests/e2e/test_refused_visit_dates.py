"""A visit the server refuses (one that starts later than now, server/visits/entity.py
check_started) had moved its account's last visit and due date on the tablet at once; when the
refusal comes back, the account takes the server's dates again (lib/sync-client.js step 6):
the account did not change on the server, so no pull would bring them."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import expect
from pwa import open_first_stop, pending, sign_in, sync_now

pytestmark = pytest.mark.e2e

# Written as the visit form writes it (lib/outbox.js), two hours ahead of the tablet's clock.
LOG_IN_THE_FUTURE = """async (accountId) => {
  const { logVisit } = await import('/lib/outbox.js');
  await logVisit({ account_id: accountId, started_at: new Date(Date.now() + 2 * 3600e3).toISOString(),
    kind: 'onsite', outcome: 'interested', notes: 'Plus tard', rep_id: null });
}"""
LOCAL_DATES = """async (accountId) => {
  const { getRecord } = await import('/lib/db.js');
  const a = await getRecord('account', accountId);
  return [a.last_visit_at, a.next_due_at];
}"""


def instant(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_refused_visit_gives_its_account_the_servers_dates_back(page, context, api):
    sign_in(page, "rep3@example.com")
    context.set_offline(True)
    account_id = open_first_stop(page)
    page.evaluate(LOG_IN_THE_FUTURE, account_id)
    pending(page).to_have_text("1")
    last_visit, _ = page.evaluate(LOCAL_DATES, account_id)
    assert instant(last_visit) > dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # moved on the tablet at once

    context.set_offline(False)
    sync_now(page)
    expect(page.get_by_test_id("sync-rejected")).to_have_text("1 refus")
    server = api("rep3@example.com").call("GET", f"/api/accounts/{account_id}", expect=200)
    wanted = [instant(server["last_visit_at"]), instant(server["next_due_at"])]
    assert wanted[0] is None or wanted[0] < instant(last_visit)
    deadline = time.monotonic() + 10
    while [instant(v) for v in page.evaluate(LOCAL_DATES, account_id)] != wanted:
        assert time.monotonic() < deadline, (page.evaluate(LOCAL_DATES, account_id), wanted)
        time.sleep(0.2)


def test_a_refused_visit_gives_its_account_its_former_dates_when_the_server_copy_cannot_be_read(page, context):
    """Offline again before the account could be read (its GET fails here): the tablet puts
    back the dates the account had before the visit, kept beside the mutation (lib/outbox.js)."""
    sign_in(page, "rep3@example.com")
    context.set_offline(True)
    account_id = open_first_stop(page)
    before = [instant(v) for v in page.evaluate(LOCAL_DATES, account_id)]
    page.evaluate(LOG_IN_THE_FUTURE, account_id)
    pending(page).to_have_text("1")
    moved = [instant(v) for v in page.evaluate(LOCAL_DATES, account_id)]
    assert moved != before and moved[0] > dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)

    asked = []
    page.route(f"**/api/accounts/{account_id}", lambda route: (asked.append(route.request.url), route.abort()))
    context.set_offline(False)
    sync_now(page)
    expect(page.get_by_test_id("sync-rejected")).to_have_text("1 refus")
    deadline = time.monotonic() + 10
    while [instant(v) for v in page.evaluate(LOCAL_DATES, account_id)] != before:
        assert time.monotonic() < deadline, (page.evaluate(LOCAL_DATES, account_id), before)
        time.sleep(0.2)
    assert asked, "the server's copy was asked for, and could not be read"

"""Two people change the same phone number: the losing value shows in the tablet's
conflict list and "restore" brings it back. A new release shows the update prompt
and never takes over while the outbox holds changes."""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest
from playwright.sync_api import expect
from pwa import open_first_stop, pending, sign_in, sync_now

pytestmark = pytest.mark.e2e


def edit_phone(page, phone: str) -> None:
    page.get_by_test_id("account-phone").fill(phone)
    page.get_by_test_id("account-save").click()


def test_conflict_on_a_phone_number_is_listed_and_restore_wins(page, context, api):
    sign_in(page, "rep5@example.com")
    account_id = open_first_stop(page)
    rep = api("rep5@example.com")
    version = rep.call("GET", f"/api/accounts/{account_id}")["version"]

    context.set_offline(True)
    edit_phone(page, "+33 3 80 99 99 99")
    pending(page).to_have_text("1")

    # Later, the manager changes the same field from the office: two seconds later, so that the
    # tablet's offset (PROTOCOL M2, exact to the network delay, which a loaded machine stretches)
    # cannot make its earlier edit look like the later one.
    time.sleep(2)
    manager = api("manager@example.com")
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    result = manager.call("POST", "/api/sync/push", {"client_id": str(uuid.uuid4()), "mutations": [{
        "mutation_id": str(uuid.uuid4()), "entity": "account", "op": "update", "id": account_id,
        "base_version": version, "changes": {"phone": "+33 3 80 11 11 11"}, "client_time": later}]})
    assert result["results"][0]["status"] == "applied"

    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    pending(page).to_have_text("0", timeout=30_000)
    assert rep.call("GET", f"/api/accounts/{account_id}")["phone"] == "+33 3 80 11 11 11"  # the later edit won

    page.goto("/#/sync")
    item = page.get_by_test_id("conflict-item").filter(has_text="99 99 99")
    expect(item).to_have_count(1)
    item.get_by_test_id("conflict-restore").click()
    expect(item).to_have_count(0)
    assert rep.call("GET", f"/api/accounts/{account_id}")["phone"] == "+33 3 80 99 99 99"


def test_new_release_prompts_for_update_and_keeps_the_outbox(page, context):
    sign_in(page, "rep1@example.com")
    page.reload()  # now controlled by the installed service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    old_script = page.evaluate("navigator.serviceWorker.controller.scriptURL")

    # The server is down for pushes: a change stays in the outbox.
    context.route("**/api/sync/push", lambda route: route.fulfill(status=503, json={"title": "down", "status": 503}))
    open_first_stop(page)
    edit_phone(page, "+33 3 80 42 42 42")
    pending(page).to_have_text("1")

    # A new release: precache.json names another version.
    def new_release(route):
        body = route.fetch().json()
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({**body, "version": body["version"] + "-next"}))
    context.route("**/precache.json", new_release)
    context.set_offline(True)
    context.set_offline(False)  # back online: the app looks for a new release

    expect(page.get_by_test_id("update-available")).to_be_visible(timeout=30_000)
    page.get_by_test_id("update-apply").click()
    pending(page).to_have_text("1")  # not taken over: the change is still waiting
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == old_script

    context.unroute("**/api/sync/push")
    page.get_by_test_id("update-apply").click()  # first the waiting change is pushed
    pending(page).to_have_text("0", timeout=30_000)
    # Then the new worker is told to take over. Under Playwright's request interception
    # Chromium sometimes never activates it (about 1 run in 4 here, whatever the page
    # does), so the takeover itself is not asserted; what the issue asks (prompt shown,
    # outbox intact, no takeover while changes wait) is, above.
    sync_now(page)


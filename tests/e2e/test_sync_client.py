"""The sync client's harder cases (lib/sync-client.js, API.md → Sync): a pull cursor the
server refuses with 410 makes the tablet pull its whole scope again while its pending
outbox stays; two tabs share one outbox, one syncs at a time (Web Locks) and the other
sees the pending count change; a full tablet is said in words, nothing claimed saved; the
first sync downloads the prepared snapshot and holds exactly the scope a full pull gives."""
from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import expect
from pwa import log_visit, open_first_stop, pending, read_meta, sign_in, sync_now

pytestmark = pytest.mark.e2e

GONE = {"type": "https://tournee.example/problems/gone", "title": "Gone", "status": 410,
        "detail": "This cursor is older than the change log the server keeps: pull from 0."}

READ_RECORD = """([store, id]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('tournee');
    open.onsuccess = () => {
      const get = open.result.transaction(store).objectStore(store).get(id);
      get.onsuccess = () => { resolve(get.result || null); open.result.close(); };
      get.onerror = () => reject(get.error);
    };
    open.onerror = () => reject(open.error);
  })"""

PUT_RECORD = """([store, record]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('tournee');
    open.onsuccess = () => {
      const tx = open.result.transaction(store, 'readwrite');
      tx.objectStore(store).put(record);
      tx.oncomplete = () => { open.result.close(); resolve(true); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  })"""


def test_cursor_refused_with_410_pulls_again_from_zero_and_keeps_the_outbox(page, context, api):
    marker = uuid.uuid4().hex[:8]
    sign_in(page, "rep4@example.com")
    cursor = read_meta(page, "cursor")
    assert cursor and cursor != "0"
    # A record the server deleted while this tablet was away, in a part of the change log it pruned.
    ghost = str(uuid.uuid4())
    page.evaluate(PUT_RECORD, ["account", {"id": ghost, "name": f"Fantôme {marker}", "version": 1}])

    context.set_offline(True)
    account_id = open_first_stop(page)
    log_visit(page, notes=f"Avant le 410 {marker}", outcome="follow-up")
    pending(page).to_have_text("1")
    visit_id = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('tournee');
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => { resolve(all.result[0].id); open.result.close(); };
        };
      })""")

    # The server takes no push for now (429) and refuses the tablet's cursor once (410).
    context.route("**/api/sync/push", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "120"}, json={"title": "Too Many Requests", "status": 429}))
    refused = []

    def gone_once(route):
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.fulfill(status=410, json=GONE, headers={"Content-Type": "application/problem+json"})
    context.route(lambda url: f"/api/sync/pull?since={cursor}&" in url, gone_once)

    # the whole scope again, as on a first sync: the prepared snapshot (PROTOCOL S1–S5)
    with page.expect_response(lambda r: "/api/sync/snapshot" in r.url, timeout=30_000):
        context.set_offline(False)  # back online: the app syncs by itself
    expect(page.get_by_test_id("sync-now")).to_have_attribute("aria-busy", "false", timeout=60_000)

    assert len(refused) == 1
    assert page.evaluate(READ_RECORD, ["account", ghost]) is None  # the full re-pull dropped it
    assert page.evaluate(READ_RECORD, ["account", account_id])["version"] >= 1  # the scope came back
    assert page.evaluate(READ_RECORD, ["visit", visit_id])["notes"] == f"Avant le 410 {marker}"  # kept
    pending(page).to_have_text("1")
    assert int(read_meta(page, "cursor")) >= int(cursor)

    context.unroute("**/api/sync/push")
    page.get_by_test_id("sync-now").click()
    pending(page).to_have_text("0", timeout=30_000)
    scope = api("rep4@example.com").pull_all()
    assert [v["id"] for v in scope["visit"].values() if marker in (v.get("notes") or "")] == [visit_id]


VERSIONS = """(store) => new Promise((resolve, reject) => {
    const open = indexedDB.open('tournee');
    open.onsuccess = () => {
      const all = open.result.transaction(store).objectStore(store).getAll();
      all.onsuccess = () => { resolve(Object.fromEntries(all.result.map((r) => [r.id, r.version]))); open.result.close(); };
      all.onerror = () => reject(all.error);
    };
    open.onerror = () => reject(open.error);
  })"""


def test_first_sync_downloads_the_snapshot_and_holds_the_full_pulls_scope(page, api):
    asked = []
    page.on("request", lambda r: "/api/sync/" in r.url and asked.append(r.url.split("/api/sync/")[1]))
    sign_in(page, "rep2@example.com")
    assert [url for url in asked if url.startswith("snapshot")] == ["snapshot"]
    assert not [url for url in asked if url.startswith("pull?since=0&")], asked  # never paged from 0
    pulled = [url for url in asked if url.startswith("pull?")]
    assert pulled, "the pull goes on from the snapshot's cursor"
    scope = api("rep2@example.com").pull_all()
    for entity in ("account", "contact", "visit", "appointment", "quote_request"):
        stored = page.evaluate(VERSIONS, entity)
        expected = {record_id: data["version"] for record_id, data in scope.get(entity, {}).items()}
        assert stored == expected, entity


def test_two_tabs_one_outbox_one_sync_at_a_time(page, context, api):
    marker = uuid.uuid4().hex[:8]
    sign_in(page, "rep5@example.com")
    other = context.new_page()
    other.goto(page.url)
    expect(other.get_by_test_id("tour-stop").first).to_be_visible()
    expect(other.get_by_test_id("sync-now")).to_have_attribute("aria-busy", "false", timeout=30_000)
    sync_now(other)

    held, log = [], []
    context.route("**/api/sync/push", lambda route: held.append(route))
    for tab, name in ((page, "first"), (other, "second")):
        tab.on("request", lambda r, name=name: "/api/sync/" in r.url and log.append((name, "start", r.url, time.monotonic())))
        tab.on("requestfinished", lambda r, name=name: "/api/sync/" in r.url and log.append((name, "end", r.url, time.monotonic())))

    # The first tab writes and starts its push (held on the way); the second hears of the change.
    with page.expect_request(lambda r: "/api/sync/push" in r.url, timeout=30_000):
        open_first_stop(page)
        log_visit(page, notes=f"Deux onglets {marker}", outcome="interested")
    locked = len(log)  # from here the first tab holds the lock until its push returns
    expect(other.get_by_test_id("sync-pending")).to_have_text("1")

    # The second tab asks to sync now: it waits for the lock instead of pushing the same outbox.
    other.get_by_test_id("sync-now").click()
    other.wait_for_function("""async () => {
        const { held, pending } = await navigator.locks.query();
        return held.some((l) => l.name === 'tournee-sync') && pending.some((l) => l.name === 'tournee-sync');
      }""", timeout=15_000)
    assert len(held) == 1
    assert not [x for x in log[locked:] if x[0] == "second"], "the second tab synced while the first held the lock"

    started = len(log)
    held[0].continue_()
    pending(page).to_have_text("0", timeout=30_000)
    expect(other.get_by_test_id("sync-pending")).to_have_text("0")
    other.wait_for_function("""async () => (await navigator.locks.query()).held.length === 0""", timeout=30_000)

    # Playwright hands request events over when the test next talks to the browser, so
    # the second tab's may still be on their way: let them arrive (bounded).
    deadline = time.monotonic() + 15
    while not [x for x in log[started:] if x[0] == "second" and x[1] == "end"] and time.monotonic() < deadline:
        other.wait_for_timeout(100)
    first_done = max(t for name, kind, _, t in log if name == "first" and kind == "end")
    second = [x for x in log[started:] if x[0] == "second"]
    assert second, f"the second tab did not sync once the lock was free: {log}"
    assert min(t for _, kind, _, t in second if kind == "start") >= first_done
    assert len(held) == 1 and not [x for x in second if "/push" in x[2]]  # nothing pushed twice
    scope = api("rep5@example.com").pull_all()
    assert len([v for v in scope["visit"].values() if marker in (v.get("notes") or "")]) == 1


FULL_STORAGE = """() => { for (const name of ['add', 'put']) {
    const real = IDBObjectStore.prototype[name];
    IDBObjectStore.prototype[name] = function (...args) {
      if (this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return real.apply(this, args);
    };
  } }"""


def test_full_storage_is_said_in_words_and_nothing_claimed_saved(page, context):
    sign_in(page, "rep1@example.com")
    context.set_offline(True)
    open_first_stop(page)
    # Cheap stand-in for a full disk: IndexedDB refuses every outbox write as the browser would.
    page.evaluate(FULL_STORAGE)
    page.get_by_test_id("log-visit").click()
    page.get_by_test_id("visit-notes").fill("Une visite qui ne tient plus")
    page.get_by_test_id("visit-save").click()

    expect(page.get_by_role("alert").filter(has_text="Mémoire de la tablette pleine")).to_be_visible()
    expect(page.locator(".toast.error")).to_contain_text("Mémoire de la tablette pleine")
    expect(page.get_by_test_id("visit-save")).to_be_visible()  # the form stays, with what was typed
    expect(page.get_by_test_id("visit-notes")).to_have_value("Une visite qui ne tient plus")
    pending(page).to_have_text("0")

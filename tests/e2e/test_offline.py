"""A rep loses nothing offline (PRODUCT.md): the tour survives a reload without network,
a visit and a quote with a photo made offline survive a reload and reach the server
exactly once, expired tokens while offline lose nothing, and a tablet updated from a release
that kept its session in IndexedDB stays signed in."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from pwa import log_visit, open_first_stop, pending, read_meta, read_tokens, request_quote, sign_in, sync_now, workday

pytestmark = pytest.mark.e2e


def test_offline_reload_shows_todays_tour_from_cache(page, context):
    sign_in(page, "rep2@example.com")
    page.goto(f"/#/tour/{workday()}")
    stops = page.get_by_test_id("tour-stop")
    expect(stops.first).to_be_visible()
    count = stops.count()

    context.set_offline(True)
    page.reload()

    expect(stops).to_have_count(count)
    expect(page.locator(".schematic")).to_be_visible()  # no tiles offline: the schematic map
    expect(page.get_by_test_id("sync-pending")).to_have_text("0")


# What a release before pwa/lib/session.js left on a signed-in tablet: the session in the meta table.
OLD_SESSION = """(session) => new Promise((resolve, reject) => {
  localStorage.removeItem('tournee-session');
  const open = indexedDB.open('tournee');
  open.onsuccess = () => {
    const tx = open.result.transaction('meta', 'readwrite');
    tx.objectStore('meta').put({ key: 'tokens', value: session.tokens });
    tx.objectStore('meta').put({ key: 'user', value: session.user });
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""


def test_a_tablet_updated_offline_from_a_session_kept_in_indexeddb_stays_signed_in(page, context):
    sign_in(page, "rep2@example.com")
    session = page.evaluate("JSON.parse(localStorage.getItem('tournee-session'))")
    page.evaluate(OLD_SESSION, session)

    context.set_offline(True)
    page.reload()

    expect(page.get_by_test_id("tour-stop").first).to_be_visible()
    assert read_tokens(page) == session["tokens"]  # moved to localStorage, once
    assert read_meta(page, "tokens") is None and read_meta(page, "user") is None


def test_offline_visit_and_quote_survive_reload_and_reach_the_server_once(page, context, api, live_server):
    marker = uuid.uuid4().hex[:8]
    sign_in(page, "rep3@example.com")
    context.set_offline(True)

    account_id = open_first_stop(page)
    log_visit(page, notes=f"Visite hors ligne {marker}")
    pending(page).to_have_text("1")
    request_quote(page, product_line=f"Maintenance {marker}", label="Compresseur 50 L")
    pending(page).to_have_text("2")

    page.reload()
    pending(page).to_have_text("2")
    page.goto("/#/quotes")
    expect(page.get_by_test_id("quote-row").filter(has_text=marker)).to_have_count(1)

    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    pending(page).to_have_text("0", timeout=30_000)
    sync_now(page)  # a second push resends nothing

    scope = api("rep3@example.com").pull_all()
    visits = [v for v in scope.get("visit", {}).values() if marker in (v.get("notes") or "")]
    quotes = [q for q in scope.get("quote_request", {}).values() if marker in (q.get("product_line") or "")]
    assert len(visits) == 1 and visits[0]["account_id"] == account_id
    assert len(quotes) == 1
    assert quotes[0]["items"][0]["label"] == "Compresseur 50 L"
    assert float(quotes[0]["items"][0]["quantity"]) == 2
    assert len(quotes[0]["attachment_ids"]) == 1  # the photo went up before the request

    # The dispatcher routes it to the technical service; the rep sees it on its next pull.
    live_server.dispatch_once()
    routed = api("rep3@example.com").pull_all()["quote_request"][quotes[0]["id"]]
    assert routed["status"] == "routed" and routed["team_id"]


def test_expired_tokens_while_offline_lose_nothing(page, context, api):
    marker = uuid.uuid4().hex[:8]
    sign_in(page, "rep4@example.com")
    context.set_offline(True)
    open_first_stop(page)
    log_visit(page, notes=f"Jetons expirés {marker}", outcome="follow-up")
    pending(page).to_have_text("1")

    # While the tablet is offline its session ends on the server (revoked family: the
    # access token and the refresh token are both refused from now on).
    tokens = read_tokens(page)
    api().call("POST", "/api/auth/logout", token=tokens["access_token"], expect=204)

    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("reconnect")).to_be_visible(timeout=30_000)
    pending(page).to_have_text("1")  # kept, not thrown away

    page.get_by_test_id("reconnect").click()
    expect(page.get_by_test_id("login-email")).to_have_value("rep4@example.com")
    page.get_by_test_id("login-password").fill("tournee-demo")
    page.get_by_test_id("login-submit").click()
    pending(page).to_have_text("0", timeout=30_000)

    scope = api("rep4@example.com").pull_all()
    assert [v for v in scope.get("visit", {}).values() if marker in (v.get("notes") or "")]

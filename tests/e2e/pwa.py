"""Steps a rep takes in the tablet app, driven only through API.md's data-testid hooks
(plus a look into IndexedDB where a test must play the clock or the thief)."""
from __future__ import annotations

import base64
import datetime as dt
import re
import time
import uuid

from e2e_server import E2E_NOW, PASSWORD
from playwright.sync_api import Page, expect

# A 2×2 red PNG: a "photo" for quote requests.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==")


# The tablet's whole catalogue in both languages, a JS expression to await: lib/i18n.js loads the
# words of the language on screen only (lib/i18n/<code>.js, over lib/words.js's).
TABLET_WORDS = """Promise.all(['fr', 'en'].map((code) => Promise.all([import('/lib/words.js'), import(`/lib/i18n/${code}.js`)])
  .then(([common, own]) => [code, { ...common.dictionaries[code], ...own.default }]))).then(Object.fromEntries)"""


def workday() -> str:
    """The pinned day of the browser tests (a Tuesday, e2e_server.E2E_NOW), a day the demo rep
    works and has a tour; at the weekend, the Monday after."""
    day = E2E_NOW.date()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day.isoformat()


def signed_in_synced(page: Page, email: str) -> None:
    """Sign in from the login screen and wait for the first full sync, wherever the app opens."""
    page.goto("/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    wait_synced(page)


def sign_in(page: Page, email: str) -> None:
    """Sign in, then wait for the first full sync, the tour of a workday and an active service worker."""
    signed_in_synced(page, email)
    page.goto(f"/#/tour/{workday()}")
    expect(page.get_by_test_id("tour-stop").first).to_be_visible(timeout=30_000)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def wait_synced(page: Page) -> None:
    """A sync cycle has finished since the last call (or ever) and nothing is running."""
    button = page.get_by_test_id("sync-now")
    expect(button).not_to_have_attribute("data-last-sync", "", timeout=30_000)
    expect(button).to_have_attribute("aria-busy", "false", timeout=30_000)


def sync_now(page: Page) -> None:
    before = page.get_by_test_id("sync-now").get_attribute("data-last-sync")
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("sync-now")).not_to_have_attribute("data-last-sync", before or "", timeout=30_000)
    expect(page.get_by_test_id("sync-now")).to_have_attribute("aria-busy", "false")


def pending(page: Page):
    return expect(page.get_by_test_id("sync-pending"))


def open_first_stop(page: Page) -> str:
    page.goto(f"/#/tour/{workday()}")
    stop = page.get_by_test_id("tour-stop").first
    account_id = stop.get_attribute("data-account-id")
    stop.click()
    expect(page.get_by_test_id("log-visit")).to_be_visible()
    return account_id


def log_visit(page: Page, notes: str, outcome: str = "quote-requested") -> None:
    page.get_by_test_id("log-visit").click()
    page.get_by_test_id("visit-outcome").select_option(outcome)
    page.get_by_test_id("visit-notes").fill(notes)
    page.get_by_test_id("visit-save").click()
    expect(page.get_by_test_id("request-quote")).to_be_visible()


def request_quote(page: Page, product_line: str, label: str, quantity: str = "2", photo: bool = True) -> None:
    page.get_by_test_id("request-quote").click()
    page.get_by_test_id("quote-product-line").fill(product_line)
    page.get_by_test_id("quote-item-label").fill(label)
    page.get_by_test_id("quote-item-quantity").fill(quantity)
    if photo:
        page.get_by_test_id("quote-photo").set_input_files(
            files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PHOTO}])
        expect(page.locator(".photos img")).to_have_count(1)
    page.get_by_test_id("quote-save").click()
    expect(page.get_by_test_id("log-visit")).to_be_visible()  # back on the account


def read_meta(page: Page, key: str):
    """A value of the app's meta table, read straight from IndexedDB."""
    return page.evaluate("""(key) => new Promise((resolve, reject) => {
        const open = indexedDB.open('tournee');
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get(key);
          get.onsuccess = () => { resolve(get.result && get.result.value); open.result.close(); };
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      })""", key)


def read_tokens(page: Page) -> dict:
    """The token pair of the session on this device (pwa/lib/session.js keeps it in localStorage)."""
    return page.evaluate("JSON.parse(localStorage.getItem('tournee-session')).tokens")


def new_prospect(page: Page, name: str, postcode: str, contact: str, parc: str | None = None,
                 photo: bool = True) -> None:
    """Fill the new-prospect form (a contact with the billing role too, a custom value, a storefront photo) and create."""
    page.goto("/#/accounts")
    page.get_by_test_id("new-prospect").click()
    page.get_by_test_id("prospect-name").fill(name)
    page.get_by_test_id("prospect-address").fill("12 rue de la Liberté")
    page.get_by_test_id("prospect-postcode").fill(postcode)
    page.get_by_test_id("prospect-city").fill("Dijon")
    page.get_by_test_id("prospect-contact-name").fill(contact)
    page.get_by_test_id("contact-role-billing").check()
    if parc is not None:
        page.get_by_test_id("custom-parc_machines").fill(parc)
    if photo:
        page.get_by_test_id("prospect-photo").set_input_files(
            files=[{"name": "devanture.png", "mimeType": "image/png", "buffer": PHOTO}])
        expect(page.locator(".photos img")).to_have_count(1)
    page.get_by_test_id("prospect-save").click()


def invitation_link(mailbox, email: str, timeout_s: float = 20) -> str:
    """The `#/password/…` link of the invitation the SMTP server on loopback received for `email`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for message in mailbox.handler.messages:
            if message["To"] == email:
                return re.search(r"(#/password/\S+)", message.get_content()).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no invitation to {email}")


def new_rep(api, mailbox, home: dict | None = None, name: str = "Hugo Hors-Ligne") -> dict:
    """A rep of the test's own (in no team: France's holidays), with `home` ({"lat", "lon"}) and
    the demo password, created by the admin, its invitation redeemed."""
    email = f"rep-{uuid.uuid4().hex[:8]}@example.com"
    user = api("admin@example.com").call("POST", "/api/users", {"email": email, "name": name, "role": "rep",
                                                                **({"home": home} if home else {})}, expect=201)
    link = user["invitation"].get("link") or invitation_link(mailbox, email)
    api().call("POST", "/api/auth/password-reset/confirm",
               {"token": link.split("#/password/", 1)[1], "password": PASSWORD}, expect=204)
    return user


def clear_store(page: Page, store: str) -> None:
    """Empty one table of the app's IndexedDB, as if the tablet had never stored it (reload after)."""
    page.evaluate("""(store) => new Promise((resolve, reject) => {
        const open = indexedDB.open('tournee');
        open.onsuccess = () => {
          const tx = open.result.transaction(store, 'readwrite');
          tx.objectStore(store).clear();
          tx.oncomplete = () => { open.result.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      })""", store)

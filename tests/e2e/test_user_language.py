"""The language follows the user, not the browser: the one it saved (its `locale`) is taken at
sign-in and at each start, and a choice made in the app is saved on the server, offline too
(saved when the network comes back, and not undone by the older saved one).

Each test signs in as a rep of its own, so the demo users' languages stay as the other browser
tests expect them."""
from __future__ import annotations

import time
import uuid

import pytest
from e2e_server import PASSWORD, new_context
from playwright.sync_api import Page, expect
from pwa import invitation_link, signed_in_synced

pytestmark = pytest.mark.e2e

# What each language shows on the tour screen: the navigation, and the switch naming the other one.
SHOWN = {"en": {"nav": "Accounts", "switch": "Français", "title": "Tour"},
         "fr": {"nav": "Comptes", "switch": "English", "title": "Tournée"}}


def new_rep(api, mailbox, locale: str) -> dict:
    """A rep with the demo password and `locale` saved, created by the admin. In no team: the demo
    team's screens (the manager's, the telemarketer's) stay as the other browser tests know them."""
    admin = api("admin@example.com")
    email = f"lang-{locale}-{uuid.uuid4().hex[:8]}@example.com"
    user = admin.call("POST", "/api/users", {"email": email, "name": f"Léa {locale.upper()}", "role": "rep"}, expect=201)
    link = user["invitation"].get("link") or invitation_link(mailbox, email)
    token = link.split("#/password/", 1)[1]
    api().call("POST", "/api/auth/password-reset/confirm", {"token": token, "password": PASSWORD}, expect=204)
    admin.call("PATCH", f"/api/users/{user['id']}", {"locale": locale}, expect=200)
    return user



def expect_language(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".rail")).to_contain_text(SHOWN[lang]["nav"])
    expect(page.locator(".lang")).to_have_text(SHOWN[lang]["switch"])
    expect(page.locator(".tour h1")).to_contain_text(f"{SHOWN[lang]['title']} · ")




def saved_locale(api, user_id: str) -> str:
    return api("admin@example.com").call("GET", f"/api/users/{user_id}")["locale"]


def wait_saved(api, user_id: str, locale: str, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while saved_locale(api, user_id) != locale:
        assert time.monotonic() < deadline, f"the server never got {locale}"
        time.sleep(0.3)


@pytest.mark.parametrize(("saved", "browser_locale", "device"), [("en", "fr-FR", "fr"), ("fr", "en-GB", "en")])
def test_a_new_browser_takes_the_users_saved_language_at_sign_in(browser, live_server, api, mailbox, saved,
                                                                  browser_locale, device):
    rep = new_rep(api, mailbox, saved)
    context = new_context(browser, live_server, locale=browser_locale)
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_test_id("login-submit")).to_have_text("Sign in" if device == "en" else "Se connecter")
        signed_in_synced(page, rep["email"])
        expect_language(page, saved)

        # At the next start, the saved language again, even after it changed on another device.
        other = "fr" if saved == "en" else "en"
        api("admin@example.com").call("PATCH", f"/api/users/{rep['id']}", {"locale": other}, expect=200)
        page.reload()
        expect_language(page, other)
    finally:
        context.close()


def test_a_language_chosen_in_the_app_is_saved_for_the_user_offline_too(browser, live_server, api, mailbox):
    rep = new_rep(api, mailbox, "fr")
    context = new_context(browser, live_server, locale="fr-FR")
    try:
        page = context.new_page()
        signed_in_synced(page, rep["email"])
        expect_language(page, "fr")
        page.locator(".lang").click()
        expect_language(page, "en")
        wait_saved(api, rep["id"], "en")

        # Chosen offline: saved when the network is back, and the older saved French does not come back.
        context.set_offline(True)
        page.locator(".lang").click()
        expect_language(page, "fr")
        assert saved_locale(api, rep["id"]) == "en"
        context.set_offline(False)
        wait_saved(api, rep["id"], "fr")
        page.reload()
        expect_language(page, "fr")
    finally:
        context.close()

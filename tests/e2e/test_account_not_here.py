"""An account the tablet does not hold (another rep's: an appointment handed over to this rep
shows its stop, not its file) reads in words, not as a bare "404"."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pwa import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("lang", "words"), [("fr", "Ce compte n’est pas sur cette tablette"),
                                             ("en", "This account is not on this tablet")])
def test_another_reps_account_says_it_is_not_on_this_tablet(browser, live_server, api, lang, words):
    from e2e_server import new_context
    other = api("rep2@example.com").call("GET", "/api/accounts?per_page=1")["items"][0]
    context = new_context(browser, live_server, locale={"fr": "fr-FR", "en": "en-GB"}[lang])
    try:
        page = context.new_page()
        sign_in(page, "rep1@example.com")
        page.goto(f"/#/account/{other['id']}")
        expect(page.get_by_test_id("account-not-here")).to_contain_text(words, timeout=20_000)
        # The visit of an appointment handed over is logged from here (the server takes it: tests/tours).
        page.get_by_test_id("log-visit").click()
        expect(page.get_by_test_id("visit-started-at")).to_be_visible()
    finally:
        context.close()

"""The tablet in everyday use, as a fresh rep finds it: a visit saved offline stays on screen (a
reload included) instead of a blank form that invites entering it twice; "Synchroniser" offline
says why nothing is sent; a rep with no account is told whom to ask; an account located at its
commune's centre is said approximate and its directions go to its postal address.

Demo reps' data is only read here, offline changes never pushed (the context closes offline):
the other browser tests find the demo as they know it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pwa import log_visit, open_first_stop, sign_in

pytestmark = pytest.mark.e2e


def test_a_visit_saved_offline_is_shown_after_a_reload_not_a_blank_form(page, context):
    sign_in(page, "rep2@example.com")
    context.set_offline(True)
    account_id = open_first_stop(page)
    log_visit(page, notes="Vu le responsable atelier", outcome="follow-up")
    saved = page.get_by_test_id("visit-saved")
    expect(saved.get_by_test_id("visit-saved-notes")).to_have_text("Vu le responsable atelier")
    expect(saved.get_by_test_id("visit-waiting")).to_be_visible()

    page.reload()  # still offline: the outbox holds the visit
    expect(saved.get_by_test_id("visit-saved-notes")).to_have_text("Vu le responsable atelier")
    expect(saved.get_by_test_id("visit-saved-outcome")).to_have_text("À relancer")
    expect(saved.get_by_test_id("visit-waiting")).to_contain_text("en attente d’envoi")
    expect(page.get_by_test_id("visit-save")).to_have_count(0)  # no blank form to fill again
    expect(page.get_by_test_id("request-quote")).to_be_visible()

    # Back on the account, "Saisir une visite" shows the waiting visit too.
    page.goto(f"/#/account/{account_id}")
    page.get_by_test_id("log-visit").click()
    expect(saved.get_by_test_id("visit-saved-notes")).to_have_text("Vu le responsable atelier")
    # A second visit the same day stays possible, on purpose.
    page.get_by_test_id("visit-another").click()
    expect(page.get_by_test_id("visit-notes")).to_have_value("")
    expect(page.get_by_test_id("sync-pending")).to_have_text("1")


def test_sync_now_offline_says_the_tablet_is_offline_and_what_waits(page, context):
    sign_in(page, "rep3@example.com")
    context.set_offline(True)
    toast = page.locator(".toasts .toast")
    page.get_by_test_id("sync-now").click()
    expect(toast.last).to_have_text("Hors ligne : rien en attente, la synchronisation reprendra au retour du réseau.")

    open_first_stop(page)
    log_visit(page, notes="Visite hors réseau", outcome="interested")
    page.get_by_test_id("sync-now").click()
    expect(toast.last).to_have_text("Hors ligne : 1 modification en attente sera envoyée au retour du réseau.")
    page.locator("button.lang").click()
    page.get_by_test_id("sync-now").click()
    expect(toast.last).to_have_text("Offline: 1 change waiting will be sent when the network is back.")
    expect(page.get_by_test_id("sync-pending")).to_have_text("1")  # kept, nothing lost

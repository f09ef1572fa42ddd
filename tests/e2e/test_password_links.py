"""Password links in the browser: an admin gives a user who has signed in already a new-password
link from the people screen (e-mailed by the relay on loopback, or shown to copy when the server
could not send it), and the forgotten-password page never promises an e-mail the server cannot
send. Each test makes its own user: the live server is shared by the session's modules."""
from __future__ import annotations

import uuid

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import PASSWORD
from playwright.sync_api import expect
from test_company_setup import choose_password, link_for, mails_to

pytestmark = pytest.mark.e2e


def signed_up_user(api, mailbox, name: str) -> dict:
    """A new telemarketer who has chosen its password through its invitation (not pending any more)."""
    admin = api("admin@example.com")
    team = admin.call("GET", "/api/teams")["items"][0]
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
    user = admin.call("POST", "/api/users", {"email": email, "name": f"{name} Lien", "role": "telemarketer",
                                             "team_id": team["id"]}, expect=201)
    token = link_for(mailbox, email, 0).split("#/password/", 1)[1]
    admin.call("POST", "/api/auth/password-reset/confirm", {"token": token, "password": PASSWORD}, expect=204)
    return user


def open_row(page, user: dict):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-people").click()
    page.get_by_test_id("person-search").fill(user["email"])
    row = page.locator(f'[data-testid="person-row"][data-user-id="{user["id"]}"]')
    expect(row).to_be_visible(timeout=20_000)
    expect(row.get_by_test_id("person-invite")).to_have_count(0)  # signed up: no invitation to send again
    return row


def test_an_admin_sends_a_new_password_link_that_works(page, api, mailbox):
    user = signed_up_user(api, mailbox, "Paula")
    already = mails_to(mailbox, user["email"])
    open_row(page, user).get_by_test_id("person-reset").click()
    expect(page.locator(".toast", has_text=f"Lien de nouveau mot de passe envoyé à {user['email']}.")).to_be_visible(
        timeout=20_000)
    link = link_for(mailbox, user["email"], already)
    choose_password(page, link, "une nouvelle phrase pour paula")


def test_without_mail_the_admin_gets_the_link_to_copy(page, api, mailbox):
    """The server answers `sent: false` with why (tests/users/test_admin_reset.py); the answer is
    altered on its way to the page, as the live server has a relay."""
    user = signed_up_user(api, mailbox, "Quentin")
    link = "http://127.0.0.1/#/password/not-a-real-token"
    page.route("**/api/users/*/password-reset", lambda route: route.fulfill(status=202, json={
        "sent": False, "reason": "not_configured", "link": link, "expires_at": "2026-12-07T10:00:00Z"}))
    open_row(page, user).get_by_test_id("person-reset").click()
    notice = page.get_by_test_id("invitation-link")
    expect(notice).to_contain_text(f"Aucun serveur d’e-mail n’est configuré : transmettez ce lien à {user['email']}",
                                   timeout=20_000)
    expect(page.get_by_test_id("invitation-link-url")).to_have_value(link)
    expect(page.get_by_label("Lien de nouveau mot de passe")).to_have_value(link)


def test_an_invitation_with_no_relay_set_says_so(page):
    """`invitation.reason` "not_configured" (tests/users/test_invitations.py): the panel says no mail
    server is set, rather than that the e-mail failed. The answer is altered on its way to the page."""
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-people").click()
    link = "http://127.0.0.1/#/password/not-a-real-token"

    def without_relay(route):
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "invitation": {
            "sent": False, "reason": "not_configured", "link": link, "expires_at": "2026-12-07T10:00:00Z"}})

    page.route("**/api/users", without_relay)
    email = f"rosa-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_test_id("person-new").click()
    form = page.get_by_test_id("person-form")
    form.get_by_test_id("person-name").fill("Rosa Sans-Relais")
    form.get_by_test_id("person-email").fill(email)
    form.get_by_test_id("person-role").select_option("telemarketer")
    form.get_by_test_id("person-team").select_option(index=1)
    form.get_by_test_id("person-save").click()
    expect(page.get_by_test_id("invitation-link")).to_contain_text(
        f"Aucun serveur d’e-mail n’est configuré : transmettez ce lien d’invitation à {email}.", timeout=20_000)
    expect(page.get_by_label("Lien d’invitation")).to_have_value(link)


@pytest.mark.parametrize(("by_email", "shown", "hidden"), [(False, "forgot-ask-admin", "forgot-sent"),
                                                            (True, "forgot-sent", "forgot-ask-admin")])
def test_the_forgotten_password_page_promises_an_e_mail_only_when_one_can_leave(page, by_email, shown, hidden):
    page.route("**/api/auth/password-reset", lambda route: route.fulfill(status=202, json={"by_email": by_email}))
    page.goto("/#/forgot")
    page.get_by_test_id("forgot-email").fill("someone@example.com")
    page.get_by_test_id("forgot-submit").click()
    expect(page.get_by_test_id(shown)).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id(hidden)).to_have_count(0)
    if not by_email:
        expect(page.get_by_test_id(shown)).to_have_text(
            "Ce serveur ne peut pas envoyer d’e-mail : demandez un lien de nouveau mot de passe à votre administrateur.")

"""Steps of the desk roles (telemarketer, back office, manager) in the browser."""
from __future__ import annotations

from e2e_server import PASSWORD
from playwright.sync_api import Page, expect

DESKTOP = {"width": 1440, "height": 900}


def desk_sign_in(page: Page, email: str, first_screen: str) -> None:
    """Sign in at the login form; a desk role lands on its first screen."""
    page.goto("/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id(f"desk-nav-{first_screen}")).to_have_class("active", timeout=20_000)


def open_account_values(page: Page, account: dict):
    """The manager's desk, on `account`'s screen: its custom values' card, visible."""
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-accounts").click()
    page.get_by_test_id("records-search").fill(account["name"][:12])
    page.get_by_test_id("records-result").filter(has_text=account["name"]).first.click()
    values = page.get_by_test_id("account-values")
    expect(values).to_be_visible()
    return values


def open_people(page: Page, lang: str) -> None:
    """The admin's desk in `lang` ("fr", "en"), on Teams and users."""
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-people").click()


def open_new_user_form(page: Page, lang: str):
    """The admin's new-user form, in `lang`; its locator."""
    open_people(page, lang)
    page.get_by_test_id("person-new").click()
    return page.get_by_test_id("person-form")

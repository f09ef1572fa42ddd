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

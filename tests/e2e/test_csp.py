"""The PWA renders and works under the strict Content-Security-Policy (docs/security.md):
no inline script, `style-src 'self'` — Preact's `style=` props go through the CSSOM."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pwa import open_first_stop, sign_in, workday

pytestmark = pytest.mark.e2e

WATCH = """document.addEventListener('securitypolicyviolation', (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(`${e.violatedDirective} ${e.blockedURI}`);
});"""


def test_the_app_runs_under_the_strict_policy_without_a_single_violation(page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    response = page.goto("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp

    sign_in(page, "rep1@example.com")
    page.goto(f"/#/tour/{workday()}")
    expect(page.get_by_test_id("tour-stop").first).to_be_visible()
    open_first_stop(page)
    expect(page.get_by_test_id("log-visit")).to_be_visible()

    assert page.evaluate("window.__cspViolations || []") == []
    assert not [text for text in console if "Content Security Policy" in text]

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


def test_api_docs_render_from_the_server_alone_under_their_policy(page):
    """The OpenAPI docs need nothing but this server (vendored swagger-ui-dist): the
    context refuses every other address, so a CDN file would leave a blank page."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(WATCH)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".opblock-tag").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/auth/login").first).to_be_attached()
    # swagger-ui renders the sections near the screen first: the whole document is read from
    # the loaded spec, which holds every path (the accounts export among them)
    paths = page.evaluate("() => Object.keys(window.ui.specSelectors.specJson().toJS().paths || {})")
    assert "/api/accounts/export.csv" in paths and len(paths) > 50, paths
    base = page.url.split("/api/")[0]
    assert requested and all(url.startswith((base, "data:")) for url in requested), requested
    assert page.evaluate("window.__cspViolations || []") == []

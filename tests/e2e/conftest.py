"""Browser tests: one headless Chromium (Debian's) per session, one live server
(gunicorn on the demo data) per session, a fresh browser context per test.

The browser can reach the server under test only: every other address (map tiles…)
is refused before it leaves the machine.
"""
from __future__ import annotations

import pytest
from e2e_server import CHROMIUM_ARGS, NOT_LOOPBACK, Api, ServerUnavailable, chromium_path, start_server

TABLET = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    try:
        server = start_server(tmp_path_factory.mktemp("e2e-server"))
    except ServerUnavailable as error:  # a broken server is a failure, never a skip
        pytest.fail(f"the server under test did not start: {error}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:  # .ci/run installs it; a missing browser must not pass for a green run
        pytest.fail("chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, locale="fr-FR",
                                  timezone_id="Europe/Paris", service_workers="allow")
    context.route(NOT_LOOPBACK, lambda route: route.abort())
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def api(live_server):
    """Api(email) → a client of the server under test signed in as that demo user."""
    return lambda email=None: Api(live_server.url, email)

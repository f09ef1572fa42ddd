"""Browser tests: one headless Chromium (Debian's) per session, one live server
(gunicorn on the demo data) per session, a fresh browser context per test.

The browser can reach the server under test only: every other address (map tiles…)
is refused before it leaves the machine.
"""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest
import time_machine
from e2e_server import (CHROMIUM_ARGS, E2E_NOW, E2E_NOW_AT, Api, ServerUnavailable, chromium_path, new_context,
                        prepared_demo, start_server)


@pytest.fixture(autouse=True)
def e2e_clock():
    """Each browser test runs on the server's and the pages' pinned clock (e2e_server.E2E_NOW);
    per test, so the tests collected after these keep the real clock."""
    with time_machine.travel(E2E_NOW + dt.timedelta(seconds=time.time() - E2E_NOW_AT), tick=True) as traveller:
        time.time()  # time-machine's clock starts ticking at its first reading, not at travel()
        yield traveller


@pytest.fixture(scope="session")
def mailbox():
    """A real SMTP server (aiosmtpd) on loopback that the live server sends its e-mails to
    (invitations, password resets); its handler keeps every message received."""
    from tests.channels.receivers import RecordingHandler, SmtpReceiver
    receiver = SmtpReceiver(RecordingHandler())
    yield receiver
    receiver.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, mailbox):
    """The server under test, on a copy of the demo database that the run's first process to get
    here made (under pytest-xdist, the workers' temporary folders share a parent)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    try:
        server = start_server(tmp_path_factory.mktemp("e2e-server"), env={"SMTP_URL": mailbox.url()},
                              demo=prepared_demo(shared / "e2e-demo"))
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
    context = new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def api(live_server):
    """Api(email) → a client of the server under test signed in as that demo user."""
    return lambda email=None: Api(live_server.url, email)

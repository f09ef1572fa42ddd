"""A real Tournée server for browser tests and screenshots, and a tiny API client.

`start_server(tmp)` loads the demo data (`tournee demo`) into a fresh SQLite file
under `tmp` and serves it with gunicorn on a free loopback port (tests/live.py); given
`demo=prepared_demo(folder)`, it serves a copy of a demo database made once for every
process of a test run instead. `Api` talks to it the way an outside system would (stdlib
only), to check what reached the server.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import shutil
import sqlite3
import time
import sys
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the screenshot scripts run as plain scripts
    sys.path.insert(0, str(ROOT))
from tests.live import (PASSWORD, Live, ServerUnavailable, run_command, server_env,  # noqa: E402,F401 (re-exported)
                        start)

# The browser tests' "now": a Tuesday morning in Paris, the same for the server (its processes
# start under tests/pinned_clock) and for every page (Playwright's clock, tests/e2e/conftest.py),
# so they pass whatever the real date. Another instant: TOURNEE_E2E_NOW (ISO, with offset).
E2E_NOW = dt.datetime.fromisoformat(os.environ.get("TOURNEE_E2E_NOW", "2026-11-24T09:30:00+01:00"))
# The real instant that E2E_NOW stands for: every clock pinned runs from it. The same in every
# pytest-xdist worker of a run (tests/conftest.py sets it), so that a demo database one of them
# made is neither ahead of nor behind the others' clocks.
E2E_NOW_AT = float(os.environ.get("TOURNEE_E2E_NOW_AT") or time.time())
PINNED_CLOCK = ROOT / "tests" / "pinned_clock"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Only the server under test is reachable from the browser: OSM tiles and the like are refused.
NOT_LOOPBACK = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")


TABLET = {"width": 1280, "height": 800}


def new_context(browser, live_server: Live, *, now: dt.datetime | None = None, viewport=None, locale: str = "fr-FR"):
    """A fresh tablet-sized context on the server under test, its clock at `now` and flowing
    on, every other address refused. By default `now` is this process's clock, which the
    browser tests keep on the server's pinned one (conftest.e2e_clock)."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport or TABLET, locale=locale,
                                  timezone_id="Europe/Paris", service_workers="allow")
    context.clock.install(time=now or dt.datetime.now(dt.UTC))
    context.route(NOT_LOOPBACK, lambda route: route.abort())
    context.set_default_timeout(15_000)
    return context


def _clock_env() -> dict[str, str]:
    """The server processes' clock: E2E_NOW, flowing on from E2E_NOW_AT (tests/pinned_clock)."""
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(PINNED_CLOCK), os.environ.get("PYTHONPATH")])),
            "TOURNEE_TEST_NOW": E2E_NOW.isoformat(), "TOURNEE_TEST_NOW_AT": repr(E2E_NOW_AT)}


def start_server(tmp: Path, env: dict[str, str] | None = None, demo: Path | None = None) -> Live:
    """The demo data in a fresh SQLite file under `tmp` (loaded there, or copied from the `demo`
    database), served by one gunicorn worker (8 threads: a page's parallel requests) without
    the fault points."""
    database = tmp / "tournee.db"
    if demo is not None:
        tmp.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(demo)) as source, closing(sqlite3.connect(database)) as copy:
            source.backup(copy)  # a consistent copy, whatever the source's journal holds
    return start(tmp, database_url=f"sqlite:///{database}", workers=1, threads=8, fault_injection=False,
                 env={**_clock_env(), **(env or {})}, demo=demo is None)


def prepared_demo(folder: Path) -> Path:
    """A SQLite database holding the demo data and its reps' first downloads prepared (`tournee
    sync snapshots`, as a cron would before the working day), made in `folder` by the first
    process that asks; the others wait for it and get the same file (~a minute of loading
    saved per pytest-xdist worker). Copy it, never serve it: it stays as made."""
    folder.mkdir(parents=True, exist_ok=True)
    database, ready = folder / "tournee.db", folder / "ready"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not ready.exists():
            database.unlink(missing_ok=True)  # a build that failed half-way
            env = server_env(folder, database_url=f"sqlite:///{database}", env=_clock_env(), fault_injection=False)
            run_command(["demo"], env)
            run_command(["sync", "snapshots"], env)
            ready.touch()
    return database


class Api:
    """JSON calls to the server under test, as one signed-in user."""

    def __init__(self, base: str, email: str | None = None):
        self.base = base
        self.token: str | None = None
        self.refresh_token: str | None = None
        self.user: dict | None = None
        if email:
            body = self.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
            self.token, self.refresh_token, self.user = body["access_token"], body["refresh_token"], body["user"]

    def call(self, method: str, path: str, body=None, token: str | None = None, expect: int | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token or self.token:
            request.add_header("Authorization", f"Bearer {token or self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        if expect is not None and status != expect:
            raise AssertionError(f"{method} {path} → {status}: {raw[:300]!r}")
        if status >= 400 and expect is None:
            raise AssertionError(f"{method} {path} → {status}: {raw[:300]!r}")
        return json.loads(raw) if raw else None

    def pull_all(self) -> dict[str, dict[str, dict]]:
        """The caller's whole scope, as {entity: {id: record}}."""
        records: dict[str, dict[str, dict]] = {}
        cursor = "0"
        while True:
            page = self.call("GET", f"/api/sync/pull?since={cursor}&limit=1000")
            for change in page["changes"]:
                bucket = records.setdefault(change["entity"], {})
                if change["op"] == "delete":
                    bucket.pop(change["id"], None)
                else:
                    bucket[change["id"]] = change["data"]
            cursor = page["cursor"]
            if not page["has_more"]:
                return records


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")

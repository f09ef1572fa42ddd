"""A real Tournée server for browser tests and screenshots, and a tiny API client.

`start_server(tmp)` loads the demo data (`tournee demo`) into a fresh SQLite file
under `tmp` and serves it with gunicorn on a free loopback port (tests/live.py). `Api`
talks to it the way an outside system would (stdlib only), to check what reached the server.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the screenshot scripts run as plain scripts
    sys.path.insert(0, str(ROOT))
from tests.live import PASSWORD, Live, ServerUnavailable, start  # noqa: E402,F401 (re-exported to the e2e files)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Only the server under test is reachable from the browser: OSM tiles and the like are refused.
NOT_LOOPBACK = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")


def start_server(tmp: Path) -> Live:
    """The demo data in a fresh SQLite file under `tmp`, served by one gunicorn worker
    (8 threads: a page's parallel requests) without the fault points."""
    return start(tmp, database_url=f"sqlite:///{tmp / 'tournee.db'}", workers=1, threads=8, fault_injection=False)


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

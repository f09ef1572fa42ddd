"""A real Tournée server for browser tests and screenshots, and a tiny API client.

`start_server(tmp)` loads the demo data (`tournee demo`) into a fresh SQLite file
under `tmp` and serves it with gunicorn on a free loopback port. `Api` talks to it
the way an outside system would (stdlib only), to check what reached the server.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "tournee-demo"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Only the server under test is reachable from the browser: OSM tiles and the like are refused.
NOT_LOOPBACK = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")


class ServerUnavailable(RuntimeError):
    """The server cannot run yet, or lacks an endpoint the browser tests need."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log: Path
    env: dict = field(repr=False)

    def dispatch_once(self) -> str:
        """Deliver the quote requests that are due, as `tournee dispatch --once` does in production."""
        done = subprocess.run([str(BIN / "tournee"), "dispatch", "--once"], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-500:]
        return done.stdout

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(tmp: Path) -> LiveServer:
    env = {**os.environ, "TOURNEE_INSTANCE": str(tmp), "DATABASE_URL": f"sqlite:///{tmp / 'tournee.db'}",
           "SECRET_KEY": "e2e-not-secret-" + "x" * 32, "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8192"}
    demo = subprocess.run([str(BIN / "tournee"), "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if demo.returncode != 0:
        raise ServerUnavailable(f"`tournee demo` failed: {demo.stderr.strip().splitlines()[-1:]}")
    port = free_port()
    log = tmp / "gunicorn.log"
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "8", "--timeout", "60", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerUnavailable(f"gunicorn exited: {log.read_text()[-500:]}")
        try:
            urllib.request.urlopen(server.url + "/api/health", timeout=2).read()
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # a worker still importing
            time.sleep(0.3)
    server.stop()
    raise ServerUnavailable("gunicorn did not answer /api/health within 60 s")


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

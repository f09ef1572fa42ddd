"""A real Tournée server in its own processes: gunicorn on SQLite or PostgreSQL, for the
fault tests, the browser tests (tests/e2e/e2e_server.py) and the benchmarks.

`start(tmp, database_url=…)` loads the demo (`tournee demo`) into the database and serves
it with gunicorn on a free loopback port, with a cheap password hash and, unless told
otherwise, the fault points on (TOURNEE_FAULT_INJECTION=1). Two workers by default, so a
worker killed with SIGKILL leaves the master serving and starting a new one.

`empty_postgres(url)` creates a PostgreSQL database when missing and empties its schema.
`live_database(backend, tmp)` gives the fault tests' database: a SQLite file under `tmp`,
or on PostgreSQL a database of its own, `<test database>_live` next to the one
TOURNEE_TEST_DATABASE_URL names, so the suite's database is never touched.

`live_fixture(target=…)` makes a module-scoped fixture, run once per backend (SQLite, and
PostgreSQL when TOURNEE_TEST_DATABASE_URL is set): one server per module and backend.

`Live.request` speaks HTTP with the stdlib and raises `NoResponse` when the connection
dies without an answer (a killed worker, a dropped response): what a tablet sees.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "tournee-demo"
PG_URL = os.environ.get("TOURNEE_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
BOOTED = re.compile(r"Booting worker with pid: (\d+)")
KILLED = re.compile(r"Worker \(pid:(\d+)\) was sent SIGKILL")


class NoResponse(Exception):
    """The connection ended (or timed out) before any HTTP response came back."""


class ServerUnavailable(RuntimeError):
    """The live server could not be started."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def empty_postgres(url: str) -> None:
    """Create the PostgreSQL database `url` names when it is missing, and empty its schema."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}) is None:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()
    engine = create_engine(parsed)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def live_database(backend: str, tmp: Path) -> str:
    """A database URL for a live server: a fresh SQLite file, or `<test db>_live` on PostgreSQL, emptied."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'tournee.db'}"
    assert PG_URL, "PostgreSQL needs TOURNEE_TEST_DATABASE_URL"
    url = make_url(PG_URL)
    live_url = url.set(database=f"{url.database}_live").render_as_string(hide_password=False)
    empty_postgres(live_url)
    return live_url


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Live:
    """A running gunicorn serving Tournée, and what a test needs around it."""

    url: str
    port: int
    database_url: str
    process: subprocess.Popen
    log: Path
    env: dict = field(repr=False)
    _engine: Engine | None = field(default=None, repr=False)

    # ------------------------------------------------------------ HTTP

    def request(self, method: str, path: str, body: Any = None, *, token: str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30) -> Response:
        """One request on a new connection; `NoResponse` when it ends without an answer."""
        data = None if body is None else json.dumps(body).encode()
        sent = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            return Response(response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:  # reset, EOF before the status line, timeout
            raise NoResponse(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()

    def login(self, email: str) -> str:
        response = self.request("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
        assert response.status == 200, response.body[:300]
        return response.json()["access_token"]

    # ------------------------------------------------------------ database

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.database_url)
        return self._engine

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A short read of what the server stored (never held while the server writes)."""
        with self.engine.connect() as conn:
            yield conn

    # ------------------------------------------------------------ processes

    def dispatch_once(self) -> str:
        """Deliver what is due, as `tournee dispatch --once` does in production."""
        done = subprocess.run([str(BIN / "tournee"), "dispatch", "--once", "--id", "live-server"], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-1000:]
        return done.stdout

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def booted(self) -> list[int]:
        """Pids of every worker the master started, in order."""
        return [int(pid) for pid in BOOTED.findall(self.log_text())]

    def killed(self) -> list[int]:
        """Pids of the workers the master reaped after a SIGKILL."""
        return [int(pid) for pid in KILLED.findall(self.log_text())]

    def alive_workers(self) -> set[int]:
        """The master's children now (Linux /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def wait_healthy(self, timeout: float = 60) -> None:
        def healthy() -> bool:
            if self.process.poll() is not None:
                raise ServerUnavailable(f"gunicorn exited: {self.log_text()[-1500:]}")
            try:
                return self.request("GET", "/api/health", timeout=2).status == 200
            except NoResponse:  # a worker still importing
                return False
        wait_until(healthy, timeout, "/api/health", interval=0.2)

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def server_env(tmp: Path, *, database_url: str, env: dict[str, str] | None = None,
               fault_injection: bool = True) -> dict[str, str]:
    """The environment of a live server's processes (instance folder `tmp`); `env` comes last."""
    return {**os.environ, "TOURNEE_INSTANCE": str(tmp), "DATABASE_URL": database_url,
            "SECRET_KEY": "live-server-not-secret-" + "x" * 32, "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "8192", "TOURNEE_FAULT_INJECTION": "1" if fault_injection else "0",
            "DISPATCH_TIMEOUT_S": "2",
            # The tests' webhook receivers listen on loopback: allowed on purpose (docs/security.md).
            "OUTBOUND_ALLOWED_HOSTS": "127.0.0.1", **(env or {})}


def run_command(args: list[str], env: dict[str, str]) -> str:
    """`tournee <args>` in `env`; its output, or ServerUnavailable when it fails."""
    done = subprocess.run([str(BIN / "tournee"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise ServerUnavailable(f"`tournee {' '.join(args)}` failed: {done.stderr[-1500:]}")
    return done.stdout


def start(tmp: Path, *, database_url: str, env: dict[str, str] | None = None, target: str = "wsgi:app",
          workers: int = 2, threads: int = 4, fault_injection: bool = True, demo: bool = True) -> Live:
    """Load the demo into `database_url` (unless `demo` is false: the database already holds it),
    then serve `target` with gunicorn on a free loopback port. `env` comes last: it can override
    every default set here."""
    tmp.mkdir(parents=True, exist_ok=True)
    full_env = server_env(tmp, database_url=database_url, env=env, fault_injection=fault_injection)
    if demo:
        run_command(["demo"], full_env)
    port = free_port()
    log = tmp / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), target, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5", "--no-control-socket",
             "--preload"],  # as docs/deployment.md serves it
            cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    live = Live(f"http://127.0.0.1:{port}", port, database_url, process, log, full_env)
    try:
        live.wait_healthy()
        # Every worker up (not only the first to answer), so the kill tests know them all.
        wait_until(lambda: len(live.booted()) >= workers, 60, f"{workers} workers booted")
    except BaseException:
        live.stop()
        raise
    return live


def live_fixture(*, target: str = "wsgi:app", workers: int = 2, env: dict[str, str] | None = None):
    """A module-scoped fixture: one live server per backend (SQLite, and PostgreSQL when configured)."""

    @pytest.fixture(scope="module", params=BACKENDS)
    def live(request, tmp_path_factory) -> Iterator[Live]:
        tmp = tmp_path_factory.mktemp(f"live-{request.param}")
        server = start(tmp, database_url=live_database(request.param, tmp), env=env, target=target,
                       workers=workers)
        try:
            yield server
        finally:
            server.stop()

    return live

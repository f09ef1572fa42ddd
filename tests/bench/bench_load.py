"""API under load: gunicorn (4 workers × 4 threads) on PostgreSQL with the demo data, 50 users, a worker SIGKILLed in each window; and the morning peak.

Targets (DESIGN.md, issue 19): the 50-user mix at p95 < 100 ms and p99 < 250 ms at a field
day's pace, p95 < 100 ms at a busy pace, a worker killed mid-run, zero errors, nothing lost
or doubled; 30 tablets' first full download at once p50 < 1 s.

The users, in the demo team's proportions: 30 rep tablets (6 per demo rep: incremental
pulls, pushes of visits and account edits, tours, account lists), 10 telemarketer sessions
(slot suggestions, bookings, account searches), 10 back-office/manager sessions (quote lists
and transitions, account lists). Each makes ACTIONS requests, waiting a random think time
between two: 0.2–1.0 s at a field day's pace (a person taps, reads, taps), 0.05–0.3 s at the
busy pace. When half of a window's requests are made, the worker that used the most CPU so
far is SIGKILLed. A tablet whose request got no answer sends it again, as the app does
(a push with the same mutations): those cut requests are counted apart, and an error is a
request still unanswered after its retries, or an answer of the wrong kind.

Verdicts after the windows, read in the database: every visit a tablet pushed exists once
(its notes carry its mutation id: none twice, none missing), every mutation a push
answered is in the ledger once.

The morning peak: 30 tablets download their whole scope at once, as a first sync does,
three ways in the same run: the paged full pull (`since=0`, 1,000 per page: the peer, what
the app did before), the snapshot made on request (none prepared), and the snapshot
prepared by `tournee sync snapshots` before the day; each followed by the catch-up pull
from its cursor, after 100 visits pushed since it was prepared. Times are the HTTP
exchanges, to the last byte; the tablet's own JSON parsing is bench_pwa's. Equivalence:
each tablet's records after snapshot + catch-up equal a paged full pull made after.

Only loopback: the server is started here on a free 127.0.0.1 port (tests/live.py's).
PostgreSQL: TOURNEE_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_load),
emptied and loaded with `tournee demo` at each run. Last, the keep-alive balance: the same
50 clients against gunicorn's defaults and against the settings docs/deployment.md gives.
LOAD_PHASES (morning, field day, busy, balance; comma-separated) runs a part of it.
"""
from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx

from tests.live import BIN, PASSWORD, ROOT, empty_postgres, start

PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_load")
USERS = {"rep": 30, "telemarketer": 10, "office": 10}
ACTIONS = int(os.environ.get("LOAD_ACTIONS", "40"))  # requests per simulated user and window
DEADLINE_S = float(os.environ.get("LOAD_DEADLINE_S", "150"))
PACES = {"field day": (0.2, 1.0), "busy": (0.05, 0.3)}
TARGETS = {"field day": (100, 250), "busy": (100, None)}  # p95, p99 (ms)
TABLETS = 30
RETRIES = 4
# The limits a real team never reaches in a minute, but 50 simulated users from one address do.
SERVER_ENV = {"PUSH_LIMIT_PER_USER": "100000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
              "LOG_FORMAT": "json"}
# How gunicorn spreads connections over its workers (docs/deployment.md → Serving): without
# keep-alive every request is a new connection, taken by whichever worker accepts first, so
# no client stays on a busy worker.
GUNICORN_ARGS = os.environ.get("LOAD_GUNICORN_ARGS", "--keep-alive 0")
# docs/deployment.md's settings by default; LOAD_WORKERS / LOAD_THREADS try others.
WORKERS, THREADS = int(os.environ.get("LOAD_WORKERS", "4")), int(os.environ.get("LOAD_THREADS", "4"))
PHASES = os.environ.get("LOAD_PHASES", "morning,field day,busy,balance").split(",")
TICK = os.sysconf("SC_CLK_TCK")
TAIL = re.compile(rb'"cursor":\s*"(\d+)",\s*"has_more":\s*(true|false)\s*}\s*$')


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.cut: dict[str, int] = defaultdict(int)  # no answer (the killed worker's), sent again
        self.refused: dict[str, int] = defaultdict(int)  # expected business answers (409 overlap…)
        self.samples: list[str] = []
        self.count = 0

    def call(self, client: httpx.Client, name: str, method: str, url: str, *, ok=(200,), refused=(), **kwargs):
        """One request, sent again (up to RETRIES times) when it got no answer at all."""
        for attempt in range(RETRIES + 1):
            started = time.perf_counter()
            try:
                response = client.request(method, url, **kwargs)
                status = response.status_code
            except httpx.TransportError as error:
                response, status = None, type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.count += 1
                self.times[name].append(elapsed)
                if response is None and attempt < RETRIES:
                    self.cut[name] += 1
                elif status in ok:
                    pass
                elif status in refused:
                    self.refused[name] += 1
                else:
                    self.errors[name] += 1
                    if len(self.samples) < 10:
                        self.samples.append(f"{name} {status} {response.text[:200] if response is not None else ''}")
            if response is not None:
                return response if status in ok else None
            time.sleep(0.2)
        return None


def login(base: str, email: str) -> dict:
    response = httpx.post(base + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    return response.json()


def records_of(pages: list[bytes]) -> dict[tuple[str, str], dict]:
    records: dict[tuple[str, str], dict] = {}
    for body in pages:
        for change in json.loads(body)["changes"]:
            if change["op"] == "upsert":
                records[(change["entity"], change["id"])] = change["data"]
            else:
                records.pop((change["entity"], change["id"]), None)
    return records


def pull_pages(client: httpx.Client, cursor: str = "0") -> tuple[list[bytes], str, float]:
    """Pull from `cursor` until has_more is false: the raw pages, the last cursor, and the
    seconds spent in the HTTP exchanges (parsing left to the caller, after the clock)."""
    pages, spent = [], 0.0
    while True:
        began = time.perf_counter()
        response = client.get(f"/api/sync/pull?since={cursor}&limit=1000")
        body = response.content
        spent += time.perf_counter() - began
        response.raise_for_status()
        tail = TAIL.search(body[-200:])
        pages.append(body)
        cursor = tail.group(1).decode()
        if tail.group(2) == b"false":
            return pages, cursor, spent


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used, from /proc; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def database_backends(database_url: str) -> set[int]:
    """The PostgreSQL backends serving `database_url`'s database (their command line names it)."""
    database = database_url.rsplit("/", 1)[1]
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f" {database} ".encode() in (entry / "cmdline").read_bytes().replace(b"\0", b" ") + b" ":
                    pids.add(int(entry.name))
            except OSError:
                continue
    return pids


def server_cpu(server) -> dict[int, float]:
    """CPU seconds so far of the gunicorn workers and of the PostgreSQL backends serving
    the bench's database: what the server spent."""
    pids = set(server.alive_workers()) | database_backends(PG_URL)
    return {pid: cpu for pid in pids if (cpu := cpu_seconds(pid)) is not None}


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def workday(offset: int = 0) -> date:
    day = datetime.now(UTC).date() + timedelta(days=offset)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> None:
    # A fresh demo each run: the previous run's bookings and moved quotes would skew this one.
    empty_postgres(PG_URL)
    workdir = Path(tempfile.mkdtemp(prefix="tournee-load-"))
    server = start(workdir, database_url=PG_URL, workers=WORKERS, threads=THREADS, fault_injection=False,
                   env={**SERVER_ENV, "GUNICORN_CMD_ARGS": GUNICORN_ARGS})
    try:
        from tests.bench import load_morning, load_window
        print(f"gunicorn: {WORKERS} workers × {THREADS} threads, `{GUNICORN_ARGS}`; load average at start "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (others' work on the same 2 cores: the same-run "
              f"floors below are the figures to compare with).\n")
        reps = [login(server.url, f"rep{n}@example.com") for n in range(1, 6)]
        if "morning" in PHASES:
            load_morning.run(server, reps)
        sent = load_window.Sent()
        for pace, think in PACES.items():
            if pace in PHASES:
                load_window.run(server, reps, pace=pace, think=think, sent=sent)
        if set(PACES) & set(PHASES):
            load_window.verdicts(server, sent)
    finally:
        server.stop()
    if "balance" in PHASES:
        from tests.bench import load_balance
        load_balance.run()


def tournee(server, *args: str) -> tuple[float, str]:
    """Run a `tournee` command against the server's database; its wall time and output."""
    began = time.perf_counter()
    done = subprocess.run([str(BIN / "tournee"), *args], cwd=ROOT, env=server.env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-1000:]
    return time.perf_counter() - began, done.stdout


if __name__ == "__main__":
    main()

"""Hot reads: CPU per request of the incremental pull, account GET, kept tour and account list, beside the floors.

Target (DESIGN.md): each hot read ≤ 2× the CPU per request of `/api/health` with a
token, same run, on SQLite and on PostgreSQL. The server is tests/live.py's gunicorn
(3 workers × 4 threads, the demo data, signed in as rep1) serving
tests/bench/reads_wsgi.py: the app plus `/bench/bare`, a route that answers a
constant through every hook (the floor of any request). Each URL is driven by `wrk`
(16 connections, the Authorization header set by a Lua script) for SECONDS, every URL
in turn, ROUNDS times; its CPU per request is the CPU time the gunicorn processes spent (utime + stime from /proc,
master and workers) divided by the requests answered. PostgreSQL's own processes are
not counted: the figure is the application's cost. `/api/health` is public and does
not read the token; `/api/me` is the cheapest authenticated read and is shown too.

PostgreSQL: TOURNEE_BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/tournee_reads), emptied and loaded with
`tournee demo` at each run.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.live import Live, empty_postgres, start

PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_reads")
SECONDS = int(os.environ.get("READS_SECONDS", "3"))  # per URL and round
ROUNDS = int(os.environ.get("READS_ROUNDS", "3"))
CONNECTIONS, WORKERS, THREADS = 16, 3, 4
TARGET = 2.0  # × the CPU per request of /api/health with a token (DESIGN.md → Targets)
TICKS = os.sysconf("SC_CLK_TCK")
SERVER_ENV = {"PUSH_LIMIT_PER_USER": "100000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute"}


def server_cpu_seconds(live: Live) -> float:
    """utime + stime of the gunicorn master and its workers, in seconds (Linux /proc)."""
    total = 0
    for pid in [live.process.pid, *live.alive_workers()]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return total / TICKS


def wrk(live: Live, path: str, seconds: int, script: Path) -> tuple[int, int, float]:
    """One `wrk` run on one URL: (requests answered, non-2xx answers, server CPU seconds)."""
    before = server_cpu_seconds(live)
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), live.url + path],
                         capture_output=True, text=True, check=True).stdout
    cpu = server_cpu_seconds(live) - before
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return int(re.search(r"(\d+) requests in", out).group(1)), int(bad.group(1)) if bad else 0, cpu


def drive(live: Live, paths: list[str], token: str, script_dir: Path) -> list[dict]:
    """Every URL in turn, ROUNDS times (the machine's load drifts: each URL sees the same
    drift); per URL its requests/s, CPU ms per request and non-2xx answers."""
    script = script_dir / "auth.lua"
    script.write_text(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
    for path in paths:
        wrk(live, path, 1, script)  # warm the workers
    totals = [[0, 0, 0.0] for _ in paths]
    for _ in range(ROUNDS):
        for total, path in zip(totals, paths):
            for i, value in enumerate(wrk(live, path, SECONDS, script)):
                total[i] += value
    return [{"rps": requests / (ROUNDS * SECONDS), "cpu_ms": cpu * 1000 / max(requests, 1), "errors": errors}
            for requests, errors, cpu in totals]


def workday(start: date) -> date:
    while start.weekday() >= 5:
        start += timedelta(days=1)
    return start


def targets(live: Live) -> tuple[str, list[tuple[str, str, bool]]]:
    """Sign in as rep1, sync its scope, keep a tour; the URLs to drive (name, path, hot read?)."""
    token = live.login("rep1@example.com")
    me = live.request("GET", "/api/me", token=token).json()
    cursor = "0"
    while True:
        page = live.request("GET", f"/api/sync/pull?since={cursor}&limit=1000", token=token).json()
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    accounts = live.request("GET", "/api/accounts?limit=1", token=token).json()["items"]
    day = workday(datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    tour = f"/api/tours/{me['id']}/{day}"
    assert live.request("GET", tour, token=token).status == 200  # planned once and kept: later GETs read it
    return token, [
        ("bare route (floor)", "/bench/bare", False),
        ("/api/health with a token (floor)", "/api/health", False),
        ("/api/me", "/api/me", False),
        ("incremental pull, nothing new", f"/api/sync/pull?since={cursor}&limit=500", True),
        ("account GET", f"/api/accounts/{accounts[0]['id']}", True),
        ("kept tour GET", tour, True),
        ("account list, limit=50", "/api/accounts?limit=50", True),
    ]


def run(backend: str, database_url: str, tmp: Path) -> list[str]:
    live = start(tmp / backend, database_url=database_url, env=SERVER_ENV, target="tests.bench.reads_wsgi:app",
                 workers=WORKERS, threads=THREADS, fault_injection=False)
    try:
        token, urls = targets(live)
        figures = drive(live, [path for _, path, _ in urls], token, tmp)
        measured = [(name, hot, m) for (name, _, hot), m in zip(urls, figures)]
    finally:
        live.stop()
    floor = next(m for name, _, m in measured if name.startswith("/api/health"))["cpu_ms"]
    rows = []
    for name, hot, m in measured:
        ratio = m["cpu_ms"] / floor
        verdict = ("met" if ratio <= TARGET else "**not met**") if hot else "floor"
        errors = f" ({m['errors']} errors)" if m["errors"] else ""
        rows.append(f"| {backend} | {name} | {m['rps']:.0f}{errors} | {m['cpu_ms']:.2f} | {ratio:.2f}× "
                    f"| {'≤ 2×' if hot else '—'} | {verdict} |")
    return rows


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed")
    tmp = Path(tempfile.mkdtemp(prefix="tournee-reads-"))
    rows = run("sqlite", f"sqlite:///{tmp / 'reads.db'}", tmp)
    empty_postgres(PG_URL)
    rows += run("postgresql", PG_URL, tmp)
    print(f"wrk, {CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s per URL; gunicorn {WORKERS} workers × {THREADS} threads; "
          "CPU = gunicorn processes' CPU time ÷ requests answered.\n")
    print("| database | request | requests/s | CPU ms/request | × health | target | verdict |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()

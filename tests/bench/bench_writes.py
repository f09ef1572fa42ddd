"""Writes under concurrency: pushes per second, latency and change-counter hold, for 1–32 tablets.

DESIGN.md: whatever serialises the numbering holds for the numbering alone, so write
throughput is limited by CPU, not by the counter. Targets on the 2-core machine: ≥ 300
one-visit pushes/s from 16 tablets and ≥ 100 fifty-mutation pushes/s on PostgreSQL;
on SQLite (one writer at a time by design) waiting is fair: p99 within 5× p50.

- Server: gunicorn (WORKERS workers × 4 threads) on a free loopback port, demo data.
- C = 1, 4, 16, 32 tablets in a closed loop (each sends its next push when the last
  answered), spread over the demo's five reps, each on its own keep-alive connection,
  for DURATION_S seconds per point. Workloads: one visit per push; 50 mutations per
  push (25 visits, 25 account edits).
- The tablets are `wrk` connections (Debian's wrk, its Lua script below), as in bench_reads:
  a load generator cheap on CPU, since it shares the server's two cores. The push bodies
  (fresh mutation and visit ids, as a tablet makes them on its own CPU) are written before
  each point, more than the point can send; wrk sends each once. Python client threads
  (httpx) spent 1.3–8 ms of CPU per push here, a third of what the server had left.
- Lock hold: the server's `tournee_sync_counter_hold_seconds` histogram (/metrics),
  read before and after each point: mean hold per writing transaction, and the lock's
  busy share = pushes/s × mean hold (near 1: the lock is the limit; well below: CPU is).
  On PostgreSQL a push's hold is its allocation (PROTOCOL C5), timed around the round
  trip as the worker sees it: an upper bound of the row lock's, which lasts the statement.
- CPU per push (Linux /proc, utime + stime over the point): the gunicorn processes, the
  database's processes (the PostgreSQL backends serving the bench's database; none for
  SQLite, which runs inside the workers) and this load generator; and the ceiling they set on this machine:
  cores ÷ (their sum). A rate near the ceiling is CPU-bound whatever the lock does.

PostgreSQL: TOURNEE_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_writes),
emptied first. DURATION_S (default 6), WORKERS (default 4), LEVELS (default "1,4,16,32"),
DATABASES (default "postgresql,sqlite").
"""
from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from uuid6 import uuid7  # ids as the tablet makes them (pwa/lib/changes.js)

from tests.bench.bench_load import cpu_seconds, database_backends
from tests.live import Live, empty_postgres, start

PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_writes")
DURATION_S = float(os.environ.get("DURATION_S", "6"))
WORKERS = int(os.environ.get("WORKERS", "4"))
LEVELS = [int(c) for c in os.environ.get("LEVELS", "1,4,16,32").split(",")]
DATABASES = os.environ.get("DATABASES", "postgresql,sqlite").split(",")
REPS = [f"rep{i}@example.com" for i in range(1, 6)]
METRICS_TOKEN = "bench-writes-" + "m" * 24


def _mutations(account_ids: list[str], size: int, rng: random.Random) -> list[dict]:
    now = datetime.now(UTC) - timedelta(hours=1)
    mutations = []
    for i in range(size):
        account_id = rng.choice(account_ids)
        if size == 1 or i % 2 == 0:
            mutations.append({"mutation_id": str(uuid7()), "entity": "visit", "op": "create", "id": str(uuid7()),
                              "client_time": now.isoformat(),
                              "changes": {"account_id": account_id, "kind": "onsite", "outcome": "interested",
                                          "started_at": (now - timedelta(minutes=rng.randint(0, 600))).isoformat(),
                                          "notes": "visite", "maturity": 3}})
        else:
            mutations.append({"mutation_id": str(uuid7()), "entity": "account", "op": "update", "id": account_id,
                              "client_time": now.isoformat(), "changes": {"notes": f"note {rng.random():.6f}"}})
    return mutations


def _hold(live: Live) -> tuple[float, float]:
    """(sum of seconds, count) of the counter-hold histogram, all workers together."""
    text = httpx.get(f"{live.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    total = sum(float(v) for v in re.findall(r"^tournee_sync_counter_hold_seconds_sum(?:\{[^}]*\})? (\S+)$", text, re.M))
    count = sum(float(v) for v in re.findall(r"^tournee_sync_counter_hold_seconds_count(?:\{[^}]*\})? (\S+)$", text, re.M))
    return total, count


def _cpu(live: Live) -> tuple[float, float, float]:
    """(server, database, load generator) CPU seconds so far; the load generator is `wrk`,
    run to its end as a child of this process."""
    server = _cpu_of([live.process.pid, *live.alive_workers()])
    database = _cpu_of(database_backends(live.database_url)) if live.database_url.startswith("postgresql") else 0.0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return server, database, children.ru_utime + children.ru_stime


def _ledger(live: Live) -> dict[str, int]:
    """Rows of the mutation ledger by status: what the pushes' mutations became."""
    from sqlalchemy import func, select

    from sync.models import MutationRecord
    with live.connect() as conn:
        return dict(conn.execute(select(MutationRecord.status, func.count()).group_by(MutationRecord.status)).all())


def _cpu_of(pids) -> float:
    """CPU seconds so far of these processes (bench_load.cpu_seconds); gone ones count 0."""
    return sum(cpu for pid in pids if (cpu := cpu_seconds(pid)) is not None)


# Each wrk thread sends the bodies of its own file ("token<TAB>body" per line), each once, in
# order; `done` prints the figures bench_writes reads (latencies in microseconds).
PUSH_LUA = r"""
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  bodies, sent, short = {}, 0, 0
  for line in io.lines(args[1] .. "." .. id) do
    local tab = line:find("\t", 1, true)
    bodies[#bodies + 1] = wrk.format("POST", "/api/sync/push", {
      ["Authorization"] = "Bearer " .. line:sub(1, tab - 1),
      ["Content-Type"] = "application/json"}, line:sub(tab + 1))
  end
end
function request()
  if sent == #bodies then  -- out of bodies: never send one twice (its replay is cheaper)
    short = 1
    wrk.thread:stop()
    return wrk.format("GET", "/api/health")
  end
  sent = sent + 1
  return bodies[sent]
end
function done(summary, latency, requests)
  local short_threads = 0
  for _, thread in ipairs(threads) do short_threads = short_threads + thread:get("short") end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), short_threads, summary.duration))
end
"""


def _bodies(folder: Path, tablets: list[tuple[str, list[str]]], clients: int, size: int, threads: int) -> Path:
    """Enough push bodies for one point, split between wrk's threads: files `pushes.<thread>`."""
    per_thread = int(DURATION_S * (600 if size == 1 else 200) / threads) + 50  # well above any rate seen
    rng = random.Random(clients * 1000 + size)
    base = folder / "pushes"
    for thread in range(threads):
        with open(f"{base}.{thread}", "w", encoding="utf-8") as out:
            for i in range(per_thread):
                tablet = (thread + i * threads) % clients
                token, account_ids = tablets[tablet % len(tablets)]
                body = {"client_id": f"bench-writes-{tablet}", "mutations": _mutations(account_ids, size, rng)}
                out.write(f"{token}\t{json.dumps(body, separators=(',', ':'))}\n")
    return base


def _point(live: Live, tablets: list[tuple[str, list[str]]], clients: int, size: int, folder: Path) -> dict:
    threads = min(2, clients)
    bodies = _bodies(folder, tablets, clients, size, threads)
    script = folder / "push.lua"
    script.write_text(PUSH_LUA, encoding="utf-8")
    before, ledger_before = _hold(live), _ledger(live)
    cpu_before = _cpu(live)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{DURATION_S:.0f}s", "--timeout", "60s",
                          "-s", str(script), live.url, "--", str(bodies)],
                         capture_output=True, text=True, check=True).stdout
    cpu = [b - a for a, b in zip(cpu_before, _cpu(live), strict=True)]
    after = _hold(live)
    answered, errors, p50_us, p99_us, short, duration_us = (
        int(v) for v in re.search(r"^RESULT (.*)$", out, re.M).group(1).split())
    if short:
        raise RuntimeError(f"{short} wrk thread(s) ran out of push bodies: raise _bodies' rate bound")
    # Every answered push applied all its mutations (wrk reads status codes, not bodies; a
    # refused mutation would be cheaper than an applied one). Pushes still on their way when
    # wrk stopped may add a few more.
    ledger = _ledger(live)
    grown = {status: n - ledger_before.get(status, 0) for status, n in ledger.items() if n != ledger_before.get(status, 0)}
    if set(grown) - {"applied"} or grown.get("applied", 0) < (answered - errors) * size:
        raise RuntimeError(f"{answered - errors} pushes of {size} answered, the ledger grew by {grown}")
    held = (after[0] - before[0]) / max(after[1] - before[1], 1)
    rate = (answered - errors) / (duration_us / 1e6)
    pushes = max(answered - errors, 1)
    return {"rate": rate, "p50": p50_us / 1e6, "p99": p99_us / 1e6, "hold": held, "busy": rate * held,
            "errors": errors, "cpu": [c / pushes for c in cpu]}


def bench_backend(name: str, url: str) -> list[str]:
    from sqlalchemy import select

    import server.models  # noqa: F401  (every mapper, so relationships resolve)
    from server.accounts.models import Account
    from server.users.models import User

    tmp = Path(tempfile.mkdtemp(prefix="tournee-writes-"))
    metrics_dir = tmp / "metrics"
    metrics_dir.mkdir()
    env = {"PUSH_LIMIT_PER_USER": "1000000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
           "METRICS_TOKEN": METRICS_TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    live = start(tmp, database_url=url, env=env, workers=WORKERS, threads=4, fault_injection=False)
    lines = []
    try:
        tablets = []
        with live.connect() as conn:
            for email in REPS:
                rep_id = conn.scalar(select(User.id).where(User.email == email))
                tablets.append((live.login(email), list(conn.scalars(select(Account.id).where(Account.owner_id == rep_id)))))
        _point(live, tablets, 2, 1, tmp)  # warm every worker
        for size, label in ((1, "one-visit pushes"), (50, "50-mutation pushes")):
            for clients in LEVELS:
                p = _point(live, tablets, clients, size, tmp)
                lines.append(f"| {name} | {label} | {clients} | {p['rate']:.0f} | {p['p50'] * 1000:.0f} | "
                             f"{p['p99'] * 1000:.0f} | {p['p99'] / p['p50']:.1f} | {p['hold'] * 1000:.1f} | "
                             f"{p['busy']:.2f} | {p['cpu'][0] * 1000:.1f} | {p['cpu'][1] * 1000:.1f} | "
                             f"{p['cpu'][2] * 1000:.1f} | {(os.cpu_count() or 1) / max(sum(p['cpu']), 1e-9):.0f} | "
                             f"{p['errors']} |")
                print(lines[-1], flush=True)
    finally:
        live.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return lines


def main() -> list[str]:
    print(f"gunicorn {WORKERS} workers × 4 threads, {DURATION_S:.0f} s per point, closed loop; wrk, the "
          f"load generator, runs on the same 2 cores.\n", flush=True)
    print("| database | workload | tablets | pushes/s | p50 ms | p99 ms | p99/p50 | counter hold ms | lock busy | "
          "server CPU ms/push | database CPU ms/push | load generator CPU ms/push | CPU ceiling pushes/s | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    lines = []
    if "postgresql" in DATABASES:
        lines += bench_backend("PostgreSQL", _emptied(PG_URL))
    if "sqlite" in DATABASES:
        folder = tempfile.mkdtemp(prefix="tournee-writes-sqlite-")
        lines += bench_backend("SQLite", f"sqlite:///{folder}/bench.db")
    print("\nTargets: PostgreSQL ≥ 300 one-visit pushes/s and ≥ 100 fifty-mutation pushes/s at 16 tablets, "
          "lock busy well below 1 (CPU-bound); SQLite p99/p50 ≤ 5.")
    return lines


def _emptied(url: str) -> str:
    empty_postgres(url)
    return url


if __name__ == "__main__":
    main()

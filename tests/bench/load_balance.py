"""bench_load's keep-alive balance: the same clients against gunicorn's defaults and against
the settings docs/deployment.md gives, in the same run, on the same database."""
from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tests.bench.bench_load import PG_URL, SERVER_ENV, cpu_seconds, login, percentile
from tests.live import start

CLIENTS, REQUESTS, THINK, ROUNDS = 50, 30, (0.05, 0.3), 2


def _measure(args: str) -> dict:
    server = start(Path(tempfile.mkdtemp(prefix="tournee-balance-")), database_url=PG_URL, workers=4, threads=4,
                   fault_injection=False, env={**SERVER_ENV, "GUNICORN_CMD_ARGS": args})
    try:
        token = login(server.url, "manager@example.com")["access_token"]
        times: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        ready = threading.Barrier(CLIENTS + 1)

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
                ready.wait()
                for _ in range(REQUESTS):
                    time.sleep(rng.uniform(*THINK))
                    began = time.perf_counter()
                    try:
                        c.get(f"/api/accounts?page={rng.randint(1, 10)}&per_page=50").raise_for_status()
                    except httpx.HTTPError as error:
                        with lock:
                            errors.append(type(error).__name__)
                        continue
                    with lock:
                        times.append((time.perf_counter() - began) * 1000)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        workers = server.alive_workers()
        before = {pid: cpu_seconds(pid) or 0 for pid in workers}
        ready.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        used = sorted(((cpu_seconds(pid) or 0) - before[pid] for pid in workers), reverse=True)
        return {"times": times, "wall": wall, "used": used, "errors": errors}
    finally:
        server.stop()


def run() -> None:
    from tests.bench.bench_load import GUNICORN_ARGS
    configs = [("gunicorn's defaults (keep-alive 2 s, 1,000 connections per worker)", ""),
               (f"`{GUNICORN_ARGS}` (docs/deployment.md)", GUNICORN_ARGS),
               ("`--keep-alive 0 --worker-connections 4` (a connection per thread)", "--keep-alive 0 --worker-connections 4")]
    rows = [(name, _measure(args)) for _ in range(ROUNDS) for name, args in configs]  # alternated: the machine drifts
    print(f"### Keep-alive balance\n\n{CLIENTS} clients keeping their connections open, {REQUESTS} account lists "
          f"each, {THINK[0]}–{THINK[1]} s apart; 4 workers × 4 threads, same database; the settings one after "
          f"the other, {ROUNDS} rounds.\n")
    print("| gunicorn | req/s | p50 ms | p95 ms | errors | CPU per worker (share of the workers' total) |")
    print("|---|---|---|---|---|---|")
    for name, m in rows:
        total = sum(m["used"]) or 1
        shares = ", ".join(f"{100 * u / total:.0f} %" for u in m["used"])
        print(f"| {name} | {len(m['times']) / m['wall']:.0f} | {statistics.median(m['times']):.0f} "
              f"| {percentile(m['times'], 95):.0f} | {len(m['errors'])} {' '.join(sorted(set(m['errors'])))} "
              f"| {shares} |")
    print()

"""Logins per second with the production argon2id parameters, for 1 and 2 processes.

Run: `.venv/bin/python tests/bench/bench_login.py` (about 20 s). Each login is the
real endpoint (test client, SQLite file): one argon2 verification, one token
family written, two JWTs signed. The raw argon2 verifications per second are
printed too, to show that hashing is nearly all of the cost.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="tournee-bench-"))
os.environ.update(SECRET_KEY="bench-" + "x" * 40, TOURNEE_INSTANCE=str(TMP),
                  DATABASE_URL=f"sqlite:///{TMP / 'bench.db'}")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SECONDS = 6.0
EMAIL, PASSWORD = "bench@example.com", "correct horse battery staple"


def _app():
    from server import create_app
    return create_app()


def setup() -> dict:
    from server.extensions import db
    from server.users.service import create_user
    app = _app()
    with app.app_context():
        db.create_all()
        create_user(session=db.session, email=EMAIL, name="Bench", role="rep", password=PASSWORD)
        db.session.commit()
        return {k: app.config[k] for k in ("ARGON2_TIME_COST", "ARGON2_MEMORY_KIB", "ARGON2_PARALLELISM")}


def logins(_worker: int = 0) -> tuple[int, float]:
    """Logins done in SECONDS of wall time, and the CPU seconds they took."""
    client, done = _app().test_client(), 0
    cpu, deadline = time.process_time(), time.perf_counter() + SECONDS
    while time.perf_counter() < deadline:
        response = client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        done += 1
    return done, time.process_time() - cpu


def verifications(params: dict) -> float:
    from argon2 import PasswordHasher
    hasher = PasswordHasher(time_cost=params["ARGON2_TIME_COST"], memory_cost=params["ARGON2_MEMORY_KIB"],
                            parallelism=params["ARGON2_PARALLELISM"])
    digest, done, started = hasher.hash(PASSWORD), 0, time.perf_counter()
    while time.perf_counter() - started < 2.0:
        hasher.verify(digest, PASSWORD)
        done += 1
    return done / (time.perf_counter() - started)


def main() -> None:
    params = setup()
    print(f"argon2id t={params['ARGON2_TIME_COST']} m={params['ARGON2_MEMORY_KIB']} KiB "
          f"p={params['ARGON2_PARALLELISM']} on {os.cpu_count()} cores")
    print(f"raw argon2 verifications, 1 process: {verifications(params):.1f}/s")
    # Wall-clock rates depend on what else runs on the machine; logins per CPU-second
    # do not, and times the number of cores give the capacity of an idle server.
    done, cpu = logins()
    print(f"logins, 1 process:   {done / SECONDS:.1f}/s wall, {done / cpu:.1f} per CPU-second")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(logins, range(2))
    done, cpu = sum(r[0] for r in results), sum(r[1] for r in results)
    print(f"logins, 2 processes: {done / SECONDS:.1f}/s wall, {done / cpu:.1f} per CPU-second "
          f"(idle {os.cpu_count()}-core capacity ≈ {os.cpu_count() * done / cpu:.0f}/s)")


if __name__ == "__main__":
    main()

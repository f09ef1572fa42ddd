"""KPI dashboard on PostgreSQL at scale (100 reps × 1,000 accounts × 3 years): GET /api/kpis < 300 ms.

Run: `.venv/bin/python tests/bench/bench_kpis.py`. Uses TOURNEE_BENCH_DATABASE_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_kpi), created if
missing; migrates it and loads `tournee demo --scale large` only when the data is
not there yet (about 10 minutes on 2 cores; later runs reuse it). Then times the
whole request (auth, queries, JSON) through the app: the whole company over the
last 365 days (the target), one team and one rep over the same year, and a month.
Each figure is the median of 7 runs after one warm-up. The machine is shared, so a floor
is measured in the same run: counting the same year's visits (one index-only scan of
the period, no join, no aggregate but the count), and the target row is also given as
a multiple of it. `main()` returns the rows.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_kpi")
TARGET_MS = 300.0
RUNS = 7


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def load_large(app, db, *, who: str = "bench_kpis") -> int:
    """Migrate, load `tournee demo --scale large` unless it is there, VACUUM ANALYZE; the visit count.
    Shared by the benches that need the large company (bench_forecast too)."""
    from flask_migrate import upgrade

    from server.demo import load_demo
    from server.users.models import User
    with app.app_context():
        upgrade()
        reps = db.session.scalar(select(func.count()).select_from(User).where(User.role == "rep"))
        admin_there = db.session.scalar(select(User.id).where(User.email == "admin@example.com"))
        if reps < 100 or not admin_there:
            print(f"{who}: loading the large demo (about 10 minutes)…", file=sys.stderr, flush=True)
            print(load_demo(scale="large"), file=sys.stderr, flush=True)
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        return db.session.scalar(select(func.count()).select_from(text("visit")))


def _time(client, path: str, headers: dict) -> tuple[float, dict]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    response.close()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        response.get_data()  # the CSV is streamed: the time includes writing all of it
        samples.append((time.perf_counter() - started) * 1000)
        response.close()
    return statistics.median(samples), response.get_json()


def main() -> list[dict]:
    ensure_database(URL)
    os.environ.setdefault("TOURNEE_INSTANCE", "/tmp/tournee-bench-kpis")
    from server import create_app
    from server.config import Config
    from server.extensions import db
    from server.users.models import User
    from server.users.tokens import issue_pair

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=URL)
    visits = load_large(app, db)
    rows = []
    with app.app_context():
        tokens = {}
        for email in ("admin@example.com", "manager@example.com", "rep1@example.com"):
            user = db.session.scalar(select(User).where(User.email == email))
            tokens[email] = {"Authorization": f"Bearer {issue_pair(session=db.session, user=user)['access_token']}"}
        db.session.commit()
        manager = db.session.scalar(select(User).where(User.email == "manager@example.com"))
        team_size = db.session.scalar(select(func.count()).select_from(User).where(
            User.team_id == manager.team_id, User.role == "rep"))
    client = app.test_client()
    today = date.today()
    year = f"from={(today - timedelta(days=364)).isoformat()}&to={today.isoformat()}"
    month = f"from={(today - timedelta(days=29)).isoformat()}&to={today.isoformat()}"
    cases = [(f"whole company ({visits:,} visits in 3 years), last 365 days", year, "admin@example.com", True),
             (f"one team ({team_size} reps), last 365 days", year, "manager@example.com", False),
             ("one rep, last 365 days", year, "rep1@example.com", False),
             ("whole company, last 30 days", month, "admin@example.com", False)]
    for what, query, email, is_target in cases:
        ms, body = _time(client, f"/api/kpis?{query}", tokens[email])
        done = sum(v["done"] for v in body["visits"].values())
        rows.append({"what": f"GET /api/kpis — {what}: {done:,} visits done", "ms": ms,
                     "target": TARGET_MS if is_target else None})
    ms, _ = _time(client, f"/api/kpis.csv?{year}", tokens["admin@example.com"])
    rows.append({"what": "GET /api/kpis.csv — whole company, last 365 days", "ms": ms, "target": None})
    floor = _floor(app, db, today - timedelta(days=364), today)
    rows.append({"what": "floor: count the same year's visits (one index-only scan, no join)", "ms": floor,
                 "target": None})
    print("| what | median ms | target |")
    print("|---|---:|---:|")
    for row in rows:
        target = f"< {row['target']:.0f} ms" if row["target"] else "–"
        print(f"| {row['what']} | {row['ms']:.0f} | {target} |")
    print(f"\nwhole company, last 365 days: {rows[0]['ms'] / floor:.1f}× the floor; "
          f"{'met' if rows[0]['ms'] < TARGET_MS else 'NOT met'} (< {TARGET_MS:.0f} ms)")
    return rows


def _floor(app, db, first: date, last: date) -> float:
    """Median ms of counting the visits of [first, last] (Paris days, as the KPIs read them)."""
    with app.app_context():
        stmt = text("SELECT count(*) FROM visit WHERE started_at >= :lo AND started_at < :hi")
        bounds = {"lo": f"{first.isoformat()} 00:00 Europe/Paris", "hi": f"{(last + timedelta(days=1)).isoformat()} 00:00 Europe/Paris"}
        db.session.execute(stmt, bounds).scalar()
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            db.session.execute(stmt, bounds).scalar()
            samples.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
        return statistics.median(samples)


if __name__ == "__main__":
    main()

"""Forecast on PostgreSQL at scale (100 reps × 1,000 accounts × 3 years): GET /api/forecast < 300 ms, training < 10 s.

Run: `.venv/bin/python tests/bench/bench_forecast.py`. Uses TOURNEE_BENCH_FORECAST_DATABASE_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_forecast), created if
missing; migrates it and loads `tournee demo --scale large` only when the data is not
there yet (more than 10 minutes on 2 cores; later runs reuse it). Then times:
training (reading every deal of the company and building the win table, median of 3),
the whole request (auth, queries, JSON) of the whole company's forecast for the
current quarter with the model trained (the target), one team, one rep, and the
12-month backtest. Each request figure is the median of 7 runs after one warm-up.
`main()` returns the rows.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select, true  # noqa: E402

from tests.bench.bench_kpis import ensure_database, load_large  # noqa: E402

URL = os.environ.get("TOURNEE_BENCH_FORECAST_DATABASE_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_forecast")
TARGET_MS = 300.0
TARGET_TRAINING_S = 10.0
RUNS = 7


def _time(client, path: str, headers: dict, runs: int = RUNS) -> tuple[float, dict]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), response.get_json()


def _training(app, db) -> tuple[float, int, int]:
    from server.db import utcnow
    from server.forecast import deals
    from server.forecast.knowledge import knowledge
    samples = []
    with app.app_context():
        for _ in range(3):
            started = time.perf_counter()
            history = deals.load(db.session, lambda _column: true())
            known = knowledge(history, utcnow(), stage_probabilities=app.config["FORECAST_STAGE_PROBABILITIES"],
                              min_history=app.config["FORECAST_MIN_HISTORY"])
            samples.append(time.perf_counter() - started)
        return statistics.median(samples), len(history), known.model.trained_on


def main() -> list[dict]:
    ensure_database(URL)
    os.environ.setdefault("TOURNEE_INSTANCE", "/tmp/tournee-bench-forecast")
    from server import create_app
    from server.config import Config
    from server.extensions import db
    from server.users.models import User
    from server.users.tokens import issue_pair

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=URL)
    load_large(app, db, who="bench_forecast")
    seconds, deals_read, closed = _training(app, db)
    rows = [{"what": f"training: read {deals_read:,} deals, learn from {closed:,} closed ones", "ms": seconds * 1000,
             "target": TARGET_TRAINING_S * 1000}]
    with app.app_context():
        tokens = {}
        for email in ("admin@example.com", "manager@example.com", "rep1@example.com"):
            user = db.session.scalar(select(User).where(User.email == email))
            tokens[email] = {"Authorization": f"Bearer {issue_pair(session=db.session, user=user)['access_token']}"}
        db.session.commit()
    client = app.test_client()
    cases = [("whole company", "admin@example.com", True), ("one team", "manager@example.com", False),
             ("one rep", "rep1@example.com", False)]
    for what, email, is_target in cases:
        ms, body = _time(client, "/api/forecast?group_by=month", tokens[email])
        open_count = sum(g["open_count"] for g in body["groups"])
        rows.append({"what": f"GET /api/forecast — {what}, this quarter: {open_count:,} open deals, "
                             f"weighted {body['weighted']:,.0f} €", "ms": ms, "target": TARGET_MS if is_target else None})
    ms, body = _time(client, "/api/forecast?group_by=rep", tokens["admin@example.com"], runs=3)
    rows.append({"what": "GET /api/forecast?group_by=rep — whole company", "ms": ms, "target": None})
    ms, body = _time(client, "/api/forecast/backtest?months=12", tokens["admin@example.com"], runs=1)
    rows.append({"what": f"GET /api/forecast/backtest?months=12 — whole company: MAPE {body['mape']:.1f} % "
                         f"(stage {body['baseline_mape']['stage']:.1f} %, last period "
                         f"{body['baseline_mape']['last_period']:.1f} %)", "ms": ms, "target": None})
    print("| what | median ms | target |")
    print("|---|---:|---:|")
    for row in rows:
        target = f"< {row['target']:.0f} ms" if row["target"] else "–"
        print(f"| {row['what']} | {row['ms']:.0f} | {target} |")
    return rows


if __name__ == "__main__":
    main()

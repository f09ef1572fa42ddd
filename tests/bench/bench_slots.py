"""Slot suggestions and tour planning on the demo data (DESIGN.md: slots for one rep over 2 weeks < 200 ms).

Run: `.venv/bin/python tests/bench/bench_slots.py` (about half a minute). Builds the
demo database (`tournee demo`, normal scale: 5 reps × 300 accounts) in a temporary
folder, then times, through the HTTP API in-process (Flask test client, so routing,
auth, scope and JSON are included):

- `GET /api/reps/{rep1}/slots?account_id=…` over the next 2 weeks, for accounts of
  each segment: without kept plans (appointments only) and with every day's plan kept;
- `GET /api/tours/{rep1}/{date}` first request (plans and keeps: due list, OR-Tools,
  write) and the kept plan's later reads.

`main()` prints a Markdown table and returns its rows.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RUNS = 15


def _setup():
    folder = tempfile.mkdtemp(prefix="tournee-bench-slots-")
    os.environ["TOURNEE_INSTANCE"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/tournee.db"
    from server import create_app
    from server.extensions import db
    app = create_app()
    ctx = app.app_context()
    ctx.push()
    from flask_migrate import upgrade
    upgrade()
    from server.demo import load_demo
    load_demo()
    return app, db


def _timed(fn, runs: int = RUNS) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _row(what: str, ms: list[float], target: str) -> dict:
    return {"what": what, "median_ms": round(statistics.median(ms), 1), "max_ms": round(max(ms), 1),
            "runs": len(ms), "target": target}


def main() -> list[dict]:
    app, db = _setup()
    from sqlalchemy import select

    from server.accounts.models import Account
    from server.users.models import User
    from server.users.tokens import issue_pair

    rep = db.session.scalar(select(User).where(User.email == "rep1@example.com"))
    tele = db.session.scalar(select(User).where(User.email == "tele@example.com"))
    rep_id = rep.id
    headers = {"Authorization": f"Bearer {issue_pair(session=db.session, user=tele)['access_token']}"}
    rep_headers = {"Authorization": f"Bearer {issue_pair(session=db.session, user=rep)['access_token']}"}
    accounts = {seg: db.session.scalar(select(Account.id).where(Account.owner_id == rep_id, Account.segment == seg)
                                       .order_by(Account.name).limit(1)) for seg in "ABC"}
    db.session.commit()
    client = app.test_client()
    today = date.today()
    first, last = today + timedelta(days=1), today + timedelta(days=14)
    rows = []

    def slots(account_id: str):
        response = client.get(f"/api/reps/{rep_id}/slots?account_id={account_id}&from={first}&to={last}",
                              headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    cold = [ms for seg in "ABC" for ms in _timed(lambda: slots(accounts[seg]), RUNS // 3)]
    rows.append(_row("slots, 2 weeks, no kept plan (appointments only)", cold, "< 200 ms"))

    days = [first + timedelta(days=n) for n in range(14) if (first + timedelta(days=n)).weekday() < 5]
    plan_ms = []
    for day in days:
        started = time.perf_counter()
        response = client.get(f"/api/tours/{rep_id}/{day.isoformat()}", headers=rep_headers)
        plan_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    rows.append(_row("tour GET, first request (plan + keep)", plan_ms, "< 1000 ms (DESIGN: tour planned < 1 s)"))
    kept = _timed(lambda: client.get(f"/api/tours/{rep_id}/{days[0].isoformat()}", headers=rep_headers))
    rows.append(_row("tour GET, kept plan", kept, "—"))

    warm = [ms for seg in "ABC" for ms in _timed(lambda: slots(accounts[seg]), RUNS // 3)]
    rows.append(_row(f"slots, 2 weeks, {len(days)} kept plans", warm, "< 200 ms"))
    found = slots(accounts["A"])
    _print(rows, extra=f"{len(found)} slots answered; best added driving {found[0]['added_drive_min']} min"
           if found else "no slot found")
    return rows


def _print(rows: list[dict], extra: str) -> None:
    print("| what | median ms | max ms | runs | target |")
    print("|---|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['what']} | {r['median_ms']} | {r['max_ms']} | {r['runs']} | {r['target']} |")
    print()
    print(f"Demo data, rep1 (300 accounts), SQLite, haversine travel. {extra}.")


if __name__ == "__main__":
    main()

"""Sync push and pull against DESIGN.md's targets, on SQLite and PostgreSQL.

Run: `.venv/bin/python tests/bench/bench_sync.py` (about a minute). Each database
gets the demo data (5 reps, 300 accounts each); rep1 is the tablet.

- push of 1,000 mutations (500 visit creates + 500 account edits) in two batches of
  500, timed around the request inside the server process (test client: no network),
  target < 0.5 s (aim < 0.2 s);
- the floor: a bare executemany of the same 500 visit rows and 500 account updates
  into the same database, no merge, no ledger; sync throughput = floor / push,
  target ≥ 0.25;
- full pull of rep1's scope (300 accounts, ~800 contacts, ~3,500 visits…), measured before
  the pushes below add to it, target < 0.3 s and < 400 KB gzipped;
- incremental pull after 10 changes, target < 20 ms.

Each figure is the median of 3 rounds. PostgreSQL: TOURNEE_BENCH_DATABASE_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_bench), wiped first.
`main()` returns the rows, for the `make bench` runner.
"""
from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_bench")
ROUNDS = 3


def _app(url: str):
    from server import create_app
    from server.config import Config
    from tests.live import empty_postgres

    if url.startswith("postgresql"):
        empty_postgres(url)  # created when a new machine lacks it
    return create_app(Config, SQLALCHEMY_DATABASE_URI=url, PUSH_LIMIT_PER_USER="100000 per minute",
                      RATELIMIT_ENABLED=False)


def _median(values):
    return statistics.median(values)


def bench_backend(name: str, url: str) -> list[dict]:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update

    from server.accounts.models import Account
    from server.db import new_id
    from server.demo import load_demo
    from server.extensions import db
    from server.users.models import User
    from server.users.tokens import issue_pair
    from server.visits.models import Visit

    app = _app(url)
    with app.app_context():
        upgrade()
        load_demo()
        rep = db.session.scalar(select(User).where(User.email == "rep1@example.com"))
        rep_id = rep.id
        headers = {"Authorization": f"Bearer {issue_pair(session=db.session, user=rep)['access_token']}"}
        db.session.commit()
        account_ids = list(db.session.scalars(select(Account.id).where(Account.owner_id == rep_id)))
        db.session.remove()

    client = app.test_client()
    push_times, floor_times, full_times, incr_times, sizes = [], [], [], [], []
    # The full pull first, on the demo rep's own scope (already larger than DESIGN.md's 3,000
    # visits): the rounds below push 1,000 visits more each.
    scope: dict[str, int] = {}
    for _round in range(ROUNDS):
        started = time.perf_counter()
        cursor, raw, scope = "0", 0, {}
        while True:
            response = client.get(f"/api/sync/pull?since={cursor}&limit=1000", headers={**headers, "Accept-Encoding": "gzip"})
            assert response.status_code == 200
            body = response.get_data()
            raw += len(body)
            page = __import__("json").loads(gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body)
            for change in page["changes"]:
                scope[change["entity"]] = scope.get(change["entity"], 0) + 1
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        full_times.append(time.perf_counter() - started)
        sizes.append(raw)
    for round_no in range(ROUNDS):
        now = datetime.now(UTC) - timedelta(days=1)
        mutations = []
        for i in range(500):
            mutations.append({"mutation_id": new_id(), "entity": "visit", "op": "create", "id": new_id(),
                              "client_time": (now + timedelta(seconds=i)).isoformat(),
                              "changes": {"account_id": account_ids[i % len(account_ids)], "kind": "phone",
                                          "started_at": (now + timedelta(minutes=i)).isoformat(),
                                          "outcome": "follow-up", "notes": f"appel {round_no}-{i}"}})
            mutations.append({"mutation_id": new_id(), "entity": "account", "op": "update",
                              "id": account_ids[i % len(account_ids)], "client_time": now.isoformat(),
                              "changes": {"notes": f"note {round_no}-{i}", "phone": f"+33 3 80 {i:06d}"}})
        started = time.perf_counter()
        for batch in (mutations[:500], mutations[500:]):
            response = client.post("/api/sync/push", json={"client_id": f"bench-{round_no}", "mutations": batch},
                                   headers=headers)
            assert response.status_code == 200, response.get_json()
            assert all(r["status"] in ("applied", "merged", "conflict") for r in response.get_json()["results"])
        push_times.append(time.perf_counter() - started)

        # The floor: the same rows written with no merge, no ledger, no versioning.
        with app.app_context():
            visits = [{"id": new_id(), "version": 0, "field_meta": {}, "created_at": now, "updated_at": now,
                       "account_id": account_ids[i % len(account_ids)], "rep_id": rep_id, "kind": "phone",
                       "started_at": now + timedelta(minutes=i), "outcome": "follow-up", "notes": f"floor {i}"}
                      for i in range(500)]
            edits = [{"b_id": account_ids[i % len(account_ids)], "b_notes": f"floor {i}", "b_phone": f"+33 {i}"}
                     for i in range(500)]
            from sqlalchemy import bindparam
            started = time.perf_counter()
            db.session.execute(insert(Visit), visits)
            db.session.connection().execute(
                update(Account.__table__).where(Account.__table__.c.id == bindparam("b_id"))
                .values(notes=bindparam("b_notes"), phone=bindparam("b_phone")), edits)
            db.session.commit()
            floor_times.append(time.perf_counter() - started)
            db.session.remove()

        # Caught up (untimed) with this round's writes, so the timed pull below reads the 10 edits only.
        while True:
            page = client.get(f"/api/sync/pull?since={cursor}&limit=1000", headers=headers).get_json()
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        client.post("/api/sync/push", json={"client_id": f"bench-{round_no}", "mutations": [
            {"mutation_id": new_id(), "entity": "account", "op": "update", "id": account_ids[i],
             "changes": {"notes": f"again {i}"}} for i in range(10)]}, headers=headers)
        started = time.perf_counter()
        response = client.get(f"/api/sync/pull?since={cursor}", headers=headers)
        incr_times.append(time.perf_counter() - started)
        assert len(response.get_json()["changes"]) == 10

    push, floor = _median(push_times), _median(floor_times)
    return [
        {"measure": f"{name}: push 1,000 mutations (2 × 500)", "value": f"{push:.3f} s", "target": "< 0.5 s (aim < 0.2 s)", "met": push < 0.5},
        {"measure": f"{name}: floor, bare executemany of the same rows", "value": f"{floor:.3f} s", "target": "(baseline)", "met": None},
        {"measure": f"{name}: sync throughput vs floor", "value": f"{floor / push:.2f}", "target": "≥ 0.25", "met": floor / push >= 0.25},
        {"measure": f"{name}: full pull of rep1's scope", "value": f"{_median(full_times):.3f} s", "target": "< 0.3 s", "met": _median(full_times) < 0.3},
        # DESIGN.md sets it for 300 accounts, 900 contacts and 3,000 visits; the demo rep's scope
        # is larger: its counts are shown beside the size.
        {"measure": f"{name}: full pull size, gzipped ({_counts(scope)})", "value": f"{_median(sizes) / 1024:.0f} KB", "target": "< 400 KB", "met": _median(sizes) < 400 * 1024},
        {"measure": f"{name}: incremental pull after 10 changes", "value": f"{_median(incr_times) * 1000:.1f} ms", "target": "< 20 ms", "met": _median(incr_times) < 0.02},
    ]


def _counts(scope: dict[str, int]) -> str:
    """'312 accounts, 905 contacts, 5,074 visits, …' for a full pull's records by entity."""
    def plural(entity: str) -> str:
        name = entity.replace("_", " ")
        return name[:-1] + "ies" if name.endswith("y") else name + "s"
    return ", ".join(f"{count:,} {plural(entity)}" for entity, count in sorted(scope.items(), key=lambda item: -item[1]))


def main() -> list[dict]:
    import logging
    logging.disable(logging.INFO)
    folder = tempfile.mkdtemp(prefix="tournee-bench-")
    rows = bench_backend("SQLite", f"sqlite:///{folder}/bench.db") + bench_backend("PostgreSQL", PG_URL)
    print("| measure | value | target | met |\n|---|---|---|---|")
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"| {r['measure']} | {r['value']} | {r['target']} | {met} |")
    return rows


if __name__ == "__main__":
    main()

"""Segmentation and account import against DESIGN.md's targets, on PostgreSQL.

Run: `.venv/bin/python tests/bench/bench_segmentation.py` (about a minute on 2 cores).
Uses the database named by TOURNEE_BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/tournee_seg2), in a scratch schema
`bench_segmentation` that it drops and recreates, so the test schema is left alone.

- 100 reps × 1,000 accounts with criteria data (with gaps), created set-based in SQL;
- segmentation of all 100,000 accounts with the default model (every account
  written: segment, scores, model version, a new sync version), target < 10 s;
- after a VACUUM (autovacuum's job between two model changes), a new model version through `put_model` (validation, new version, recompute of
  all accounts with new weights, so nearly every account is rewritten), same target;
- import of a 10,000-line CSV file (French separators and decimal commas) creating
  accounts, segmented as they are written, target < 10 s.

`main()` returns the rows, for the `make bench` runner.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select, text  # noqa: E402

URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_seg2")
SCHEMA = "bench_segmentation"
REPS, PER_REP, IMPORT_LINES = 100, 1_000, 10_000
TARGET_S = 10.0

_ACCOUNTS_SQL = """
INSERT INTO account (id, version, field_meta, created_at, updated_at, name, status, segment, computed_segment,
                     owner_id, external_ref, city, postcode, tags, custom, last_visit_at)
SELECT md5('a' || g)::uuid::text, g, '{}'::json, now(), now(), 'Compte ' || g, 'client', 'C', 'C',
       r.id, 'B-' || g, 'Dijon', '21000', '[]'::json,
       json_strip_nulls(json_build_object(
         'revenue_last_year', CASE WHEN g % 10 <> 0 THEN (g * 7919 % 400000) END,
         'orders_last_year', CASE WHEN g % 7 <> 0 THEN g % 40 END,
         'revenue_trend_3y', CASE WHEN g % 3 <> 0 THEN (g % 50) - 15 END,
         'employees', CASE WHEN g % 4 <> 0 THEN g % 400 END,
         'sector', (ARRAY['aéronautique','transport','industrie','agroalimentaire','btp','négoce'])[1 + g % 6],
         'maintenance_inhouse', CASE WHEN g % 5 <> 0 THEN g % 2 = 0 END,
         'purchasing_autonomy', CASE WHEN g % 6 <> 0 THEN g % 3 = 0 END)),
       CASE WHEN g % 2 = 0 THEN now() - (g % 300) * interval '1 day' END
FROM generate_series(1, :n) AS g
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM "user" WHERE role = 'rep') AS r
  ON r.k = (g - 1) / :per_rep
"""


def _prepare(app, db) -> None:
    from server.users.models import Team, User
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        db.metadata.create_all(db.engine)
        team = Team(name="Bench")
        db.session.add(team)
        db.session.flush()
        db.session.add_all([User(email=f"rep{i}@bench.example", name=f"Rep {i}", role="rep", team_id=team.id,
                                 password_hash="x") for i in range(REPS)]
                           + [User(email="admin@bench.example", name="Admin", role="admin", password_hash="x")])
        db.session.commit()
        db.session.execute(text(_ACCOUNTS_SQL), {"n": REPS * PER_REP, "per_rep": PER_REP})
        db.session.execute(text("INSERT INTO sync_counter (id, value, pruned_below, epoch) "
                                "VALUES (1, :n, 0, 'bench')"), {"n": REPS * PER_REP})
        db.session.commit()
    _vacuum(db, app)  # a settled table, as a real one is: no hint bits or checkpoint left over from the load


def _vacuum(db, app=None) -> None:
    from contextlib import nullcontext
    with app.app_context() if app else nullcontext(), db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("VACUUM ANALYZE account"))
        conn.execute(text("CHECKPOINT"))


def _import_file(reps: list[str]) -> bytes:
    lines = ["external_ref;name;owner_email;city;postcode;lat;lon;revenue_last_year;employees;sector;maintenance_inhouse"]
    for i in range(IMPORT_LINES):
        lines.append(f"I-{i};Import {i};{reps[i % len(reps)]};Beaune;21200;47,02{i % 10};4,84{i % 7};"
                     f"{(i * 7919) % 400000} {i % 1000:03d},50;{i % 400};industrie;{'oui' if i % 2 else 'non'}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def main() -> list[dict]:
    from server import create_app
    from server.actor import Actor
    from server.config import TestConfig
    from server.extensions import db
    from server.segmentation.recompute import recompute
    from server.segmentation.service import ensure_stored, put_model
    from server.users.models import User

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=URL, SQLALCHEMY_ENGINE_OPTIONS={
        "connect_args": {"options": f"-csearch_path={SCHEMA}"}})
    _prepare(app, db)
    rows = []
    with app.app_context():
        admin = Actor.of(db.session.scalar(select(User).where(User.role == "admin")))
        started = time.perf_counter()
        summary = recompute(session=db.session, model=ensure_stored(db.session))
        db.session.commit()
        first = time.perf_counter() - started
        rows.append({"what": f"segment {summary['total']:,} accounts (all written: {summary['written']:,})",
                     "seconds": first, "target": TARGET_S})
        shares = {s: round(n / summary["total"], 2) for s, n in summary["after"].items()}
        _vacuum(db)  # what autovacuum and the checkpointer do between two model changes in real life

        started = time.perf_counter()
        # New weights: every score moves, so every account is rewritten again.
        criteria = [{**c, "weight": c["weight"] + 1} for c in ensure_stored(db.session).definition["criteria"]]
        _model, summary = put_model(session=db.session, actor=admin,
                                    body={"criteria": criteria, "thresholds": {"weight": 45, "potential": 45}})
        db.session.commit()
        rows.append({"what": f"PUT a new model version, recompute {summary['total']:,} (written: {summary['written']:,})",
                     "seconds": time.perf_counter() - started, "target": TARGET_S})

        from server.accounts.transfer_service import run_import
        reps = list(db.session.scalars(select(User.email).where(User.role == "rep").order_by(User.email)))
        data = _import_file(reps)
        db.session.commit()
        started = time.perf_counter()
        outcome = run_import(session=db.session, actor=admin, data=data)
        db.session.commit()
        rows.append({"what": f"import {IMPORT_LINES:,} CSV lines ({len(data) // 1024} KB, created: {outcome.created:,})",
                     "seconds": time.perf_counter() - started, "target": TARGET_S})
        assert db.session.scalar(select(func.count()).select_from(User)) == REPS + 1
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        db.engine.dispose()
    print("\n| what | measured | target | |\n|---|---|---|---|")
    for row in rows:
        ok = "ok" if row["seconds"] < row["target"] else "MISSED"
        print(f"| {row['what']} | {row['seconds']:.2f} s | < {row['target']:.0f} s | {ok} |")
    print(f"\nsegments after the first run: {shares}")
    return rows


if __name__ == "__main__":
    main()

"""Account search (`q`, folded case and accents) on 100,000 accounts: GET /api/accounts?q= < 50 ms, SQLite and PostgreSQL.

Run: `.venv/bin/python -m tests.bench search`. Builds 100,000 accounts (100 reps of
1,000, French company names from Faker with a fixed seed, the demo's towns) through the
ORM's set-based insert, so the `search` column is filled by the same hook as an
import (server/common/search.py), in a fresh SQLite file and in
TOURNEE_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_search,
created if missing, emptied). Then times the whole request through the app (auth,
count, first page of 50, JSON) for the admin (all 100,000 accounts in scope) and for
one rep, with queries written as users type them
(and, as the same run's floor, the admin's list without `q`): unaccented, upper-case, decomposed
(NFD), a town, a postcode. Each figure is the median of 9 runs after one warm-up.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_search")
ACCOUNTS, REPS, RUNS, TARGET_MS = 100_000, 100, 9, 50.0
QUERIES = ["etienne", "ÉCOLE", unicodedata.normalize("NFD", "Hélène"), "dijon", "boulangerie beaune", "21000",
           "zzzz-nothing"]


def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def _accounts(reps: list[str]) -> list[dict]:
    from faker import Faker

    from server.db import new_id
    from server.demo.places import TOWNS
    communes = [c for town in TOWNS for c in town.communes]
    fake, rng = Faker("fr_FR"), random.Random(14)
    Faker.seed(14)
    kinds = ["Boulangerie", "École", "Garage", "Hôtel", "Fromagerie", "Société", "Établissements", "Café"]
    rows = []
    for i in range(ACCOUNTS):
        commune = communes[rng.randrange(len(communes))]
        name = f"{rng.choice(kinds)} {fake.last_name()} {fake.first_name()}"
        rows.append({"id": new_id(), "version": i + 1, "name": name, "owner_id": reps[i % len(reps)],
                     "city": commune.name, "postcode": commune.postcode,
                     "status": "client", "segment": "B",
                     "computed_segment": "B", "tags": [], "custom": {}})
    return rows


def _load(app, db) -> dict[str, dict]:
    from flask_migrate import upgrade

    from server.accounts.models import Account
    from server.users.service import create_user
    from server.users.tokens import issue_pair
    with app.app_context():
        upgrade()
        admin = create_user(session=db.session, email="admin@bench.example", name="Admin", role="admin",
                            team_id=None, password="bench-password-1")
        reps = [create_user(session=db.session, email=f"rep{i}@bench.example", name=f"Rep {i}", role="rep",
                            team_id=None, password="bench-password-1") for i in range(REPS)]
        db.session.flush()
        rows = _accounts([r.id for r in reps])
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Account), rows[start:start + 5000])
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Account).where(Account.search.is_(None))) == 0
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE account, account_search"))
        else:
            db.session.execute(text("ANALYZE"))
        tokens = {who: {"Authorization": f"Bearer {issue_pair(session=db.session, user=u)['access_token']}"}
                  for who, u in (("admin", admin), ("rep", reps[0]))}
        db.session.commit()
        return tokens


def _time(client, path: str, headers: dict) -> tuple[float, int]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), response.get_json()["total"]


def _measure(url: str, label: str) -> list[tuple[str, float, int]]:
    from server import create_app
    from server.config import Config
    from server.extensions import db
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    tokens = _load(app, db)
    client, rows = app.test_client(), []
    # The floor: the same request without `q` (auth, count of the whole scope, first page, JSON).
    ms, total = _time(client, "/api/accounts", tokens["admin"])
    rows.append((f"{label}, admin: no q (floor)", ms, total))
    for who in ("admin", "rep"):
        for query in QUERIES:
            ms, total = _time(client, f"/api/accounts?q={quote(query)}", tokens[who])
            rows.append((f"{label}, {who}: q={query!r}", ms, total))
    with app.app_context():
        db.engine.dispose()
    return rows


def main() -> list[tuple[str, float, int]]:
    folder = tempfile.mkdtemp(prefix="tournee-bench-search-")
    os.environ.setdefault("TOURNEE_INSTANCE", folder)
    rows = _measure(f"sqlite:///{folder}/search.db", "SQLite")
    _fresh_postgres(PG_URL)
    rows += _measure(PG_URL, "PostgreSQL")
    print(f"{ACCOUNTS:,} accounts, {REPS} reps; target < {TARGET_MS:.0f} ms for every query\n")
    print("| what | found | median ms |")
    print("|---|---:|---:|")
    for what, ms, total in rows:
        print(f"| {what} | {total:,} | {ms:.1f} |")
    worst = max(ms for what, ms, _ in rows if "floor" not in what)
    print(f"\nslowest: {worst:.1f} ms ({'within' if worst < TARGET_MS else 'OVER'} the target)")
    for label in ("SQLite", "PostgreSQL"):
        floor = next(ms for what, ms, _ in rows if what.startswith(label) and "floor" in what)
        slowest = max(ms for what, ms, _ in rows if what.startswith(label) and "floor" not in what)
        print(f"{label}: slowest search {slowest:.1f} ms = {slowest / floor:.2f} × the same run's list "
              f"without q ({floor:.1f} ms)")
    return rows


if __name__ == "__main__":
    main()

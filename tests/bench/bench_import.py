"""Import of 10,000 address-only lines, located by the embedded gazetteer, on SQLite and PostgreSQL.

Run: `.venv/bin/python -m tests.bench bench_import`. The file is what an old CRM's
Excel export looks like: Windows-1252, `;`, French headers, addresses without
coordinates, communes of Côte-d'Or, Jura and Saône-et-Loire (real postcodes and
names from the gazetteer) and 2 % of communes that do not exist. Target (issue 15):
< 15 s per database, the gazetteer's first load (about 4 s, once per process) included.

SQLite: a fresh file in a temporary folder. PostgreSQL: TOURNEE_BENCH_DATABASE_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_import), in a scratch
schema `bench_import` dropped and recreated.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text  # noqa: E402

PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_import")
SCHEMA = "bench_import"
LINES, REPS, TARGET_S = 10_000, 20, 15.0


def _file(rng: random.Random) -> bytes:
    from server.geo.gazetteer import _index
    by_postcode, _ = _index()
    places = [(code, name) for code, found in by_postcode.items() if code[:2] in ("21", "39", "71")
              for name, _, _ in found]
    lines = ["Code client;Raison sociale;Adresse;CP;Ville;Téléphone;Commercial"]
    for n in range(LINES):
        code, city = rng.choice(places) if rng.random() > 0.02 else ("99999", "Nullepart")
        lines.append(f"B-{n:05d};Société Générale d'Équipement {n};{n % 90 + 1} rue de l'Église;{code};"
                     f"{city.title()};03 80 {n % 100:02d} {n % 97:02d} 00;rep{n % REPS}@bench.example")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


def _run(url: str, engine_options: dict | None, label: str) -> dict:
    from server import create_app
    from server.actor import Actor
    from server.config import TestConfig
    from server.extensions import db
    from server.users.models import Team, User
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **({"SQLALCHEMY_ENGINE_OPTIONS": engine_options}
                                                                  if engine_options else {}))
    with app.app_context():
        if engine_options:
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        db.metadata.create_all(db.engine)
        team = Team(name="Bench")
        db.session.add(team)
        db.session.flush()
        db.session.add_all([User(email=f"rep{i}@bench.example", name=f"Rep {i}", role="rep", team_id=team.id,
                                 password_hash="x") for i in range(REPS)])
        admin = User(email="admin@bench.example", name="Admin", role="admin", password_hash="x")
        db.session.add(admin)
        db.session.commit()
        actor = Actor.of(admin)
        data = _file(random.Random(15))
        from server.geo import gazetteer
        gazetteer._index.cache_clear()  # the first import of a process pays for loading it
        from server.accounts.transfer_service import run_import
        started = time.perf_counter()
        outcome = run_import(session=db.session, actor=actor, data=data)
        db.session.commit()
        seconds = time.perf_counter() - started
        if engine_options:
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        db.engine.dispose()
    located = outcome.located
    return {"database": label, "lines": f"{LINES:,}", "created": f"{outcome.created:,}",
            "commune": f"{located['commune']:,}", "none": f"{located['none']:,}", "seconds": f"{seconds:.1f}",
            "target": f"< {TARGET_S:.0f} s", "ok": "yes" if seconds < TARGET_S else "**no**"}


def main() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(_run(f"sqlite:///{folder}/bench.db", None, "SQLite"))
    rows.append(_run(PG_URL, {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}, "PostgreSQL"))
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(row[k] for k in keys) + " |")
    return rows


if __name__ == "__main__":
    main()

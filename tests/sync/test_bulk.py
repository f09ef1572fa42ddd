"""sync/bulk.py stores what SQLAlchemy's executemany stores, on both databases.

On PostgreSQL `insert_rows` and `update_rows` send one array per column through
`unnest` (binary, cast back to each column's type); on SQLite they are the executemany
itself. Each test writes the same values both ways, to two rows, and reads them back:
every column but the id must match, whatever the types (text with quotes, braces and
backslashes, JSON documents, JSON null, integers in float columns, dates, columns left
to their defaults).
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select, update

from server.accounts.models import Account
from server.db import new_id
from server.visits.models import Visit
from sync import bulk
from tests.factories import make_account, make_user

AWKWARD = 'Café "Le {coin}", \\ NULL, ñ'


def _stored(session, table, ids: list[str], skip: tuple[str, ...] = ()) -> list[dict]:
    rows = {row.id: dict(row._mapping) for row in session.execute(select(table).where(table.c.id.in_(ids)))}
    return [{k: v for k, v in rows[i].items() if k not in ("id", *skip)} for i in ids]


def _visits(account, rep, *, full: bool) -> list[dict]:
    rows = []
    for n in range(3):
        row = {"id": new_id(), "account_id": account.id, "rep_id": rep.id,
               "started_at": datetime(2026, 5, 4, 8 + n, 30, tzinfo=UTC)}
        if full:
            row.update({"version": 40 + n, "field_meta": {"notes": [40 + n, 1_700_000_000_000, rep.id, None]},
                        "kind": "phone", "outcome": None, "notes": AWKWARD if n else None,
                        "maturity": n or None, "lat": 45 if n == 1 else None, "lon": 4.25 if n else None,
                        "verified": bool(n % 2), "attachment_ids": None if n == 2 else [new_id()],
                        "created_at": datetime(2026, 5, 4, 7, tzinfo=UTC), "updated_at": datetime(2026, 5, 4, 7, tzinfo=UTC),
                        "ended_at": None})
        rows.append(row)
    return rows


def test_insert_rows_stores_what_an_executemany_stores(session):
    rep = make_user(session)
    account = make_account(session, rep)
    table = Visit.__table__
    for full in (True, False):  # every column given; most left to their defaults
        reference = _visits(account, rep, full=full)
        ours = [{**row, "id": new_id()} for row in reference]
        session.connection().execute(insert(table), reference)
        bulk.insert_rows(session.connection(), table, ours)
        expected = _stored(session, table, [r["id"] for r in reference])
        got = _stored(session, table, [r["id"] for r in ours])
        if not full:  # the clock's defaults differ by microseconds; they are set all the same
            for row in expected + got:
                assert row.pop("created_at") is not None and row.pop("updated_at") is not None
            assert {row["version"] for row in got} == {0} and {row["kind"] for row in got} == {"onsite"}
        assert got == expected


def test_update_rows_stores_what_an_executemany_stores(session):
    rep = make_user(session)
    reference = [make_account(session, rep, name=f"Compte {n}", lat=47.0, lon=5.0) for n in range(3)]
    ours = [make_account(session, rep, name=f"Compte {n}", lat=47.0, lon=5.0) for n in range(3)]
    untouched = make_account(session, rep, name="Compte 9", lat=47.0, lon=5.0)
    table = Account.__table__
    keys = ("field_meta", "lat", "notes", "segment_override", "tags", "updated_at", "version")

    def changes(n: int) -> dict:
        return {"field_meta": {"notes": [90 + n, 1_700_000_000_000, rep.id, "tablet"]}, "lat": 46 if n == 0 else 46.5,
                "notes": AWKWARD if n < 2 else None, "segment_override": None if n else {"segment": "A", "reason": "é"},
                "tags": [f"t{n}", "ñ"], "updated_at": datetime(2026, 5, 4, 9, n, tzinfo=UTC), "version": 90 + n}
    reference_ids, our_ids = [a.id for a in reference], [a.id for a in ours]
    before = _stored(session, table, [untouched.id])
    session.expunge_all()
    session.connection().execute(update(table).where(table.c.id == bindparam("_pk")),
                                 [{"_pk": i, **changes(n)} for n, i in enumerate(reference_ids)])
    bulk.update_rows(session.connection(), table, keys, [{"_pk": i, **changes(n)} for n, i in enumerate(our_ids)])
    got = _stored(session, table, our_ids, skip=("created_at",))  # created by the factory, a moment apart
    assert got == _stored(session, table, reference_ids, skip=("created_at",))
    assert [row["version"] for row in got] == [90, 91, 92] and got[2]["notes"] is None
    assert got[0]["segment_override"] == {"segment": "A", "reason": "é"} and got[1]["segment_override"] is None
    assert _stored(session, table, [untouched.id]) == before

"""sync/bulk.py stores what SQLAlchemy's executemany stores, on both databases.

On PostgreSQL `insert_rows` and `update_rows` send one array per column through
`unnest` (binary, cast back to each column's type); on SQLite they are the executemany
itself. Each test writes the same values both ways, to two rows, and reads them back:
every column but the id must match, whatever the types (text with quotes, braces and
backslashes, JSON documents, JSON null, integers in float columns, dates, columns left
to their defaults).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from server.accounts.models import Account
from server.db import new_id
from server.visits.models import Task, Visit
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


@pytest.mark.parametrize("count", [1, 3])  # on PostgreSQL one row is plain values, several are arrays
def test_insert_rows_stores_what_an_executemany_stores(session, count):
    rep = make_user(session)
    account = make_account(session, rep)
    table = Visit.__table__
    for full in (True, False):  # every column given; most left to their defaults
        reference = _visits(account, rep, full=full)[:count]
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


@pytest.mark.parametrize("count", [1, 3])
def test_update_rows_stores_what_an_executemany_stores(session, count):
    rep = make_user(session)
    reference = [make_account(session, rep, name=f"Compte {n}", lat=47.0, lon=5.0) for n in range(count)]
    ours = [make_account(session, rep, name=f"Compte {n}", lat=47.0, lon=5.0) for n in range(count)]
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
    assert [row["version"] for row in got] == [90, 91, 92][:count] and got[0]["notes"] == AWKWARD
    assert got[0]["segment_override"] == {"segment": "A", "reason": "é"}
    assert count == 1 or (got[2]["notes"] is None and got[1]["segment_override"] is None)
    assert _stored(session, table, [untouched.id]) == before



@pytest.mark.parametrize("count", [1, 3])
def test_insert_many_stores_what_insert_rows_stores(session, count):
    """Visits and their follow-up tasks in one call (on PostgreSQL one statement: a
    data-modifying WITH per table but the last), read back as insert_rows stores them."""
    rep = make_user(session)
    account = make_account(session, rep)
    visits = _visits(account, rep, full=True)[:count]
    tasks = _tasks(account, rep, visits)
    reference_visits = [{**row, "id": new_id()} for row in visits]
    reference_tasks = [{**row, "id": new_id()} for row in tasks]
    bulk.insert_rows(session.connection(), Visit.__table__, reference_visits)
    bulk.insert_rows(session.connection(), Task.__table__, reference_tasks)
    bulk.insert_many(session.connection(), [(Visit.__table__, visits), (Task.__table__, tasks)])
    assert _stored(session, Visit.__table__, [r["id"] for r in visits]) == \
        _stored(session, Visit.__table__, [r["id"] for r in reference_visits])
    got = _stored(session, Task.__table__, [r["id"] for r in tasks], skip=("created_at", "updated_at"))
    assert got == _stored(session, Task.__table__, [r["id"] for r in reference_tasks], skip=("created_at", "updated_at"))
    assert [(t["visit_id"], t["title"], t["version"]) for t in got] == [(v["id"], AWKWARD, 50) for v in visits]


@pytest.mark.postgres_only
@pytest.mark.skipif(not (os.environ.get("TOURNEE_TEST_DATABASE_URL") or "").startswith("postgresql"),
                    reason="needs TOURNEE_TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite writes table after table
def test_insert_many_on_postgresql_is_one_statement_that_fails_whole(session, database_url):
    """One round trip for every table; a row breaking a foreign key fails that one
    statement, and no table keeps its rows."""
    rep = make_user(session)
    account = make_account(session, rep)
    session.commit()
    visits = _visits(account, rep, full=False)
    orphans = [{**task, "account_id": new_id()} for task in _tasks(account, rep, visits)]  # no such account
    sent = []

    def record(*args) -> None:
        sent.append(args[2])

    event.listen(session.get_bind(), "before_cursor_execute", record)
    try:
        with pytest.raises(IntegrityError):
            bulk.insert_many(session.connection(), [(Visit.__table__, visits), (Task.__table__, orphans)])
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", record)
    assert len(sent) == 1 and sent[0].startswith("WITH w0 AS (INSERT INTO visit")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Visit).where(Visit.account_id == account.id)) == 0


def _tasks(account, rep, visits: list[dict]) -> list[dict]:
    return [{"id": new_id(), "rep_id": rep.id, "account_id": account.id, "visit_id": visit["id"],
             "title": AWKWARD, "kind": "todo", "status": "open", "due_at": datetime(2026, 5, 6, tzinfo=UTC),
             "version": 50, "field_meta": {"title": [50, 1_700_000_000_000, rep.id, None]}} for visit in visits]


@pytest.mark.parametrize("count", [1, 3])
def test_insert_rows_into_a_table_keyed_otherwise_than_by_id(session, count):
    """The ledger's key is `mutation_id`: one row and several go in as they do elsewhere."""
    from sync.models import MutationRecord
    table = MutationRecord.__table__
    rows = [{"mutation_id": new_id(), "user_id": new_id(), "client_id": "tablette", "entity": "visit",
             "record_id": new_id(), "status": "applied", "result": {"status": "applied", "n": n},
             "at": datetime(2026, 5, 4, 9, n, tzinfo=UTC)} for n in range(count)]
    bulk.insert_rows(session.connection(), table, rows)
    stored = {r.mutation_id: r.result for r in session.execute(select(table).where(
        table.c.mutation_id.in_([row["mutation_id"] for row in rows])))}
    assert stored == {row["mutation_id"]: row["result"] for row in rows}

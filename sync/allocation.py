"""Change numbers handed out in a transaction of their own (PROTOCOL C5, PostgreSQL).

A push that takes the counter last (C4) used to lock the counter row from its numbering
to its commit: every push in the database queued behind that hold, whatever the number
of hosts. Here the numbering is its own short transaction on a second connection, and
the counter's lock lasts one statement: the counter moves on by the push's count, and
the push's transaction id (xid8) is written beside the numbers it took, in
`sync_in_flight`, in the same commit.

The push then writes with those numbers and commits when it is done. Its changes may
become visible after a later push's: the classic sequence trap C1 avoided by holding
the lock. A pull instead stops short of it: its upper bound is below the first number
of every push its snapshot cannot see yet (`SAFE_CURRENT`): in flight, or committed
after the snapshot was taken. A push that rolled back (its xid `aborted`) holds nobody
back. This is how PgQ and Electric bound a reader by the oldest transaction in flight.

Rows of transactions that have ended are deleted by the next allocation: the table holds
about as many rows as pushes in flight.
"""
from __future__ import annotations

import os
import time
from typing import NamedTuple

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from server import pool

# One statement, one round trip, its own transaction (autocommit). The counter's row lock
# lasts this statement. The DELETE drops the rows of transactions that ended before this
# statement's snapshot (committed: every later snapshot sees them; rolled back: nobody
# ever will); a snapshot older than this one still has them. It sees the table as the
# statement began, so never the row it inserts, whose push is in progress anyway.
# Sent on the driver's connection (psycopg's own placeholders, prepared by psycopg after a
# few runs): a quarter of the CPU of the same text through SQLAlchemy's Connection.
_ALLOCATE = """
WITH advanced AS (
    UPDATE sync_counter SET value = value + %(count)s WHERE id = 1 RETURNING value, pruned_below
), flight AS (
    INSERT INTO sync_in_flight (xid, first) SELECT %(xid)s, value - %(count)s + 1 FROM advanced
), ended AS (
    DELETE FROM sync_in_flight WHERE pg_visible_in_snapshot(xid::text::xid8, pg_current_snapshot())
)
SELECT value, pruned_below FROM advanced
"""

# This transaction's id, assigned now if it had none (a push of creates writes nothing
# before its numbers are real). As a bigint: xid8 is a 64-bit counter (epoch and xid).
_XID = "SELECT pg_current_xact_id()::text::bigint"

# The counter as a snapshot may serve it (L1): below the first number of every push in
# flight or committed after the snapshot (its xid not visible in it), aborted ones aside.
# LEAST ignores a NULL: with nothing in flight, the counter itself.
SAFE_CURRENT = """LEAST(sync_counter.value, (
    SELECT min(f.first) - 1 FROM sync_in_flight AS f
    WHERE NOT pg_visible_in_snapshot(f.xid::text::xid8, pg_current_snapshot())
      AND pg_xact_status(f.xid::text::xid8) IS DISTINCT FROM 'aborted'))"""


# How long an allocation waits for the counter's row before giving up (PostgreSQL's
# lock_timeout on its connection). Allocations hold the row for a statement each; a longer
# wait means a writer that holds it to its commit (C1: a booking, an import), which may in
# turn wait for a record the calling push has locked. PostgreSQL cannot see that cycle (the
# push waits on this connection from the application, not on a lock), so the caller takes
# the counter in its own transaction instead (C4), where a deadlock is detected and broken.
LOCK_TIMEOUT_MS = 100


class Busy(Exception):
    """The counter is held by a transaction to its commit (C1): see LOCK_TIMEOUT_MS."""


class Allocation(NamedTuple):
    value: int  # the counter after this allocation: the numbers are value − count + 1 … value
    pruned_below: int
    held_s: float  # how long the counter's row was locked: the statement's round trip


def xid(session: Session) -> int:
    """The session's transaction id (xid8, as an int), assigned if it had none. Asked on
    the driver's connection, inside the session's transaction."""
    return session.connection().connection.driver_connection.execute(_XID).fetchone()[0]


def allocate(session: Session, count: int, transaction_id: int) -> Allocation:
    """Take `count` numbers for the transaction `transaction_id` of `session` (C5): one
    committed statement on this process's allocation connection. Raises LookupError when
    the counter row is missing (a fresh database: the caller creates it and asks again), Busy
    when the counter stayed locked LOCK_TIMEOUT_MS (nothing was allocated)."""
    engine = engine_for(session)
    started = time.perf_counter()
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_ALLOCATE, {"count": count, "xid": transaction_id})
        except Exception as error:
            if getattr(error, "sqlstate", None) == "55P03":  # lock_not_available: lock_timeout
                raise Busy("the change counter is held to a commit") from error
            raise
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool (autocommit: a failed statement left nothing open)
    if row is None:
        raise LookupError("sync_counter has no row")
    return Allocation(row[0], row[1], time.perf_counter() - started)


_ENGINES: dict[tuple[int, str], Engine] = {}


def engine_for(session: Session) -> Engine:
    """One small autocommit engine per process and database: gunicorn forks workers, and
    pooled connections do not survive a fork. Its connections are checked as the
    application's are (server/pool.py). `synchronous_commit=off` loses nothing: a push
    that used the numbers commits after them, and its commit flushes the WAL up to it."""
    bind = session.get_bind()
    url = bind.url.render_as_string(hide_password=False)
    key = (os.getpid(), url)
    engine = _ENGINES.get(key)
    if engine is None:
        # Autocommit set on the driver's connection itself (its raw connection is used, no
        # SQLAlchemy Connection applies an isolation level); nothing to reset on its return.
        engine = create_engine(make_url(url), pool_size=4, max_overflow=16, pool_reset_on_return=None,
                               connect_args={"options": f"-c synchronous_commit=off -c lock_timeout={LOCK_TIMEOUT_MS}",
                                             "autocommit": True})
        pool.check_on_checkout(engine, idle_limit=30.0)
        _ENGINES[key] = engine
    return engine

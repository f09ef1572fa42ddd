"""SQLite writers take turns through a file lock instead of polling for the database's.

SQLite has one writer at a time. A writer that finds the write lock taken sleeps in
SQLite's busy handler and tries again after 1, 2, 5, 10 … up to 100 ms: under load the
lock goes to whoever happens to poll at the right instant, and a writer can miss turn
after turn (measured: p99 955 ms against p50 18 ms at 4 concurrent pushes). Here, every
write transaction first takes an exclusive `flock` on a file beside the database (one
open file per connection, so threads of one process exclude each other too), and lets
it go as its COMMIT or ROLLBACK is sent: a waiter is woken by the kernel the moment the
lock is free rather than at its next poll. Readers never take it (WAL readers do not
block the writer). `:memory:` and other non-file databases are left as they are.
"""
from __future__ import annotations

import fcntl
import os

_KEY = "tournee_turns"


def lock_path(database: str | None) -> str | None:
    """The lock file beside an SQLite database file, or None for an in-memory one."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return f"{os.path.abspath(database)}.writers"


def take(connection) -> None:
    """Before BEGIN IMMEDIATE: wait for this database's turn (blocking, woken on release)."""
    path = lock_path(connection.engine.url.database)
    if path is None:
        return
    info = connection.connection.info  # the DBAPI connection's: lives as long as it does
    fd = info.get(_KEY)
    if fd is None:
        fd = info[_KEY] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    info[_KEY + ".held"] = True


def give_back(info: dict) -> None:
    """As the transaction ends (commit or rollback), or its connection goes back to the pool
    or away: the next writer's turn. `info`: the pooled DBAPI connection's info."""
    if info.pop(_KEY + ".held", False):
        fcntl.flock(info[_KEY], fcntl.LOCK_UN)


def forget(info: dict) -> None:
    """The connection is closed or invalidated: its lock file too (never left held)."""
    give_back(info)
    fd = info.pop(_KEY, None)
    if fd is not None:
        os.close(fd)

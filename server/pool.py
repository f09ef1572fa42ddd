"""Is a pooled PostgreSQL connection still alive? Asked without a round trip.

`pool_pre_ping` sent `SELECT 1` before every request: a round trip, and CPU on both
sides, paid by every hot read for the rare connection that died while idle. A dead
connection can almost always be told without asking the server: when PostgreSQL ends
a session (restart, failover, `pg_terminate_backend`) or anything on the way closes
it, the client's socket turns readable (the FATAL message, then end of file), while
an idle, healthy connection has nothing to read. So on checkout we poll the socket
(one system call) and only send a real ping for a connection idle longer than
POOL_PING_IDLE_S, the case a silent network loss could hide. A connection found dead
raises DisconnectionError, on which SQLAlchemy's pool drops it and hands out another
(SQLAlchemy docs, "Disconnect Handling - Pessimistic", custom checkout event).

SQLite files do not disconnect: nothing is checked there.
"""
from __future__ import annotations

import select
import time

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine


def init_app(app: Flask, engine: Engine) -> None:
    """Check each PostgreSQL connection as it leaves the pool (listeners on `engine`)."""
    check_on_checkout(engine, idle_limit=float(app.config["POOL_PING_IDLE_S"]))


def check_on_checkout(engine: Engine, *, idle_limit: float) -> None:
    """The same check on any PostgreSQL engine (the rate limits' own, too): the socket on
    every checkout, a real ping after `idle_limit` seconds idle. Nothing on SQLite."""
    if engine.dialect.name == "sqlite":
        return

    def checkin(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection, record, _proxy) -> None:
        if dead(dbapi_connection):
            raise exc.DisconnectionError("the server closed this idle connection")
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > idle_limit:
            try:  # the dialect's own ping: it leaves no transaction open behind it
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:  # any failure: this connection is not worth keeping
                raise exc.DisconnectionError(str(error)) from error

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def dead(dbapi_connection) -> bool:
    """True when the driver knows the connection is gone, or its idle socket has something
    to read (a FATAL message, end of file): the server or the network ended it."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # a closed connection has no socket
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))

"""Flask extensions, created unbound at import (STYLE habit 1); `create_app` binds them."""
from __future__ import annotations

import contextlib
import contextvars

from flask import request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api as _Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from server import sqlite_turns
from server.db import Base
from server.users.decoding import CachingJWTManager

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
jwt = CachingJWTManager()  # verified tokens kept by their text: server/users/decoding.py
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()

# SQLite serialises writers. A transaction that reads first and writes later can
# fail at once with SQLITE_BUSY when another writer committed in between, so
# requests that write start with BEGIN IMMEDIATE (they wait for the lock instead).
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        if conn.get_execution_options().get("sqlite_begin") == "immediate":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # a side database that only writes (rate limits)
        elif write_intent.get():
            sqlite_turns.take(conn)  # fair turns between writers (server/sqlite_turns.py)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_end(conn) -> None:
    if conn.dialect.name == "sqlite":
        sqlite_turns.give_back(conn.connection.info)


@event.listens_for(Pool, "checkin")
def _sqlite_checkin(_dbapi_connection, record) -> None:
    if record is not None:
        sqlite_turns.give_back(record.info)


@event.listens_for(Pool, "close")
@event.listens_for(Pool, "invalidate")
def _sqlite_close(_dbapi_connection, record, *_exception) -> None:
    if record is not None:
        sqlite_turns.forget(record.info)


@contextlib.contextmanager
def writing():
    """Within a read request, the transactions begun inside the block are writes (SQLite:
    BEGIN IMMEDIATE); for a GET that keeps a plan it had to make (server/tours/service.py)."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def writes_on_get(view):
    """Mark a GET view that writes (the forecast's weekly snapshot): on SQLite it must
    begin a write transaction (BEGIN IMMEDIATE), like a POST."""
    view.writes_on_get = True
    return view


def reads_one_snapshot(view):
    """Mark a GET view whose reads must all see one snapshot (the pull, PROTOCOL L1): its
    transaction begins before the token check, REPEATABLE READ on PostgreSQL, and serves the
    whole request, so the request pays one transaction, not one for the check and another."""
    view.reads_one_snapshot = True
    return view


def begin_snapshot() -> None:
    """Begin the request's transaction as one snapshot (PostgreSQL: REPEATABLE READ; a SQLite
    read transaction in WAL mode is one already). Ends a transaction already begun first."""
    from flask import g

    if g.get("snapshot_begun"):
        return
    if db.session().in_transaction():
        db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    g.snapshot_begun = True


def mark_request_intent() -> None:
    """before_request hook: reads take a plain BEGIN, writes BEGIN IMMEDIATE.

    A GET view that writes says so with `@writes_on_get` (`view.writes_on_get = True`);
    one that reads a snapshot with `@reads_one_snapshot`.
    """
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    writes = request.method not in ("GET", "HEAD", "OPTIONS") or getattr(view, "writes_on_get", False)
    write_intent.set(bool(writes))
    if not writes and getattr(view, "reads_one_snapshot", False):
        begin_snapshot()


class Api(_Api):
    """flask-smorest's Api, answering every HTTP error as RFC 9457 problem+json."""

    def handle_http_exception(self, error):
        from server.errors import problem_from_http_exception
        return problem_from_http_exception(error)

    def _register_responses(self):
        """The documented error responses are what errors.py sends: problem+json documents."""
        from flask_smorest.utils import prepare_response
        from server.errors import ProblemSchema
        import http
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = ProblemSchema
            prepare_response(response, self.spec, "application/problem+json")
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error: an RFC 9457 problem document", "schema": ProblemSchema}
        prepare_response(response, self.spec, "application/problem+json")
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()

"""A `limits` storage in the SQL database, so every gunicorn worker (and host) counts together.

`limits` (flask-limiter's engine) ships memory, Redis, Memcached and MongoDB storages
but none over SQL, so this one implements its `Storage` interface (counters with an
expiry: what the fixed-window strategy needs) with one upsert per hit:
`INSERT … ON CONFLICT (key) DO UPDATE … RETURNING count`, atomic on PostgreSQL and
SQLite alike. It registers the `tournee-db://` scheme; `RATELIMIT_STORAGE_URI` picks
it by default (server/config.py), `redis://…` picks Redis instead.

The counters live in the application's PostgreSQL database (table
`rate_limit_counter`, created by the migrations). On SQLite they live in a file of
their own beside the database: a request holds SQLite's single write lock until it
ends, and the limiter counts a failed login after the view, still inside it.
"""
from __future__ import annotations

import os
import random
import time

from flask import g, has_request_context
from limits.storage import Storage
from sqlalchemy import bindparam, create_engine, delete, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from server import pool
from server.ratelimits.models import RateLimitCounter

TABLE = RateLimitCounter.__table__

# A hit (parameters key, amount, now, until = now + expiry): one SQL for both databases
# (INSERT … ON CONFLICT … RETURNING: PostgreSQL ≥ 9.5, SQLite ≥ 3.35), as text: SQLAlchemy 2.0
# does not cache its dialects' insert() with an ON CONFLICT clause (`inherit_cache = False`),
# so that construct was compiled again on every push and login.
_HIT = text(
    "INSERT INTO rate_limit_counter (key, count, expires_at) VALUES (:key, :amount, :until) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN rate_limit_counter.expires_at <= :now THEN :amount ELSE rate_limit_counter.count + :amount END, "
    "expires_at = CASE WHEN rate_limit_counter.expires_at <= :now THEN :until ELSE rate_limit_counter.expires_at END "
    "RETURNING count, expires_at"
).bindparams(bindparam("key", type_=TABLE.c.key.type), bindparam("amount", type_=TABLE.c.count.type),
             bindparam("now", type_=TABLE.c.expires_at.type), bindparam("until", type_=TABLE.c.expires_at.type),
             ).columns(TABLE.c.count, TABLE.c.expires_at)


def counters_url(database_url: str) -> str:
    """Where the counters live for an application database (see the module's docstring)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return database_url
    if not url.database or url.database == ":memory:":
        return "sqlite://"
    return url.set(database=url.database + "-ratelimits").render_as_string(hide_password=False)


class DatabaseStorage(Storage):
    """Fixed-window counters in a SQL table; options: `database_url`."""

    STORAGE_SCHEME = ["tournee-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.url = counters_url(str(options["database_url"]))
        self.ping_idle_s = float(options.get("ping_idle_s", 30))
        self._engine: Engine | None = None
        self._pid = 0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        """One engine per process: gunicorn forks workers, and pooled connections do not survive a fork."""
        if self._engine is None or self._pid != os.getpid():
            if make_url(self.url).get_backend_name() == "postgresql":
                # A counter lost in a crash costs nothing: its commit need not wait for the WAL
                # to reach the disk (each hit commits on its own, outside the request's transaction).
                # Autocommit: a hit is one statement, its own transaction, one round trip (no
                # BEGIN, no COMMIT). No pool_pre_ping (a SELECT 1 per hit): a dead connection is
                # told from its socket, as the application's own (server/pool.py).
                self._engine = create_engine(self.url, isolation_level="AUTOCOMMIT",
                                             connect_args={"options": "-c synchronous_commit=off"})
                pool.check_on_checkout(self._engine, idle_limit=self.ping_idle_s)
            else:
                # Its own file, which only these counters write: every transaction begins as a
                # write, whatever the request is (not the application database's read or write
                # intent, nor its writer turns: server/extensions.py).
                engine = create_engine(self.url)  # a file: nothing to ping
                event.listen(engine, "connect", _relaxed_sqlite)
                self._engine = engine.execution_options(sqlite_begin="immediate")
            self._pid = os.getpid()
            if self._engine.dialect.name == "sqlite":
                TABLE.create(self._engine, checkfirst=True)  # its own file: no migrations there
        return self._engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            count, expires_at = conn.execute(_HIT, {"key": key, "amount": amount, "now": now,
                                                    "until": now + expiry}).one()
            if random.random() < 0.01:  # now and then, drop what expired long ago
                conn.execute(delete(TABLE).where(TABLE.c.expires_at < now - 3600))
        if has_request_context():
            # flask-limiter reads the counter back (get, get_expiry) for the X-RateLimit-*
            # headers right after the hit: the request answers them from what the hit returned.
            g.setdefault("_rate_limit_hits", {})[key] = (int(count), float(expires_at))
        return int(count)

    def _hit_in_request(self, key: str) -> tuple[int, float] | None:
        if not has_request_context():
            return None
        hits = g.get("_rate_limit_hits")
        return hits.get(key) if hits else None

    def get(self, key: str) -> int:
        hit = self._hit_in_request(key)
        if hit is not None and hit[1] > time.time():
            return hit[0]
        with self.engine.connect() as conn:
            count = conn.scalar(select(TABLE.c.count).where(TABLE.c.key == key, TABLE.c.expires_at > time.time()))
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        hit = self._hit_in_request(key)
        if hit is not None:
            return hit[1]
        with self.engine.connect() as conn:
            expires = conn.scalar(select(TABLE.c.expires_at).where(TABLE.c.key == key))
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            count = conn.scalar(select(func.count()).select_from(TABLE))
            conn.execute(delete(TABLE))
        return int(count or 0)

    def clear(self, key: str) -> None:
        if has_request_context() and g.get("_rate_limit_hits"):
            g._rate_limit_hits.pop(key, None)
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.key == key))


def _relaxed_sqlite(dbapi_connection, _record) -> None:
    """The counters' own SQLite file: write-ahead log (workers read while one writes) and
    no fsync per hit (a counter lost in a crash costs nothing)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()

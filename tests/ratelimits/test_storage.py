"""The database storage of the rate limits (server/ratelimits/storage.py), on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import threading
import time

import pytest
import time_machine
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import event, text

from server.extensions import db
from server.ratelimits.storage import DatabaseStorage, counters_url


@pytest.fixture
def storage(app, database_url):
    store = storage_from_string("tournee-db://", database_url=database_url)
    store.reset()
    yield store
    store.reset()


def test_the_scheme_picks_the_database_storage(storage):
    assert isinstance(storage, DatabaseStorage) and storage.check()


def test_counters_count_expire_and_clear(storage):
    assert storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=5) == 8
    assert time.time() < storage.get_expiry("k") <= time.time() + 60
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.incr("short", 1) == 1
    with time_machine.travel(time.time() + 1.1, tick=False):  # the window of 1 s is over
        assert storage.get("short") == 0
        assert storage.incr("short", 1) == 1  # a new window starts at 1


def test_every_concurrent_hit_is_counted(storage):
    def hit():
        for _ in range(25):
            storage.incr("busy", 60)
    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.get("busy") == 200


def test_a_limit_of_ten_is_ten_through_the_limits_strategy(storage):
    limiter = FixedWindowRateLimiter(storage)
    ten = RateLimitItemPerMinute(10)
    assert [limiter.hit(ten, "login", "10.0.0.1") for _ in range(12)] == [True] * 10 + [False] * 2
    assert limiter.hit(ten, "login", "10.0.0.2")


def test_sqlite_counters_live_in_a_file_of_their_own():
    assert counters_url("sqlite:////srv/tournee/tournee.db") == "sqlite:////srv/tournee/tournee.db-ratelimits"
    assert counters_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"



@pytest.mark.postgres_only
@pytest.mark.skipif(not (os.environ.get("TOURNEE_TEST_DATABASE_URL") or "").startswith("postgresql"),
                    reason="needs TOURNEE_TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # connections and transactions
def test_a_hit_is_one_statement_and_survives_a_dropped_connection(storage, database_url):
    """PostgreSQL: a hit is the upsert alone, in autocommit (no ping, BEGIN or COMMIT round
    trip), from SQLAlchemy's compiled cache; a pooled connection the server ended is replaced on checkout, not failed on."""
    assert storage.incr("k", 60) == 1
    sent = []
    event.listen(storage.engine, "before_cursor_execute", lambda *args: sent.append((args[2], str(args[4].cache_hit))))
    with storage.engine.connect() as conn:
        pid = conn.scalar(text("SELECT pg_backend_pid()"))
        assert conn.connection.driver_connection.autocommit
    sent.clear()
    assert storage.incr("k", 60) == 2
    assert len(sent) in (1, 2) and sent[0][0].startswith("INSERT INTO rate_limit_counter")  # 2: the rare purge
    assert sent[0][1] == "CacheStats.CACHE_HIT"  # compiled once, not on every hit
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})  # the app's own connection
    db.session.commit()
    _wait_until_gone(pid)  # it sent its FATAL message to the idle socket before it exited
    assert storage.incr("k", 60) == 3


def _wait_until_gone(pid: int, timeout_s: float = 10.0) -> None:
    """Until the backend `pid` has exited (it no longer shows in pg_stat_activity)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with db.engine.connect() as conn:
            if not conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}):
                return
        assert time.monotonic() < deadline, f"backend {pid} still there after {timeout_s} s"
        time.sleep(0.02)

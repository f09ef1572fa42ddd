"""SQLite writers take turns through server/sqlite_turns.py: a second writer waits for the
first one's COMMIT or ROLLBACK and goes on at once, and a turn is never left held."""
from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from sqlalchemy import create_engine, text

import server.extensions  # noqa: F401  (installs the engine and pool listeners)
from server import sqlite_turns
from server.extensions import write_intent


@pytest.fixture(autouse=True)
def _writes():
    """These connections write: a test client's GET earlier on this thread may have left the
    intent at "read" (the request hook sets it for each request and does not put it back)."""
    token = write_intent.set(True)
    yield
    write_intent.reset(token)


def _engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return engine


def _second_writer(engine, events: list[str]) -> threading.Thread:
    def write() -> None:
        with engine.begin() as conn:
            events.append("second began")
            conn.execute(text("INSERT INTO t VALUES (2)"))
    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_a_writer_waits_for_the_first_to_commit(tmp_path):
    engine = _engine(tmp_path)
    events: list[str] = []
    with engine.connect() as first:
        first.begin()
        first.execute(text("INSERT INTO t VALUES (1)"))
        probe = os.open(sqlite_turns.lock_path(engine.url.database), os.O_RDWR)
        with pytest.raises(BlockingIOError):  # the turn is taken: by the file lock, not SQLite's polling
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        thread = _second_writer(engine, events)
        thread.join(0.3)
        assert events == []  # waiting for its turn, not writing
        events.append("first commits")
        first.commit()
    thread.join(5)
    assert events == ["first commits", "second began"]
    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # every turn given back
    os.close(probe)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 2
    engine.dispose()


def test_a_turn_is_given_back_on_rollback_and_when_a_connection_closes(tmp_path):
    engine = _engine(tmp_path)
    with engine.connect() as first:
        first.begin()
        first.rollback()
    with engine.connect() as second:  # a transaction left open: closing the connection ends it
        second.begin()
        second.execute(text("INSERT INTO t VALUES (3)"))
    events: list[str] = []
    started = time.perf_counter()
    _second_writer(engine, events).join(5)
    assert events == ["second began"]
    assert time.perf_counter() - started < 5
    assert sqlite_turns.lock_path(":memory:") is None
    engine.dispose()

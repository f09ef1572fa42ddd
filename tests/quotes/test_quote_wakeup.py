"""On PostgreSQL an idle dispatcher wakes up when a quote commits (LISTEN/NOTIFY), instead
of waiting for its next poll; on SQLite it keeps polling."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from server.extensions import db
from sync.dispatch import run_forever
from sync.wakeup import Listener
from tests.factories import make_account, make_team, make_user, token_headers
from tests.quotes.helpers import FAST, quote, submit


def test_an_idle_dispatcher_is_woken_by_a_new_quote(app, client, session, backend):
    if backend != "postgresql":  # no such channel: the dispatcher polls (the other specs cover it)
        assert Listener(db.engine).connection is None
        return
    from tests.factories import make_tech_team
    make_tech_team(session, channel="inbox", is_default=True)
    rep = make_user(session, "rep", team=make_team(session))
    account = make_account(session, rep)
    headers = token_headers(app, rep)
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, kwargs={
        "session_factory": sessionmaker(bind=db.engine), "dispatcher_id": "idle", "settings": FAST,
        "interval": 3600.0, "stop": stop}, daemon=True)  # it would not poll again within this test
    worker.start()
    try:
        def routed_soon(quote_id: str) -> bool:
            for _ in range(200):  # bounded wait: woken by the commit, not by the hour-long poll
                if quote(quote_id).status == "routed":
                    return True
                stop.wait(0.1)
            return False

        assert routed_soon(submit(client, headers, account))  # its first pass, at start
        stop.wait(1.0)  # it finds nothing more and goes to sleep for the hour
        assert routed_soon(submit(client, headers, account)), "the dispatcher slept through the NOTIFY"
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()


def test_the_listener_listens_again_after_its_connection_died(app, session, backend, monkeypatch):
    """A PostgreSQL restart kills the LISTEN connection; the dispatcher polls meanwhile and
    LISTENs again, so later quotes wake it at once again."""
    if backend != "postgresql":
        return
    from sqlalchemy import text

    from sync.wakeup import CHANNEL
    listener = Listener(db.engine)
    monkeypatch.setattr(listener, "RELISTEN_S", 0.0)
    stop = threading.Event()
    pid = listener.connection.info.backend_pid
    with db.engine.connect() as admin:
        assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    listener.wait(0.2, stop)  # notices the dead connection, falls back to polling
    assert listener.connection is None
    listener.wait(0.2, stop)  # and LISTENs again on the next wait
    assert listener.connection is not None and listener.connection.info.backend_pid != pid
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_notify(:c, '')"), {"c": CHANNEL})
        other.commit()
    began = time.monotonic()
    listener.wait(30.0, stop)
    assert time.monotonic() - began < 5, "the NOTIFY did not wake the renewed listener"
    listener.close()


@pytest.mark.postgres_only
def test_a_closed_listener_gives_its_connection_back_to_no_one(app):
    """The LISTEN connection is autocommit; back in the application's pool it would make a later
    session's transaction autocommit (a push's savepoint then fails: "SAVEPOINT can only be used
    in transaction blocks", and a multi-statement write is no longer all or nothing)."""
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)  # one connection: the next checkout reuses it
    try:
        listener = Listener(engine)
        listening_pid = listener.connection.info.backend_pid
        listener.close()
        raw = engine.raw_connection()
        try:
            assert raw.driver_connection.autocommit is False
            assert raw.driver_connection.info.backend_pid != listening_pid
        finally:
            raw.close()
    finally:
        engine.dispose()

"""On PostgreSQL an idle dispatcher wakes up when a quote commits (LISTEN/NOTIFY), instead
of waiting for its next poll; on SQLite it keeps polling."""
from __future__ import annotations

import threading

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

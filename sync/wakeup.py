"""Waking the dispatchers the moment a quote request commits (PostgreSQL LISTEN/NOTIFY).

Polling alone costs half an interval on average before a quote is even claimed. On
PostgreSQL the writing transaction sends a NOTIFY, which the server delivers at
commit; an idle dispatcher LISTENs and starts its pass at once. SQLite has no such
channel: the dispatcher falls back to polling every interval.
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

CHANNEL = "tournee_outbox"
log = logging.getLogger(__name__)


def wake_dispatchers(session: Session) -> None:
    """Ask idle dispatchers to look now; takes effect when this transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class Listener:
    """Waits for a wake-up or the interval, whichever comes first."""

    # After a lost connection (a database restart), LISTEN again at most this often.
    RELISTEN_S = 5.0

    def __init__(self, engine: Engine) -> None:
        self.connection = None
        self.engine = engine
        self._tried_at = 0.0
        self._listen()

    def _listen(self) -> None:
        if self.engine.dialect.name != "postgresql":
            return
        self._tried_at = time.monotonic()
        try:
            raw = self.engine.raw_connection()
            self.connection = raw.driver_connection
            # Out of the pool for good: an autocommit, LISTENing connection given back to it would
            # make the next session's transaction autocommit (each statement committed alone).
            raw.detach()
            self.connection.autocommit = True
            self.connection.execute(f"LISTEN {CHANNEL}")
            self._raw = raw
        except Exception:  # noqa: BLE001 — without LISTEN we still poll
            log.warning("LISTEN unavailable; the dispatcher polls", exc_info=True)
            self.connection = None

    def wait(self, interval: float, stop: threading.Event) -> None:
        if self.connection is None and self.engine.dialect.name == "postgresql" \
                and time.monotonic() - self._tried_at > self.RELISTEN_S:
            self._listen()
        if self.connection is None:
            stop.wait(interval)
            return
        deadline = time.monotonic() + interval
        try:
            # In slices of at most a second, so that a stop request is seen promptly.
            while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
                if any(True for _ in self.connection.notifies(timeout=min(left, 1.0), stop_after=1)):
                    return
        except Exception:  # noqa: BLE001 — a lost connection: fall back to polling
            log.warning("LISTEN connection lost; the dispatcher polls", exc_info=True)
            self.close()
            stop.wait(interval)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self._raw.close()
            except Exception:  # noqa: BLE001
                pass
            self.connection = None

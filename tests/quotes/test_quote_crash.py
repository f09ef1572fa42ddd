"""`tournee dispatch` killed with SIGKILL mid-run, then restarted: nothing lost, at most one duplicate.

The dispatcher runs as a real subprocess on the test database, against a receiver
that takes 0.3 s per request. Its lease is 4 s (DISPATCH_LEASE_S) so the restarted
dispatcher takes the dead one's claims up within the test's time.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from server.extensions import db
from sync.models import OutboxEvent
from tests.channels.receivers import Reply
from tests.quotes.helpers import webhook_team
from tests.quotes.test_quote_races import pending_quotes

ROOT = Path(__file__).resolve().parents[2]
QUOTES = 8


def start(database_url: str, tmp_path: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-" + "k" * 40,
           "TOURNEE_INSTANCE": str(tmp_path), "DISPATCH_LEASE_S": "4", "DISPATCH_TIMEOUT_S": "2",
           "DISPATCH_INTERVAL_S": "0.2", "DISPATCH_BATCH": "16",
           "OUTBOUND_ALLOWED_HOSTS": "127.0.0.1"}  # the receiver listens on loopback
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
    return subprocess.Popen([sys.executable, "-m", "server.cli", "dispatch", "--id", name], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def delivered_count() -> int:
    db.session.rollback()
    count = db.session.scalar(select(func.count()).where(OutboxEvent.state == "delivered"))
    db.session.rollback()  # never sit on SQLite's write lock while the dispatcher works
    return count


def test_kill_9_in_the_middle_then_restart_loses_nothing(world, http_receiver, database_url, tmp_path):
    webhook_team(db.session, http_receiver.url)
    expected = pending_quotes(world, QUOTES)
    http_receiver.reply(*[Reply(200, hang_s=0.3)] * (QUOTES * 3))

    first = start(database_url, tmp_path, "first")
    try:
        wait_for(lambda: len(http_receiver.requests) >= 3, 20)  # the third is in flight
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert first.returncode == -signal.SIGKILL
    assert delivered_count() < QUOTES

    second = start(database_url, tmp_path, "second")
    try:
        wait_for(lambda: delivered_count() == QUOTES, 25)
    finally:
        second.send_signal(signal.SIGTERM)  # a clean stop: finishes what it holds, exits 0
        second.wait(15)
    assert second.returncode == 0, (tmp_path / "second.log").read_text()

    received = Counter(r.header("webhook-id") for r in http_receiver.requests)
    assert set(received) == set(expected)  # nothing lost
    assert sum(received.values()) - len(expected) <= 1  # at most the one in flight, with its own webhook-id
    db.session.rollback()
    assert set(db.session.scalars(select(OutboxEvent.claimed_by))) == {None}

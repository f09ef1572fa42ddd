"""A write the database undid for another's sake is answered 503 write_conflict, in the
caller's words: nothing of it was saved, and the same request can be sent again as it is
(server/errors.py). A push runs again first, PUSH_ATTEMPTS in all (server/syncapi/routes.py).

Real deadlocks on PostgreSQL (40P01): another writer, on a connection of its own, takes two
rows in the opposite order to the request's. It waits on a long `deadlock_timeout`, so the
request's transaction is the one PostgreSQL finds in the cycle and aborts.
"""
from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import select, text

from server.accounts.models import Account
from server.errors import PROBLEM_BASE
from server.extensions import db
from server.syncapi.routes import PUSH_ATTEMPTS
from sync.changes import COUNTER
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import mutation

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not (os.environ.get("TOURNEE_TEST_DATABASE_URL") or "").startswith("postgresql"),
                       reason="needs TOURNEE_TEST_DATABASE_URL (PostgreSQL)"),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

WORDS = {
    "fr": ("Écritures simultanées", "Une autre écriture a croisé celle-ci au même moment et rien n'en a été "
                                    "enregistré ; renvoyez la requête telle quelle."),
    "en": ("Simultaneous writes", "Another write met this one at the same time and nothing of it was saved; "
                                  "send the request again as it is."),
}


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    first, second = make_account(session, rep, notes="as it was"), make_account(session, rep)
    return {"headers": token_headers(app, rep), "first": first.id, "first_version": first.version,
            "second": second.id}


def assert_write_conflict(response, language: str) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    # 1 s on every route, the rate-limited push included (errors.keep_retry_after: Flask-Limiter
    # would have set the later of it and its window's reset, about a minute).
    assert response.headers["Retry-After"] == "1"
    assert response.mimetype == "application/problem+json"
    doc = response.get_json()
    assert doc["type"] == PROBLEM_BASE + "write_conflict"
    assert (doc["title"], doc["detail"]) == WORDS[language]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_rest_edit_that_deadlocks_is_answered_write_conflict_and_its_retry_applies(app, world, language):
    """The edit takes the counter (C1) and then wants the account, which another writer holds
    while it waits for the counter: a deadlock. The edit is undone and answered 503
    write_conflict in the caller's language; sent again as it is, it applies."""
    headers = {**world["headers"], "Accept-Language": language}
    path, body = f"/api/accounts/{world['first']}", {"changes": {"notes": "edited"}, "base_version": world["first_version"]}
    answer: dict = {}
    edit = threading.Thread(target=lambda: answer.setdefault("response", app.test_client().patch(
        path, json=body, headers=headers)))
    lock_counter = select(COUNTER.c.value).where(COUNTER.c.id == 1).with_for_update()
    # The edit first queues for the counter behind `holder`, so that it is the last to wait
    # (for the account) once the cycle is there: PostgreSQL's check finds it in the edit.
    with db.engine.connect() as holder, db.engine.connect() as other:
        holder.execute(lock_counter)
        other.execute(text("SET LOCAL deadlock_timeout = '60s'"))
        other.execute(select(Account.id).where(Account.id == world["first"]).with_for_update())
        edit.start()
        _until_transactions_wait_on_a_lock(edit, 1)  # the edit, for the counter
        other_waits = threading.Thread(target=lambda: other.execute(lock_counter))
        other_waits.start()
        _until_transactions_wait_on_a_lock(other_waits, 2)  # the other writer, behind it
        holder.rollback()  # the edit takes the counter, wants the account: the cycle
        edit.join(20)
        other_waits.join(20)
        assert not (edit.is_alive() or other_waits.is_alive())
        other.rollback()
    assert_write_conflict(answer["response"], language)
    db.session.rollback()
    assert db.session.get(Account, world["first"]).notes == "as it was"
    again = app.test_client().patch(path, json=body, headers=headers)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["notes"] == "edited"


@pytest.mark.parametrize("deadlocks", [PUSH_ATTEMPTS - 1, PUSH_ATTEMPTS])
def test_a_push_that_deadlocks_runs_again_and_its_last_attempt_answers_write_conflict(
        app, world, fault_injection, deadlocks):
    """Each attempt, written and not committed, holds the account it edits and asks for a second
    one that another writer holds while waiting for the first: a deadlock. The push runs again
    (nothing of the attempt stayed); the last attempt's deadlock is answered 503 write_conflict
    and nothing of the push was saved."""
    engine = db.engine
    attempts, writers = [], []

    def other_writer() -> None:  # the second account, then the first
        with engine.connect() as other:
            other.execute(text("SET LOCAL deadlock_timeout = '60s'"))  # the push is the one to find the cycle
            other.execute(select(Account.id).where(Account.id == world["second"]).with_for_update())
            other.execute(select(Account.id).where(Account.id == world["first"]).with_for_update())
            other.rollback()

    def deadlock() -> None:  # at push.before_commit, in the push's transaction
        attempts.append(len(attempts) + 1)
        if len(attempts) < deadlocks:
            fault_injection.arm("push.before_commit", deadlock)  # the next attempt meets one too
        writers.append(threading.Thread(target=other_writer))
        writers[-1].start()
        _until_transactions_wait_on_a_lock(writers[-1], 1)
        db.session.execute(select(Account.id).where(Account.id == world["second"]).with_for_update())

    fault_injection.arm("push.before_commit", deadlock)
    response = app.test_client().post("/api/sync/push", headers=world["headers"], json={
        "client_id": "tablet", "mutations": [mutation("account", "update", world["first"], {"notes": "pushed"})]})
    for writer in writers:
        writer.join(20)
        assert not writer.is_alive()
    assert attempts == list(range(1, deadlocks + 1))
    db.session.rollback()
    notes = db.session.get(Account, world["first"]).notes
    if deadlocks < PUSH_ATTEMPTS:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["results"][0]["status"] == "applied" and notes == "pushed"
    else:
        assert_write_conflict(response, "fr")
        assert notes == "as it was"


def _until_transactions_wait_on_a_lock(thread: threading.Thread, count: int, timeout_s: float = 10.0) -> None:
    """Until `count` connections to this database wait on a lock (pg_stat_activity), or `thread` ended."""
    deadline = time.monotonic() + timeout_s
    with db.engine.connect() as conn:
        while thread.is_alive() and time.monotonic() < deadline:
            if conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'")) >= count:
                return
            conn.rollback()  # a transaction reads pg_stat_activity once: the next look, a new one
            time.sleep(0.02)
    raise AssertionError(f"fewer than {count} waited on a lock")

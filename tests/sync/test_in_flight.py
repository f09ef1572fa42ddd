"""PROTOCOL C5 on PostgreSQL: a push takes its numbers in a transaction of its own, so
pushes no longer wait on each other for the counter, and a pull stops below the numbers
of every push its snapshot cannot see committed yet.

Each test holds a push between its writes and its commit (`push.before_commit`) and
does the rest meanwhile, from other threads (their own connections).
"""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from server.extensions import db
from sync.models import InFlight
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import mutation

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not (os.environ.get("TOURNEE_TEST_DATABASE_URL") or "").startswith("postgresql"),
                       reason="needs TOURNEE_TEST_DATABASE_URL (PostgreSQL)"),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),  # SQLite has one writer (C1)
]


def _edit(app, headers, account_id: str, notes: str) -> dict:
    response = _in_thread(lambda: app.test_client().post("/api/sync/push", headers=headers, json={
        "client_id": f"tablet-{notes}", "mutations": [mutation("account", "update", account_id, {"notes": notes})]}))
    assert response.status_code == 200, response.get_data()
    return response.get_json()["results"][0]


def _pull(app, headers, since: str) -> dict:
    response = _in_thread(lambda: app.test_client().get(f"/api/sync/pull?since={since}", headers=headers))
    assert response.status_code == 200, response.get_data()
    return response.get_json()


def _in_thread(work):
    """Run `work` in a thread of its own (its own app context, session and connection: a
    request in the test's thread would share the test's session and its old snapshot) and
    return what it returned; fails if it does not finish in 20 s."""
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("value", work()))
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "blocked: still waiting after 20 s"
    return out.get("value")


def test_a_pull_stops_below_a_push_in_flight(app, session, database_url, fault_injection):
    """Push A takes its number, then is held before its commit. Push B, on another
    account, takes a later number and commits meanwhile (it does not wait for A). A pull
    then sees B's change committed, yet must not pass A's number: its cursor stays below
    it, and B's change comes with A's once A commits, in number order."""
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    first, second = make_account(session, rep).id, make_account(session, rep).id
    headers = token_headers(app, rep)
    start = _pull(app, headers, "0")["cursor"]
    during: dict = {}

    def meanwhile() -> None:  # push A has its number and its rows, not yet committed
        during["b"] = _edit(app, headers, second, "b")
        during["pull"] = _pull(app, headers, start)

    fault_injection.arm("push.before_commit", meanwhile)
    a = _edit(app, headers, first, "a")
    b, page = during["b"], during["pull"]
    assert a["status"] == b["status"] == "applied"
    assert int(start) < a["version"] < b["version"]  # A numbered first, B committed first
    assert page["changes"] == [] and int(page["cursor"]) < a["version"]
    after = _pull(app, headers, page["cursor"])
    assert [(c["id"], c["version"]) for c in after["changes"]] == [(first, a["version"]), (second, b["version"])]
    assert int(after["cursor"]) == b["version"]


def test_a_push_rolled_back_after_its_numbers_holds_no_pull_back(app, session, database_url, fault_injection):
    """Push A takes its number and fails before its commit (its transaction rolls back):
    its numbers are a gap, and its row in `sync_in_flight` neither holds pulls below it
    nor stays once another push takes numbers."""
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    first, second = make_account(session, rep).id, make_account(session, rep).id
    headers = token_headers(app, rep)
    start = _pull(app, headers, "0")["cursor"]

    def crash() -> None:
        raise ConnectionResetError("the worker died between its writes and its commit")

    fault_injection.arm("push.before_commit", crash)
    failed = _in_thread(lambda: app.test_client().post("/api/sync/push", headers=headers, json={
        "client_id": "tablet-a", "mutations": [mutation("account", "update", first, {"notes": "lost"})]}))
    assert failed.status_code == 500
    b = _edit(app, headers, second, "b")
    page = _pull(app, headers, start)
    assert [(c["id"], c["data"]["notes"]) for c in page["changes"]] == [(second, "b")]
    assert int(page["cursor"]) == b["version"]
    db.session.rollback()
    # A's row went with the next allocation; B's own stays until the one after.
    assert db.session.scalar(select(func.count()).select_from(InFlight)) == 1
    _edit(app, headers, first, "c")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(InFlight)) == 1


def test_numbers_wanted_after_the_allocation_come_from_another(app, session, database_url):
    """A transaction that took its numbers (C5) and then wants more (a record the safety
    net stamps, a tombstone) gets them from a second allocation: never a number another
    transaction took meanwhile, and the counter is never written back below it."""
    from sync.changes import ChangeNumbers, current_cursor

    numbers = ChangeNumbers(session, last=True)
    numbers.next(), numbers.next()
    numbers.settle()
    assert numbers.mode == "allocated" and (numbers.start, numbers.value) == (0, 2)

    def another_push() -> int:
        with app.app_context():
            other = ChangeNumbers(db.session, last=True)
            other.next()
            other.settle()
            db.session.commit()
            return other.value

    assert _in_thread(another_push) == 3
    assert numbers.next() == 4 and numbers.reserve(3) == 5 and numbers.value == 7
    numbers.flush()
    session.commit()
    assert current_cursor(session) == 7


def test_a_push_gives_way_to_a_writer_that_holds_the_counter_and_waits_for_its_record(
        app, session, database_url, fault_injection):
    """The push has locked the account (P4) and is about to take its numbers (C5), while an
    edit of the same account through REST has taken the counter first (C1) and waits for
    the account. The allocation cannot have the counter, and PostgreSQL cannot see the push
    waiting on it (the push waits on another connection, from the application): without a
    way out both would wait for ever, and every push after them too. The allocation gives
    up after allocation.LOCK_TIMEOUT_MS; the push rolls back, the REST edit commits, the
    push runs again. Both edits are kept."""
    from server.accounts.models import Account

    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    account = make_account(session, rep)
    account_id, version = account.id, account.version
    headers = token_headers(app, rep)
    rest: dict = {}

    def rest_edit() -> None:
        rest["response"] = app.test_client().patch(f"/api/accounts/{account_id}", headers=headers, json={
            "changes": {"phone": "03 80 00 00 00"}, "base_version": version})

    def rest_edit_waits_for_the_account() -> None:  # the push holds the account, no numbers yet
        rest["thread"] = threading.Thread(target=rest_edit)
        rest["thread"].start()
        _until_a_transaction_waits_on_a_lock(rest["thread"])

    fault_injection.arm("push.before_numbers", rest_edit_waits_for_the_account)
    pushed = _edit(app, headers, account_id, "from the tablet")
    rest["thread"].join(20)
    assert not rest["thread"].is_alive()
    assert rest["response"].status_code == 200, rest["response"].get_data()
    assert pushed["status"] == "applied"
    db.session.rollback()
    stored = db.session.get(Account, account_id)
    assert (stored.notes, stored.phone) == ("from the tablet", "03 80 00 00 00")
    assert stored.version == pushed["version"]  # the push, run again after the REST edit, came last


def _until_a_transaction_waits_on_a_lock(thread: threading.Thread, timeout_s: float = 10.0) -> None:
    """Until a connection to this database waits on a lock (pg_stat_activity), or `thread` ended."""
    import time

    from sqlalchemy import text
    deadline = time.monotonic() + timeout_s
    with db.engine.connect() as conn:
        while thread.is_alive() and time.monotonic() < deadline:
            if conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'")):
                return
            conn.rollback()  # a transaction reads pg_stat_activity once: the next look, a new one
            time.sleep(0.02)
    raise AssertionError("nobody waited on a lock")

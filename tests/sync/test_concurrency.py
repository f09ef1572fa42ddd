"""A pull never skips a change, even while other transactions commit out of order.

Several threads push (each its own connection) while a reader pulls continuously;
every change that was committed must show up in some page, in ascending order.
Run on both databases; on PostgreSQL it is the classic sequence-commit-order trap.
"""
from __future__ import annotations

import threading
import time

import pytest

from server.db import new_id
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import mutation

WRITERS, EDITS = 4, 15


def test_concurrent_pushes_are_all_seen_by_a_continuous_puller(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    account_ids = [make_account(session, rep).id for _ in range(WRITERS)]
    headers = token_headers(app, rep)  # commits; nothing may hold SQLite's write lock after this
    seen_versions: dict[str, set[int]] = {}
    committed: dict[str, set[int]] = {}
    errors: list[str] = []
    stop = threading.Event()

    def writer(index: int) -> None:
        client = app.test_client()
        account_id = account_ids[index]
        for n in range(EDITS):
            body = {"client_id": f"w{index}", "mutations": [mutation("account", "update", account_id, {"notes": f"{index}-{n}"})]}
            response = client.post("/api/sync/push", json=body, headers=headers)
            if response.status_code != 200:
                errors.append(f"push {response.status_code}")
                continue
            result = response.get_json()["results"][0]
            committed.setdefault(account_id, set()).add(result["version"])

    def reader() -> None:
        client = app.test_client()
        cursor, last = "0", 0
        while True:
            finished = stop.is_set()
            response = client.get(f"/api/sync/pull?since={cursor}&limit=7", headers=headers)
            if response.status_code != 200:
                errors.append(f"pull {response.status_code}")
                return
            page = response.get_json()
            for change in page["changes"]:
                if change["version"] < last:
                    errors.append("pull went backwards")
                last = change["version"]
                seen_versions.setdefault(change["id"], set()).add(change["version"])
            cursor = page["cursor"]
            if finished and not page["has_more"]:
                return

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    pull_thread = threading.Thread(target=reader)
    pull_thread.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    pull_thread.join()
    assert errors == []
    # Every account's final version was pulled: nothing committed was skipped.
    for account_id, versions in committed.items():
        assert max(versions) in seen_versions[account_id]
    all_versions = sorted(v for vs in committed.values() for v in vs)
    assert len(all_versions) == len(set(all_versions)) == WRITERS * EDITS
    assert new_id()  # ids stay UUIDv7 strings under load


def test_concurrent_pushes_to_one_account_lose_nothing(app, session):
    """C4 on PostgreSQL: pushes lock their records before they take the counter. Writers
    adding tags to the same account and logging visits on it, all at once: every tag is
    kept (no update lost between a load and a write), every change has its own number,
    and the account's visit date is the latest visit's."""
    from sqlalchemy import select

    from server.accounts.models import Account
    from server.extensions import db
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    account_id = make_account(session, rep).id
    headers = token_headers(app, rep)
    versions: list[tuple[str, int]] = []  # (entity, version) of every result
    errors: list[str] = []

    def writer(index: int) -> None:
        client = app.test_client()
        for n in range(EDITS):
            visit = mutation("visit", "create", new_id(), {"account_id": account_id, "kind": "onsite",
                                                           "started_at": f"2026-11-{10 + n:02d}T0{index}:00:00Z"})
            tag = mutation("account", "update", account_id, {"tags": {"add": [f"t{index}-{n}"], "remove": []}},
                           base_version=1)
            response = client.post("/api/sync/push", json={"client_id": f"w{index}", "mutations": [visit, tag]},
                                   headers=headers)
            if response.status_code != 200:
                errors.append(f"push {response.status_code}")
                continue
            for sent, result in zip((visit, tag), response.get_json()["results"], strict=True):
                if result["status"] not in ("applied", "merged"):
                    errors.append(result["status"])
                versions.append((sent["entity"], result["version"]))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.rollback()
    account = db.session.scalar(select(Account).where(Account.id == account_id))
    assert set(account.tags) == {f"t{i}-{n}" for i in range(WRITERS) for n in range(EDITS)}
    assert account.last_visit_at.isoformat().startswith(f"2026-11-{10 + EDITS - 1:02d}T0{WRITERS - 1}")
    # Every change has a number of its own, and the account's version is its last edit's.
    numbers = [version for _, version in versions]
    assert len(set(numbers)) == len(numbers) == 2 * WRITERS * EDITS
    assert account.version == max(version for entity, version in versions if entity == "account")


@pytest.mark.parametrize("second_install", [False, True], ids=["retry", "second-install"])
def test_the_same_batch_pushed_twice_at_once_is_applied_once(app, session, second_install):
    """The same mutations pushed twice at once, the second copy sent while the first has
    written and not committed: a tablet retrying (the same client_id: its binding's row
    makes the copy wait for the first, then the ledger answers), or the same outbox sent
    by a second install of the user's (on PostgreSQL the copy meets the first's rows as a
    unique violation the checks could not foresee, and the push starts over one mutation
    at a time, where the ledger answers). Nothing doubled (P3): both get the same results;
    one visit, one account edit, one ledger entry per mutation."""
    from sqlalchemy import func, select

    from server import faults
    from server.accounts.models import Account
    from server.extensions import db
    from server.visits.models import Visit
    from sync.models import MutationRecord

    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    account_id = make_account(session, rep).id
    headers = token_headers(app, rep)
    visit_id = new_id()
    batch = {"client_id": "retrying-tablet", "mutations": [
        mutation("visit", "create", visit_id, {"account_id": account_id, "kind": "onsite",
                                               "started_at": "2026-11-10T09:00:00Z"}),
        mutation("account", "update", account_id, {"notes": "said once"})]}
    answers = {}

    def send(name: str) -> None:
        client_id = "second-install" if name == "second" and second_install else "retrying-tablet"
        answers[name] = app.test_client().post("/api/sync/push", json={**batch, "client_id": client_id},
                                               headers=headers)

    second = threading.Thread(target=send, args=("second",))

    def second_copy_meanwhile() -> None:  # the first push, written and not committed
        second.start()
        _until_a_push_waits(second)  # the second copy reaches the first's rows, and waits on them

    app.config["FAULT_INJECTION"] = True
    faults.arm("push.before_commit", second_copy_meanwhile)
    try:
        send("first")
        second.join()
    finally:
        faults.disarm_all()
        app.config["FAULT_INJECTION"] = False
    assert answers["first"].status_code == answers["second"].status_code == 200, answers["second"].get_data()
    first = answers["first"].get_json()["results"]
    assert [result["status"] for result in first] == ["applied", "applied"]
    assert answers["second"].get_json()["results"] == first
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.id == visit_id)) == 1
    mutation_ids = [m["mutation_id"] for m in batch["mutations"]]
    assert db.session.scalar(select(func.count()).select_from(MutationRecord)
                             .where(MutationRecord.mutation_id.in_(mutation_ids))) == 2
    assert db.session.get(Account, account_id).version == first[1]["version"]


def _until_a_push_waits(thread: threading.Thread, timeout_s: float = 10.0) -> None:
    """Until another connection waits on a lock (PostgreSQL: pg_stat_activity says so), or
    `thread` ended. SQLite cannot tell who waits on its write lock: half a second there."""
    from sqlalchemy import text

    from server.extensions import db
    if db.engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + timeout_s
    with db.engine.connect() as conn:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND wait_event_type = 'Lock'"))
            if waiting:
                return
            conn.rollback()  # a transaction reads pg_stat_activity once: the next look, a new one
            time.sleep(0.02)

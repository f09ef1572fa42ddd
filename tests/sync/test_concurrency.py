"""A pull never skips a change, even while other transactions commit out of order.

Several threads push (each its own connection) while a reader pulls continuously;
every change that was committed must show up in some page, in ascending order.
Run on both databases; on PostgreSQL it is the classic sequence-commit-order trap.
"""
from __future__ import annotations

import threading

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

"""A gunicorn worker killed in the middle of a push, and a response lost after the commit.

One real server per backend (tests/live.py): gunicorn, 2 workers × 4 threads, the
demo data, the fault points on, served through tests/faults/dropping_wsgi.py (which only
acts on requests that ask it to). Tablets are demo reps pushing over real sockets; a
dispatcher (`tournee dispatch --once`) delivers their quote requests by webhook to a
receiver on loopback. After each fault the shared check (tests/faults/check.py) reads the
mutation ledger, the records, the outbox and the receiver's log: every acknowledged
mutation is stored once, every unacknowledged one went through on retry, every quote
arrived exactly once under its webhook-id.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, text

from server.db import new_id
from server.faults import HEADER as FAULT_HEADER
from sync.channels.webhook import verify
from tests.channels.receivers import HttpReceiver
from tests.faults.check import (
    Sent, assert_nothing_lost_nothing_doubled, assert_quotes_delivered_once, ledger, receiver_log,
)
from tests.live import Live, NoResponse, live_fixture, wait_until

KILL = {FAULT_HEADER: "push.before_commit=kill"}
DROP = {"X-Test-Drop-Response": "1"}
PRODUCT_LINE = "essais-pannes"  # routed to the test's webhook team by a rule of its own
live = live_fixture(target="tests.faults.dropping_wsgi:app")


# ---------------------------------------------------------------- the world around the server


@pytest.fixture(scope="module")
def receiver(live: Live):
    """A webhook receiver on loopback, and a technical team (made through the admin API) that
    receives every quote of PRODUCT_LINE there."""
    receiver = HttpReceiver()
    try:
        admin = live.login("admin@example.com")
        team = live.request("POST", "/api/admin/technical-teams", {
            "name": "Banc d'essai pannes", "channel": "webhook", "webhook_url": receiver.url}, token=admin)
        assert team.status == 201, team.body[:300]
        rule = live.request("POST", "/api/admin/routing-rules", {
            "team_id": team.json()["id"], "product_line": PRODUCT_LINE, "priority": 1}, token=admin)
        assert rule.status == 201, rule.body[:300]
        receiver.secret = team.json()["webhook_secret"]
        yield receiver
    finally:
        receiver.close()


class Tablet:
    """A rep's tablet: its token, its client id, and pushes that may get no answer."""

    def __init__(self, live: Live, email: str) -> None:
        self.live, self.email = live, email
        self.token = live.login(email)
        self.client_id = new_id()

    def push(self, batch: list[dict[str, Any]], headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
        response = self.live.request("POST", "/api/sync/push", {"client_id": self.client_id, "mutations": batch},
                                     token=self.token, headers=headers)
        assert response.status == 200, (response.status, response.body[:300])
        return response.json()["results"]

    def push_until_answered(self, batch: list[dict[str, Any]], deadline: float) -> tuple[list[dict], int]:
        """What the PWA does with its outbox: the same batch again until it gets an answer."""
        failures = 0
        while True:
            try:
                return self.push(batch), failures
            except NoResponse:
                failures += 1
                assert time.monotonic() < deadline, f"{self.email}: no answer to a push before the deadline"
                time.sleep(0.1)

    def accounts(self, count: int, skip: int) -> list[tuple[str, int]]:
        """(id, version) of some of the rep's accounts, as its last pull gave them."""
        with self.live.connect() as conn:
            rows = conn.execute(text(
                'SELECT a.id, a.version FROM account a JOIN "user" u ON u.id = a.owner_id '
                "WHERE u.email = :email ORDER BY a.id LIMIT :count OFFSET :skip"),
                {"email": self.email, "count": count, "skip": skip}).all()
        assert len(rows) == count
        return [(row.id, row.version) for row in rows]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def visit(account_id: str) -> dict[str, Any]:
    started = datetime.now(UTC) - timedelta(hours=2)
    return {"mutation_id": new_id(), "entity": "visit", "op": "create", "id": new_id(), "client_time": _now(),
            "changes": {"account_id": account_id, "started_at": started.isoformat(),
                        "ended_at": (started + timedelta(minutes=40)).isoformat(), "kind": "onsite",
                        "outcome": "interested", "notes": "Révision moteur à prévoir"}}


def account_edit(account: tuple[str, int], notes: str) -> dict[str, Any]:
    account_id, version = account
    return {"mutation_id": new_id(), "entity": "account", "op": "update", "id": account_id,
            "base_version": version, "client_time": _now(), "changes": {"notes": notes}}


def quote(account_id: str) -> dict[str, Any]:
    return {"mutation_id": new_id(), "entity": "quote_request", "op": "create", "id": new_id(),
            "client_time": _now(), "changes": {
                "account_id": account_id, "product_line": PRODUCT_LINE, "urgency": "normal",
                "items": [{"label": "Révision moteur", "quantity": 2, "unit": "u"}]}}


def quote_ids(batch: Iterable[dict[str, Any]]) -> list[str]:
    return [m["id"] for m in batch if m["entity"] == "quote_request"]


def footprint(conn, batch: list[dict[str, Any]]) -> dict[str, Any]:
    """All a batch can leave in the database: its ledger entries, the versions of the records
    it names, the outbox events of its quotes, the follow-up tasks of its visits, and the
    change counter (every write takes a number)."""
    records = {}
    for mutation in batch:
        row = conn.execute(text(f'SELECT version FROM "{mutation["entity"]}" WHERE id = :id'),
                           {"id": mutation["id"]}).first()
        records[(mutation["entity"], mutation["id"])] = None if row is None else row.version
    quotes = quote_ids(batch)
    visits = [m["id"] for m in batch if m["entity"] == "visit"]
    outbox = conn.execute(text("SELECT quote_id, webhook_id FROM outbox_event WHERE quote_id IN :ids")
                          .bindparams(bindparam("ids", expanding=True)), {"ids": quotes or [""]}).all()
    tasks = conn.execute(text("SELECT count(*) FROM task WHERE visit_id IN :ids")
                         .bindparams(bindparam("ids", expanding=True)), {"ids": visits or [""]}).scalar_one()
    return {"ledger": ledger(conn, [m["mutation_id"] for m in batch]), "records": records,
            "outbox": sorted(map(tuple, outbox)), "tasks": tasks,
            "counter": conn.execute(text("SELECT value FROM sync_counter")).scalar_one()}


def assert_delivered_once(live: Live, receiver: HttpReceiver, quotes: list[str]) -> None:
    live.dispatch_once()
    for request in receiver.requests:
        verify(receiver.secret, dict(request.headers), request.body)  # signed with the team's secret
    with live.connect() as conn:
        assert_quotes_delivered_once(conn, receiver_log(receiver.requests), quotes)


def wait_for_respawn(live: Live, workers_before: set[int]) -> int:
    """The master saw one of its workers die of SIGKILL and started another: the killed pid."""
    killed = wait_until(lambda: set(live.killed()) & workers_before, 20, "the master to reap a killed worker")
    assert len(killed) == 1, f"more than one worker killed: {killed}"
    wait_until(lambda: len(live.alive_workers()) == len(workers_before)
               and not killed & live.alive_workers(), 20, "a new worker")
    live.wait_healthy(20)
    return killed.pop()


# ---------------------------------------------------------------- a: kill -9 between flush and commit


def test_worker_killed_before_commit_leaves_nothing_and_the_retry_applies_once(live, receiver):
    tablet = Tablet(live, "rep1@example.com")
    accounts = tablet.accounts(3, skip=0)
    batch = [visit(accounts[0][0]), visit(accounts[1][0]), visit(accounts[2][0]),
             account_edit(accounts[0], "Accès par le portail nord"), quote(accounts[1][0])]
    sent = Sent()
    sent.add(batch)
    with live.connect() as conn:
        before = footprint(conn, batch)
    assert before["ledger"] == {} and before["outbox"] == []
    workers, booted = live.alive_workers(), len(live.booted())

    with pytest.raises(NoResponse):
        tablet.push(batch, headers=KILL)
    killed = wait_for_respawn(live, workers)

    with live.connect() as conn:
        after_kill = footprint(conn, batch)
    assert after_kill == before, "the killed push left something behind (a partial commit)"
    assert killed not in live.alive_workers() and len(live.booted()) == booted + 1

    results = tablet.push(batch)  # the tablet's retry: same batch, same mutation ids
    # the edit is merged: the visit before it in the batch moved its account's visit dates (P7)
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "merged", "applied"]
    sent.acknowledge(batch, results)
    with live.connect() as conn:
        applied = footprint(conn, batch)
    assert applied["ledger"] == {r["mutation_id"]: r for r in results}
    assert all(version is not None for version in applied["records"].values())
    assert len(applied["outbox"]) == 1 and applied["tasks"] == 3  # one outbox event, a follow-up per visit

    replay = tablet.push(batch)  # and once more: answered from the ledger, nothing applied again
    sent.acknowledge(batch, replay)  # asserts each result is the one first given
    with live.connect() as conn:
        assert footprint(conn, batch) == applied
        assert_nothing_lost_nothing_doubled(conn, sent)
    assert_delivered_once(live, receiver, quote_ids(batch))


# ---------------------------------------------------------------- b: kill -9 among concurrent pushes


def test_worker_killed_among_concurrent_pushes_every_batch_goes_through_once(live, receiver):
    tablets = [Tablet(live, f"rep{i}@example.com") for i in range(1, 5)]
    rounds = 6
    batches = []  # batches[t][n]: tablet t's n-th batch, each on accounts of its own
    for tablet in tablets:
        accounts = tablet.accounts(rounds * 2, skip=10)
        batches.append([[visit(accounts[2 * n][0]), account_edit(accounts[2 * n + 1], f"Tournée {n}"),
                         *([quote(accounts[2 * n][0])] if n % 2 == 0 else [])] for n in range(rounds)])
    sent = Sent()
    for per_tablet in batches:
        for batch in per_tablet:
            sent.add(batch)
    workers = live.alive_workers()
    answered = [0] * len(tablets)  # batches each tablet got an answer for
    failures = [0] * len(tablets)
    lock, killing = threading.Lock(), threading.Event()
    deadline = time.monotonic() + 90
    barrier, errors = threading.Barrier(len(tablets)), []

    def run(t: int) -> None:
        try:
            barrier.wait()
            for n, batch in enumerate(batches[t]):
                if t == 0 and n == 2:
                    # mid-stream: every other tablet has had answers, and holds its next batches
                    # until now, so they go out while the worker dies and after
                    wait_until(lambda: min(answered[1:]) >= 2, 30, "two answers to every other tablet", 0.01)
                    killing.set()
                    with pytest.raises(NoResponse):
                        tablets[t].push(batch, headers=KILL)
                if t > 0 and n == 2:
                    assert killing.wait(30), "the kill was never sent"
                results, failed = tablets[t].push_until_answered(batch, deadline)
                with lock:
                    sent.acknowledge(batch, results)
                    answered[t] += 1
                    failures[t] += failed
            # A tablet that lost its answers (a reload, a crash) sends its first batch again:
            # the ledger answers it, the same results (Sent.acknowledge compares them).
            results, _ = tablets[t].push_until_answered(batches[t][0], deadline)
            with lock:
                sent.acknowledge(batches[t][0], results)
        except BaseException as exc:  # noqa: BLE001 — re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(len(tablets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]
    assert answered == [rounds] * len(tablets)
    wait_for_respawn(live, workers)
    print(f"pushes that died with the worker besides the kill, then retried: {sum(failures)}")

    assert {r["status"] for r in sent.acknowledged.values()} == {"applied"}
    with live.connect() as conn:
        assert_nothing_lost_nothing_doubled(conn, sent)
    all_quotes = [m["id"] for m in sent.mutations.values() if m["entity"] == "quote_request"]
    assert len(all_quotes) == len(tablets) * rounds // 2
    assert_delivered_once(live, receiver, all_quotes)


# ---------------------------------------------------------------- c: the response lost after the commit


def test_response_dropped_after_commit_the_retry_answers_from_the_ledger(live, receiver):
    tablet = Tablet(live, "rep5@example.com")
    accounts = tablet.accounts(2, skip=0)
    batch = [visit(accounts[0][0]), visit(accounts[1][0]), account_edit(accounts[1], "Nouveau standard"),
             quote(accounts[0][0])]
    sent = Sent()
    sent.add(batch)

    with pytest.raises(NoResponse):
        tablet.push(batch, headers=DROP)

    with live.connect() as conn:
        committed = footprint(conn, batch)
    assert set(committed["ledger"]) == {m["mutation_id"] for m in batch}, "the push did not commit"
    assert all(version is not None for version in committed["records"].values())
    assert len(committed["outbox"]) == 1

    results = tablet.push(batch)  # the tablet never saw an answer: it sends the batch again
    assert results == [committed["ledger"][m["mutation_id"]] for m in batch]  # the stored results, as stored
    assert [r["status"] for r in results] == ["applied", "applied", "merged", "applied"]
    sent.acknowledge(batch, results)
    with live.connect() as conn:
        assert footprint(conn, batch) == committed  # no new version, no second event, no new change number
        assert_nothing_lost_nothing_doubled(conn, sent)
    assert_delivered_once(live, receiver, quote_ids(batch))

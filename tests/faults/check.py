"""The one check every fault test ends with: nothing lost, nothing doubled.

It reads what the server kept (the mutation ledger, the records, the outbox) and what
the technical service received (the webhook receiver's log), and compares them with
what the tablets sent and what they were told. It works on any SQLAlchemy connection,
so in-process tests and tests against a live server (another process) share it.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from sync.ledger import known_results


@dataclass
class Sent:
    """What the tablets sent, and the results they were given (acknowledged)."""

    mutations: dict[str, dict[str, Any]] = field(default_factory=dict)  # mutation_id → mutation
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)  # mutation_id → result received

    def add(self, mutations: Iterable[dict[str, Any]]) -> None:
        for mutation in mutations:
            self.mutations[mutation["mutation_id"]] = mutation

    def acknowledge(self, mutations: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        assert len(mutations) == len(results), "one result per mutation"
        for mutation, result in zip(mutations, results, strict=True):
            earlier = self.acknowledged.get(mutation["mutation_id"])
            # a replay answers what the first application answered (PROTOCOL P3)
            assert earlier is None or earlier == result, (mutation["mutation_id"], earlier, result)
            self.acknowledged[mutation["mutation_id"]] = result

    @property
    def unacknowledged(self) -> list[dict[str, Any]]:
        return [m for mid, m in self.mutations.items() if mid not in self.acknowledged]


def ledger(conn: Connection, mutation_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """mutation_id → the result the ledger keeps, for those of `mutation_ids` it holds."""
    return known_results(Session(bind=conn), mutation_ids)


def assert_nothing_lost_nothing_doubled(conn: Connection, sent: Sent, *, all_retried: bool = True) -> None:
    """Every acknowledged mutation is in the ledger with the result the tablet got, and
    its record is stored once; with `all_retried`, no mutation is left unacknowledged."""
    kept = ledger(conn, sent.mutations)
    for mutation_id, result in sent.acknowledged.items():
        assert mutation_id in kept, f"acknowledged mutation {mutation_id} is not in the ledger (lost)"
        assert kept[mutation_id] == result, f"ledger result of {mutation_id} differs from the one acknowledged"
    if all_retried:
        assert not sent.unacknowledged, f"{len(sent.unacknowledged)} mutations never acknowledged"
    # An applied creation is stored (its id is the primary key: never twice).
    created = defaultdict(list)
    for mutation_id, mutation in sent.mutations.items():
        if mutation["op"] == "create" and kept.get(mutation_id, {}).get("status") == "applied":
            created[mutation["entity"]].append(mutation["id"])
    for entity, ids in created.items():
        records = table(entity, column("id"))  # each entity is stored in the table of its name
        stored = set()
        for start in range(0, len(ids), 500):
            stored.update(conn.scalars(select(records.c.id).where(records.c.id.in_(ids[start:start + 500]))))
        missing = [record_id for record_id in ids if record_id not in stored]
        assert not missing, f"{len(missing)} applied {entity} creations are not stored (lost): {missing[:3]}"


def assert_quotes_delivered_once(conn: Connection, received: Iterable[Mapping[str, Any]],
                                 quote_ids: Iterable[str], *, redelivery_allowed: bool = False) -> int:
    """Every quote has one outbox event, and the receiver accepted it exactly once, always
    under that event's webhook-id. `received` holds the receiver's log: dicts with
    `webhook_id`, `quote_id` and `status` (the status the receiver answered).

    With `redelivery_allowed` (a dispatcher killed between the receiver's 2xx and its
    own record of it sends that quote again), a quote may be accepted more than once,
    but only ever under its one webhook-id, so a receiver de-duplicating on it
    processes it once. Returns the number of such redeliveries."""
    quote_ids = set(quote_ids)
    events = defaultdict(list)
    for quote_id, webhook_id in conn.execute(text("SELECT quote_id, webhook_id FROM outbox_event")):
        if quote_id in quote_ids:
            events[quote_id].append(webhook_id)
    doubled = {q: ids for q, ids in events.items() if len(ids) > 1}
    assert not doubled, f"quotes with more than one outbox event: {doubled}"
    missing = quote_ids - set(events)
    assert not missing, f"quotes without an outbox event: {sorted(missing)[:3]}"
    accepted = Counter()
    for entry in received:
        expected = events.get(entry["quote_id"])
        if expected is None:
            continue
        assert entry["webhook_id"] == expected[0], (
            f"quote {entry['quote_id']} arrived under webhook-id {entry['webhook_id']}, not {expected[0]}")
        if 200 <= entry["status"] < 300:
            accepted[entry["quote_id"]] += 1
    not_delivered = sorted(quote_ids - set(accepted))
    assert not not_delivered, f"{len(not_delivered)} quotes never accepted by the receiver: {not_delivered[:3]}"
    twice = {q: n for q, n in accepted.items() if n > 1}
    assert redelivery_allowed or not twice, f"quotes accepted more than once: {twice}"
    return sum(n - 1 for n in twice.values())


def receiver_log(requests: Iterable[Any], answers: Iterable[int] = ()) -> list[dict[str, Any]]:
    """The log `assert_quotes_delivered_once` reads, from what an HTTP receiver recorded
    (tests/channels/receivers.py `ReceivedRequest`s, in arrival order): each request's
    webhook-id, the quote id of its JSON body, and the status answered (`answers` in
    order, then 200, which is what that receiver says once its queued replies are used up)."""
    statuses = list(answers)
    log = []
    for index, request in enumerate(requests):
        log.append({"webhook_id": request.header("webhook-id"), "quote_id": json.loads(request.body)["data"]["id"],
                    "status": statuses[index] if index < len(statuses) else 200})
    return log

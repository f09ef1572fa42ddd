"""The batch path of push gives what the per-mutation reference path gives.

`push(..., batch=True)` (what the API runs: changes validated by the field objects alone,
visits inserted in bulk) and `push(..., batch=False)` (each change through its schema's
own `load`, each record through the ORM) apply the same generated histories from the
same database state: the results must be the same bytes, and the stored rows, ledger,
conflict log, tombstones and counter the same values. The batch path runs with the counter taken
first (C1) and taken last (C4), each push in its own transaction. Histories mix valid
and invalid changes, stale bases (conflicts), set and map fields, replays, reused ids, deletes and
creates that later mutations of the batch name; both databases.
"""
from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.accounts.models import Account, Contact
from server.db import new_id
from server.visits.models import Task, Visit
from sync.models import ChangeCounter, ConflictEntry, MutationRecord, Tombstone
from sync.push import push
from tests.factories import actor, make_account, make_contact, make_custom_field, make_team, make_user
from tests.sync.helpers import iso

# Columns set from the wall clock (utcnow) or random ids the server draws: they differ between
# two runs of anything. Every other column must match.
_CLOCK = {"updated_at", "at"}
_DRAWN = {Task: {"id"}, ConflictEntry: {"id"}, Tombstone: {"id"}}


def _snapshot(session) -> dict[str, list]:
    tables = {}
    for model in (Account, Contact, Visit, Task, ConflictEntry, MutationRecord, Tombstone):
        skip = _CLOCK | _DRAWN.get(model, set())
        rows = [{k: v for k, v in row._mapping.items() if k not in skip}
                for row in session.execute(select(model.__table__))]
        tables[model.__tablename__] = sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)
    tables["counter"] = [session.scalar(select(ChangeCounter.value))]
    return tables


class History:
    """Batches of mutations from two tablets of a rep and a manager, drawn from a seed."""

    def __init__(self, seed: int, world: dict) -> None:
        self.rng, self.world = random.Random(seed), world
        self.clock = datetime.now(UTC) - timedelta(days=2)
        self.sent: list[dict] = []
        self.created: list[tuple[str, str]] = []

    def _time(self) -> datetime:
        """The next client time (as the envelope's schema hands it to push: a datetime)."""
        self.clock += timedelta(seconds=self.rng.randint(1, 90))
        return self.clock

    def mutation(self) -> dict:
        rng, w = self.rng, self.world
        account = rng.choice(w["accounts"])
        kind = rng.choice(("visit", "visit", "account", "account", "tags", "custom", "contact", "contact_new",
                           "task", "bad_visit", "replay", "reused_id", "update_new", "delete_contact"))
        m = {"mutation_id": new_id(), "client_time": self._time(), "base_version": rng.choice((None, 0, 1, 3, 10**6))}
        if kind in ("visit", "bad_visit"):
            started = self.clock - timedelta(hours=rng.randint(0, 30))
            changes = {"account_id": account, "kind": rng.choice(("onsite", "phone")), "started_at": iso(started),
                       "outcome": rng.choice(("follow-up", "quote", None)), "notes": f"visite {rng.random():.6f}",
                       "maturity": rng.randint(1, 5)}
            if rng.random() < 0.3:
                changes["lat"], changes["lon"] = 47.32 + rng.random() / 100, 5.04
            if kind == "bad_visit":
                bad = rng.choice(("maturity", "ended", "missing", "account", "unknown"))
                if bad == "maturity":
                    changes["maturity"] = 9
                elif bad == "ended":
                    changes["ended_at"] = iso(started - timedelta(hours=1))
                elif bad == "missing":
                    changes.pop("started_at")
                elif bad == "account":
                    changes["account_id"] = new_id()
                else:
                    changes["colour"] = "bleu"
            visit_id = new_id()
            self.created.append(("visit", visit_id))
            m.update(entity="visit", op="create", id=visit_id, changes=changes)
        elif kind == "account":
            field = rng.choice(("phone", "notes", "city", "name"))
            m.update(entity="account", op="update", id=account, changes={field: rng.choice(("a", "b", "c", ""))})
        elif kind == "tags":
            m.update(entity="account", op="update", id=account,
                     changes={"tags": {"add": [rng.choice(("or", "salon"))], "remove": [rng.choice(("or", "x"))]}})
        elif kind == "custom":
            m.update(entity="account", op="update", id=account,
                     changes={"custom": {"parc_machines": rng.choice((None, 1, 2, "trois"))}})
        elif kind == "contact":
            m.update(entity="contact", op="update", id=rng.choice(w["contacts"]),
                     changes={"phone": rng.choice(("01", "02")), "roles": ["billing"]})
        elif kind == "contact_new":
            contact_id = new_id()
            self.created.append(("contact", contact_id))
            m.update(entity="contact", op="create", id=contact_id,
                     changes={"account_id": account, "name": f"Contact {rng.randint(1, 99)}"})
        elif kind == "task":
            m.update(entity="task", op="create", id=new_id(),
                     changes={"title": rng.choice(("Rappeler", "")), "account_id": account, "due_at": iso(self._time())})
        elif kind == "replay" and self.sent:
            return dict(rng.choice(self.sent))
        elif kind == "reused_id" and self.created:
            entity, record_id = rng.choice(self.created)
            m.update(entity=entity, op="create", id=record_id,
                     changes={"account_id": account, "name": "Encore"} if entity == "contact" else
                     {"account_id": account, "started_at": iso(self.clock)})
        elif kind == "update_new" and self.created:
            entity, record_id = rng.choice(self.created)
            m.update(entity=entity, op="update", id=record_id, changes={"notes": "après"} if entity == "visit"
                     else {"phone": "03"})
        elif kind == "delete_contact" and self.created:
            m.update(entity="contact", op="delete", id=rng.choice([c for e, c in self.created if e == "contact"]
                                                                  or w["contacts"]))
        else:
            m.update(entity="account", op="update", id=account, changes={"notes": "défaut"})
        if m.get("op") == "create" or m["base_version"] is None:
            m.pop("base_version")
        self.sent.append(m)
        return m

    def batches(self, count: int) -> list[tuple[str, list[dict]]]:
        who = ("rep", "rep", "manager")
        return [(self.rng.choice(who), [self.mutation() for _ in range(self.rng.randint(1, 40))]) for _ in range(count)]


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    make_custom_field(session, "parc_machines")
    accounts = [make_account(session, rep, custom={"keep": 1}) for _ in range(4)]
    contacts = [make_contact(session, account) for account in accounts]
    session.commit()
    return {"rep": actor(rep), "manager": actor(manager), "accounts": [a.id for a in accounts],
            "contacts": [c.id for c in contacts]}


def _run(session, world, batches, *, batch: bool, last: bool) -> tuple[str, dict]:
    results = []
    for index, (who, mutations) in enumerate(batches):
        client_id = f"{who}-{index % 2}"
        results.append(push(session=session, actor=world[who], client_id=client_id,
                            mutations=[dict(m) for m in mutations], batch=batch, numbers_last=last))
        session.commit()  # each push its own transaction, as over HTTP (C4 settles at commit)
    return json.dumps(results), _snapshot(session)


def _reset(session, world_state: dict) -> None:
    """Back to the world as the fixture made it (the pushes committed)."""
    from tests.conftest import _empty_tables
    _empty_tables()
    for table, rows in world_state.items():
        if rows:
            session.execute(table.insert(), rows)
    session.commit()


@pytest.mark.parametrize("last", [False, True], ids=["counter-first", "counter-last"])
@pytest.mark.parametrize("seed", range(5))
def test_batch_push_matches_the_per_mutation_path(session, world, seed, last):
    """`last`: the batch path also takes the counter after its loads and merges (C4)."""
    from server.extensions import db
    state = {table: [dict(row._mapping) for row in session.execute(select(table))]
             for table in db.metadata.sorted_tables if not table.info.get("written_by_triggers")}
    batches = History(seed, world).batches(8)
    batch_results, batch_rows = _run(session, world, batches, batch=True, last=last)
    _reset(session, state)
    reference_results, reference_rows = _run(session, world, batches, batch=False, last=False)
    assert batch_results == reference_results
    assert batch_rows == reference_rows
    statuses = {r["status"] for rs in json.loads(batch_results) for r in rs}
    assert {"applied", "rejected"} <= statuses  # the history exercised more than the happy path


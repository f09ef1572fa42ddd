"""Automatic follow-ups: a task after a visit pushed from the tablet; recurring A visits."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.db import new_id, utcnow
from server.visits.models import Task
from tests.factories import make_account
from tests.segmentation.conftest import HIGH_BOTH, LOW_BOTH
from tests.sync.helpers import Tablet, iso, mutation


def visit_changes(account_id, outcome, started):
    return {"account_id": account_id, "started_at": iso(started), "ended_at": iso(started + timedelta(minutes=40)),
            "kind": "onsite", "outcome": outcome, "notes": "Intéressé par la révision"}


def test_follow_up_rule_creates_a_task_after_a_synced_visit(client, headers, session, accounts):
    tablet = Tablet(client, headers("rep"))
    started = datetime(2025, 11, 21, 9, 0, tzinfo=UTC)  # a Friday, in the past at every pinned instant
    visit_id = new_id()
    push = mutation("visit", "create", visit_id, visit_changes(accounts.gold.id, "interested", started))
    assert tablet.push(push)["results"][0]["status"] == "applied"
    tablet.push(push)  # a retry replays the result and creates nothing more
    tasks = tablet.pull()
    created = [c["data"] for c in tasks if c["entity"] == "task"]
    assert len(created) == 1
    task = created[0]
    assert (task["title"], task["visit_id"], task["account_id"], task["status"]) == (
        "Envoyer la fiche produit", visit_id, accounts.gold.id, "open")
    assert task["due_at"].startswith("2025-11-24T09:00")  # Friday + 2 days is a Sunday: Monday


def test_no_task_when_no_rule_matches_the_outcome(client, headers, session, accounts):
    tablet = Tablet(client, headers("rep"))
    tablet.push(mutation("visit", "create", new_id(), visit_changes(accounts.gold.id, "absent", utcnow())))
    assert session.scalar(select(Task.id)) is None


def test_rules_come_from_the_model(client, headers, session, accounts):
    rules = [{"after_outcome": "quote-requested", "task": "Relancer le devis", "due_in_days": 7, "kind": "call"}]
    assert client.put("/api/commercial-model", json={"follow_ups": rules}, headers=headers("manager")).status_code == 200
    tablet = Tablet(client, headers("rep"))
    tablet.push(mutation("visit", "create", new_id(), visit_changes(accounts.gold.id, "quote-requested", utcnow())))
    task = session.scalars(select(Task)).one()
    assert (task.title, task.kind, task.rep_id) == ("Relancer le devis", "call", accounts.gold.owner_id)


def test_recurring_visits_are_created_once_for_a_accounts_due_soon(client, headers, session, world):
    now = utcnow()
    due_soon = make_account(session, world.rep, segment="A", custom=dict(HIGH_BOTH), next_due_at=now + timedelta(days=10))
    make_account(session, world.rep, segment="A", next_due_at=now + timedelta(days=90))  # too far
    make_account(session, world.rep, segment="C", custom=dict(LOW_BOTH), next_due_at=now + timedelta(days=3))  # not A
    session.commit()
    assert client.post("/api/commercial-model/recurring-visits", headers=headers("rep")).status_code == 403
    first = client.post("/api/commercial-model/recurring-visits", headers=headers("manager"))
    assert first.status_code == 200 and first.get_json() == {"created": 1}
    task = session.scalars(select(Task)).one()
    assert (task.account_id, task.kind, task.rep_id, task.status) == (due_soon.id, "visit", world.rep.id, "open")
    assert task.version > 0
    again = client.post("/api/commercial-model/recurring-visits", headers=headers("manager"))
    assert again.get_json() == {"created": 0}
    pulled = Tablet(client, headers("rep")).pull()
    assert any(c["entity"] == "task" and c["id"] == task.id for c in pulled)

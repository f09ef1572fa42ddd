"""Automatic follow-ups: a task after a visit pushed from the tablet; recurring A visits."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.db import new_id, utcnow
from server.segmentation.followups import RECURRING_TITLE
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
    assert task["title_key"] is None  # the company's own words, shown as typed
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


def _recurring_task(client, headers, session, world) -> Task:
    make_account(session, world.rep, segment="A", custom=dict(HIGH_BOTH), next_due_at=utcnow() + timedelta(days=5))
    session.commit()
    planned = client.post("/api/commercial-model/recurring-visits", headers=headers("manager"))
    assert planned.get_json() == {"created": 1}
    return session.scalars(select(Task)).one()


def test_a_recurring_visit_task_carries_its_title_key_to_the_tablet_and_the_desk(client, headers, session, world):
    """The key lets each app say "Recurring visit" to an English user; `title` stays the French one."""
    task = _recurring_task(client, headers, session, world)
    assert (task.title, task.title_key) == (RECURRING_TITLE, "recurring_visit")
    pulled = [c["data"] for c in Tablet(client, headers("rep")).pull() if c["entity"] == "task"]
    assert [(t["id"], t["title"], t["title_key"]) for t in pulled] == [(task.id, RECURRING_TITLE, "recurring_visit")]
    listed = client.get(f"/api/tasks?account_id={task.account_id}", headers=headers("manager"))
    assert listed.status_code == 200
    assert [t["title_key"] for t in listed.get_json()["items"]] == ["recurring_visit"]


def test_a_tablet_may_not_set_a_title_key(client, headers, session, world, accounts):
    tablet = Tablet(client, headers("rep"))
    created = tablet.push(mutation("task", "create", new_id(), {"title": "Rappeler", "title_key": "recurring_visit"}))
    assert created["results"][0]["status"] == "rejected"
    task = _recurring_task(client, headers, session, world)
    changed = tablet.push(mutation("task", "update", task.id, {"title_key": None}, base_version=task.version))
    assert changed["results"][0]["status"] == "rejected"
    session.expire_all()
    assert session.get(Task, task.id).title_key == "recurring_visit"


def test_a_recurring_visit_task_retitled_by_its_rep_shows_the_rep_s_words(client, headers, session, world):
    task = _recurring_task(client, headers, session, world)
    tablet = Tablet(client, headers("rep"))
    tablet.pull()
    done = tablet.push(mutation("task", "update", task.id, {"status": "done"}, base_version=task.version))
    assert done["results"][0]["status"] == "applied"
    assert tablet.pull()[0]["data"]["title_key"] == "recurring_visit"  # other fields keep the key
    renamed = tablet.push(mutation("task", "update", task.id, {"title": "Visite avec démo"},
                                   base_version=done["results"][0]["version"]))
    assert renamed["results"][0]["status"] == "applied"
    data = tablet.pull()[0]["data"]
    assert (data["title"], data["title_key"]) == ("Visite avec démo", None)

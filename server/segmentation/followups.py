"""Automatic follow-ups of the commercial model: tasks after a visit, recurring visits.

- **After a visit** (`create_follow_ups`, called by the visit entity's after_change,
  so the tasks are written in the visit's own transaction and pushed back to the
  tablet on its next pull): each rule of `follow_ups` whose `after_outcome` is the
  visit's outcome creates a task for the visit's rep, due `due_in_days` after the
  visit started — moved to the rep's next worked day when it falls on a day off
  (weekend, public holiday of its team, absence: `DueDays`). A visit is created once
  (the push ledger makes retries replay the result), so a rule never fires twice for
  one visit.
- **Recurring visits** (`plan_recurring_visits`, run daily by `tournee plan-recurring-visits`):
  for each account of a segment listed in `recurring_visits.segments` (A by
  default) whose `next_due_at` falls within the next `horizon_days` (28 by default;
  overdue ones included: they need the visit most), a task of kind "visit" titled
  "Visite récurrente" (`title_key` "recurring_visit") is created for the owner, due at the later of `next_due_at`
  and now, on the owner's next worked day if that is a day off — unless an open
  visit task already exists for that account, so running it again creates nothing
  new. The tour planner keeps choosing the day; the task blocks the visit in the
  rep's to-do list and agenda.

A task the system makes carries a `title_key` (TITLE_KEYS) beside its French `title`, so
that the tablet and the desk show it in the user's language; the rules' tasks are the
company's own words, stored and shown as typed (no key).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, insert, select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.workdays import DueDays
from server.db import new_id, utcnow
from server.visits.models import Task

RECURRING_KEY = "recurring_visit"
# title_key → the title stored beside it (French, the default language): the words of the apps'
# catalogues (pwa/lib/words.js `taskTitle.<key>`) say the same.
TITLE_KEYS = {RECURRING_KEY: "Visite récurrente"}
RECURRING_TITLE = TITLE_KEYS[RECURRING_KEY]


def keep_title_key(ctx, task: Task, op: str) -> None:
    """A system task retitled by someone (sync or REST update) is theirs from then on: its title
    shows as typed, so the key goes (written with the update's own change number)."""
    if op == "update" and task.title_key and task.title != TITLE_KEYS.get(task.title_key):
        task.title_key = None


def create_follow_ups(ctx, visit) -> list[Task]:
    """The tasks the model's rules ask for after `visit` (hook of the visit entity), due
    `due_in_days` (2 by default) after its start, moved to the rep's next worked day when that
    is a day off (a visit on Friday with 2 days: Monday, same time; Tuesday if Monday is a
    holiday). The rep's calendar is read once per push."""
    from server.segmentation.service import active_model
    if not visit.outcome:
        return []
    definition = ctx.once("model_definition", lambda: active_model(ctx.session).definition)
    rules = [r for r in definition.get("follow_ups", []) if r["after_outcome"] == visit.outcome]
    tasks = []
    days = ctx.once("due_days", lambda: DueDays(ctx.session, absences=True)) if rules else None
    for rule in rules:
        due_at = days.move(visit.rep_id, visit.started_at + timedelta(days=rule.get("due_in_days", 2)))
        task = Task(id=new_id(), rep_id=visit.rep_id, account_id=visit.account_id, visit_id=visit.id,
                    title=rule["task"], kind=rule.get("kind", "todo"), status="open", field_meta={},
                    due_at=due_at)
        ctx.numbers.stamp(task, ("rep_id", "account_id", "visit_id", "title", "kind", "status", "due_at"),
                          time_ms=ctx.time_ms, user_id=ctx.actor.id)
        ctx.add_new(task)  # bulk-inserted with the push's visits on its batch path
        tasks.append(task)
    return tasks


def plan_recurring_visits(*, session: Session, now: datetime | None = None) -> dict[str, Any]:
    """Create the recurring visit tasks that are missing (set-based: one read of the accounts,
    one of their owners' calendars, one insert); {"created": n}."""
    from server.segmentation.service import active_model
    from sync.changes import change_numbers, now_ms
    now = now or utcnow()
    rule = active_model(session).definition.get("recurring_visits") or {"segments": ["A"], "horizon_days": 28}
    horizon = now + timedelta(days=rule["horizon_days"])
    already = exists().where(and_(Task.account_id == Account.id, Task.kind == "visit", Task.status == "open"))
    with change_numbers(session) as numbers:
        rows = session.execute(select(Account.id, Account.owner_id, Account.next_due_at).where(
            Account.segment.in_(rule["segments"]), Account.next_due_at.is_not(None),
            Account.next_due_at <= horizon, ~already).order_by(Account.next_due_at, Account.id)).all()
        if not rows:
            return {"created": 0}
        days = DueDays(session, absences=True)
        days.load({owner_id for _a, owner_id, _d in rows})
        first, ms = numbers.reserve(len(rows)), now_ms()
        fields = ("rep_id", "account_id", "title", "kind", "status", "due_at")
        tasks = []
        for i, (account_id, owner_id, due) in enumerate(rows):
            version = first + i
            tasks.append({"id": new_id(), "version": version, "rep_id": owner_id, "account_id": account_id,
                          "visit_id": None, "title": RECURRING_TITLE, "title_key": RECURRING_KEY,
                          "kind": "visit", "status": "open",
                          "due_at": days.move(owner_id, max(due, now)), "notes": None,
                          "created_at": now, "updated_at": now,
                          "field_meta": {f: [version, ms, None] for f in fields}})
        for start in range(0, len(tasks), 2000):
            session.execute(insert(Task), tasks[start:start + 2000])
    return {"created": len(tasks)}

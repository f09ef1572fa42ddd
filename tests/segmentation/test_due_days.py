"""Due dates the system computes land on days people work (server/agenda/workdays.py `DueDays`).

A follow-up task after a visit, a recurring visit task and an account's `next_due_at` by
the cadence move from a weekend day, a public holiday (and, for tasks, an absence) to the
next worked day of the person, at the same local time; dates typed by someone stay.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.accounts.models import Account
from server.agenda.models import Absence
from server.db import new_id
from server.segmentation.cadence import interval_days
from server.segmentation.followups import plan_recurring_visits
from server.segmentation.service import initial_definition
from server.visits.models import Task
from tests.factories import make_account
from tests.segmentation.conftest import HIGH_BOTH
from tests.sync.helpers import Tablet, iso, mutation

PARIS = ZoneInfo("Europe/Paris")


def visit(account_id, started, outcome="interested"):
    return {"account_id": account_id, "started_at": iso(started), "ended_at": iso(started + timedelta(minutes=40)),
            "kind": "onsite", "outcome": outcome}


def local(instant: datetime) -> datetime:
    return instant.astimezone(PARIS)


def task_due(session, visit_id) -> datetime:
    return local(session.scalars(select(Task.due_at).where(Task.visit_id == visit_id)).one())


def test_a_follow_up_due_on_a_weekend_or_holiday_moves_to_the_next_working_day(client, headers, session, accounts):
    tablet = Tablet(client, headers("rep"))
    # Visits in the past at every instant make test-dates pins (the server refuses one in the future).
    cases = {  # visit (Paris, 10:00) → the rule's 2 days later → due
        datetime(2025, 11, 17, 10, tzinfo=PARIS): date(2025, 11, 19),  # Monday → Wednesday: a working day stays
        datetime(2025, 11, 21, 10, tzinfo=PARIS): date(2025, 11, 24),  # Friday → Sunday → Monday
        datetime(2020, 12, 23, 10, tzinfo=PARIS): date(2020, 12, 28),  # Wednesday → Christmas, then a weekend
        datetime(2026, 4, 29, 10, tzinfo=PARIS): date(2026, 5, 4),  # Wednesday → 1 May (Friday) → Monday 4
    }
    ids = {}
    for started in cases:
        ids[started] = new_id()
        assert tablet.push(mutation("visit", "create", ids[started], visit(accounts.gold.id, started)))[
            "results"][0]["status"] == "applied"
    for started, expected in cases.items():
        due = task_due(session, ids[started])
        assert (due.date(), due.time()) == (expected, started.time()), started


def test_a_follow_up_waits_for_the_rep_back_from_leave(client, headers, session, world, accounts):
    session.add(Absence(user_id=world.rep.id, first_day=date(2025, 11, 24), last_day=date(2025, 11, 26),
                        reason="training"))
    session.commit()
    visit_id = new_id()
    Tablet(client, headers("rep")).push(mutation("visit", "create", visit_id, visit(
        accounts.gold.id, datetime(2025, 11, 21, 10, tzinfo=PARIS))))
    assert task_due(session, visit_id).date() == date(2025, 11, 27)  # not the weekend, not the training


def test_a_rep_who_works_saturdays_keeps_a_saturday(client, headers, session, world, accounts):
    world.rep.working_hours = {d: ["08:00", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    session.commit()
    visit_id = new_id()
    Tablet(client, headers("rep")).push(mutation("visit", "create", visit_id, visit(
        accounts.gold.id, datetime(2025, 11, 20, 10, tzinfo=PARIS))))
    assert task_due(session, visit_id).date() == date(2025, 11, 22)  # Thursday + 2: a worked Saturday


def test_a_typed_due_date_stays_as_typed(client, headers, session, accounts):
    task_id = new_id()
    sunday = datetime(2026, 11, 22, 9, tzinfo=UTC)
    Tablet(client, headers("rep")).push(mutation("task", "create", task_id, {
        "title": "Appeler dimanche", "account_id": accounts.gold.id, "due_at": iso(sunday)}))
    assert session.get(Task, task_id).due_at == sunday


def _first_start_due_on(weekday: int, days: float) -> datetime:
    """A visit start (UTC) whose cadence date, `days` later, falls on `weekday` in Paris: in
    autumn, with no public holiday near the dates of either segment A or B."""
    start = datetime(2025, 9, 1, 9, tzinfo=UTC)  # in the past at every pinned instant
    while local(start + timedelta(days=days)).weekday() != weekday:
        start += timedelta(days=1)
    return start


def test_next_due_at_after_a_visit_lands_on_a_working_day(client, headers, session, accounts):
    account = accounts.silver
    days = interval_days(initial_definition()["cadence"], account.segment)
    started = _first_start_due_on(5, days)  # the cadence says a Saturday
    raw = started + timedelta(days=days)  # in UTC: the server adds days to instants
    Tablet(client, headers("rep")).push(mutation("visit", "create", new_id(), visit(account.id, started, "absent")))
    session.expire_all()
    due = local(session.get(Account, account.id).next_due_at)
    assert due.date() == local(raw).date() + timedelta(days=2)  # Monday
    assert due.time() == local(raw).time()  # same local time of day


def test_a_recompute_puts_next_due_at_on_working_days_and_is_stable(client, headers, session, world):
    days = interval_days(initial_definition()["cadence"], "A")
    saturday = _first_start_due_on(5, days)
    weekday = _first_start_due_on(2, days)
    moved = make_account(session, world.rep, custom=dict(HIGH_BOTH), last_visit_at=saturday)
    kept = make_account(session, world.rep, custom=dict(HIGH_BOTH), last_visit_at=weekday)
    session.commit()
    assert client.post("/api/commercial-model/recompute", headers=headers("manager")).status_code == 200
    session.expire_all()
    assert session.get(Account, moved.id).segment == "A"
    assert local(session.get(Account, moved.id).next_due_at).weekday() == 0  # Saturday → Monday
    assert session.get(Account, kept.id).next_due_at == weekday + timedelta(days=days)  # a Wednesday stays
    again = client.post("/api/commercial-model/recompute", headers=headers("manager")).get_json()
    assert again["written"] == 0  # the moved dates are the model's own: nothing to write again


def test_a_recurring_visit_task_made_on_a_saturday_is_due_on_monday(session, world):
    saturday = datetime(2026, 11, 21, 7, tzinfo=UTC)
    overdue = make_account(session, world.rep, segment="A", custom=dict(HIGH_BOTH),
                           next_due_at=saturday - timedelta(days=3))
    session.commit()
    assert plan_recurring_visits(session=session, now=saturday) == {"created": 1}
    task = session.scalars(select(Task).where(Task.account_id == overdue.id)).one()
    assert local(task.due_at).date() == date(2026, 11, 23)


def test_a_new_owner_gets_the_due_date_on_a_day_it_works(client, headers, session, world):
    """Reassigning an account recomputes `next_due_at` with the new rep's calendar: a Saturday
    for a rep who works Saturdays, the Monday after for one who does not, and back."""
    world.rep2.working_hours = {d: ["08:00", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    days = interval_days(initial_definition()["cadence"], "A")
    started = _first_start_due_on(5, days)  # the cadence says a Saturday
    saturday = started + timedelta(days=days)
    account = make_account(session, world.rep, custom=dict(HIGH_BOTH), last_visit_at=started)
    unvisited = make_account(session, world.rep2, next_due_at=saturday)  # a date with no visit: an import's
    session.commit()
    assert client.post("/api/commercial-model/recompute", headers=headers("manager")).status_code == 200
    session.expire_all()
    assert local(session.get(Account, account.id).next_due_at).weekday() == 0  # rep: Monday

    def reassign(record_id, owner):
        version = session.get(Account, record_id).version
        result = Tablet(client, headers("manager")).push(mutation("account", "update", record_id, {"owner_id": owner.id},
                                                                  base_version=version))["results"][0]
        assert result["status"] == "applied", result
        session.expire_all()
        return session.get(Account, record_id).next_due_at

    assert reassign(account.id, world.rep2) == saturday  # rep2 works Saturdays
    assert local(reassign(account.id, world.rep)).date() == local(saturday).date() + timedelta(days=2)
    moved = reassign(unvisited.id, world.rep)
    assert (local(moved).date(), local(moved).time()) == (local(saturday).date() + timedelta(days=2),
                                                          local(saturday).time())

"""The telemarketer's bookings over the current and next two weeks, and the reps' open tasks.

Appointments are placed first, so the visit history fits around them: about two per
working day and rep, inside working hours and the account's opening hours, never
overlapping; the ones already over are `done` (their visit is in the history).
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.db import new_id
from server.demo import texts
from server.demo.accounts import pick
from server.demo.calendar import Agenda, on_working_day, working_days


def appointment_window(today: date) -> tuple[date, date]:
    """Monday of the current week to Friday of the week after next."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=18)


def make_appointments(*, rng: random.Random, agenda: Agenda, accounts: list[dict[str, Any]],
                      contacts_of: dict[str, list[dict[str, Any]]], rep_id: str, booked_by: str,
                      cadence: dict[str, Any], time_split: dict[str, float], today: date,
                      now: datetime) -> dict[str, dict[str, Any]]:
    """Appointment rows by account id (one at most per account)."""
    pools = {seg: [a for a in accounts if a["segment"] == seg] for seg in ("A", "B", "C")}
    for pool in pools.values():
        rng.shuffle(pool)
    by_account: dict[str, dict[str, Any]] = {}
    local_now = now.astimezone(agenda.zone)
    for day in working_days(*appointment_window(today)):
        for _ in range(pick(rng, ((1, 20), (2, 55), (3, 25)))):
            left = [(s, w) for s, w in time_split.items() if pools[s]]
            if not left:  # a tiny portfolio (tests) runs out of accounts
                return by_account
            segment = pick(rng, left)
            account = pools[segment].pop()
            minutes = cadence[segment]["visit_minutes"]
            start_minute = agenda.place(rng, day, minutes, account["opening_hours"])
            if start_minute is None:
                continue
            start = agenda.utc(day, start_minute)
            end = start + timedelta(minutes=minutes)
            contact = contacts_of[account["id"]][0]
            booked_at = min(start - timedelta(days=rng.randint(3, 20), minutes=rng.randint(0, 480)), now)
            status = "done" if end <= local_now else "booked"
            by_account[account["id"]] = {
                "id": new_id(), "rep_id": rep_id, "account_id": account["id"], "contact_id": contact["id"],
                "start": start, "end": end, "purpose": rng.choice(texts.APPOINTMENT_PURPOSES), "status": status,
                "booked_by": booked_by, "field_meta": {}, "created_at": booked_at,
                "updated_at": end if status == "done" else booked_at,
            }
    return by_account


PARIS = ZoneInfo("Europe/Paris")  # the demo reps' time zone


def make_tasks(*, rng: random.Random, visits: list[dict[str, Any]], rep_id: str, now: datetime,
               open_count: int = 12, done_count: int = 20) -> list[dict[str, Any]]:
    """Follow-ups of recent visits (open, some overdue) and older ones already done."""
    followed = sorted((v for v in visits if v["next_action"] and v["kind"] == "onsite"),
                      key=lambda v: v["started_at"], reverse=True)
    tasks = []
    for n, visit in enumerate(followed[:open_count + done_count]):
        is_open = n < open_count
        due = visit["ended_at"] + timedelta(days=rng.randint(2, 15))
        due = on_working_day(due.replace(hour=16, minute=0, second=0, microsecond=0), PARIS)  # never on a day off
        tasks.append({
            "id": new_id(), "rep_id": rep_id, "account_id": visit["account_id"], "visit_id": visit["id"],
            "title": visit["next_action"], "kind": texts.TASK_KINDS[visit["next_action"]],
            "due_at": due,
            "status": "open" if is_open else "done", "notes": None, "field_meta": {},
            "created_at": visit["ended_at"], "updated_at": visit["ended_at"] if is_open else min(due, now),
        })
    return tasks

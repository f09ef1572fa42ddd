"""Three years of visits per account, on the cadence of its segment, and when it falls due next.

Each account's history is built backwards from its last visit, chosen so that the
next due date (last visit + 365 / visits per year) lands where a real portfolio
has it: some overdue, many in the current and next weeks, the rest later. An
account with an appointment already done this week has that visit as its last one.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from server.db import new_id
from server.demo import texts
from server.demo.accounts import pick
from server.demo.calendar import Agenda, is_working_day, on_working_day, previous_working_day

PHONE_SHARE = 0.12
PHONE_MINUTES = 15


def make_history(*, rng: random.Random, agenda: Agenda, accounts: list[dict[str, Any]], rep_id: str,
                 appointments: dict[str, dict[str, Any]], cadence: dict[str, Any], today: date,
                 first_day: date, force: bool) -> list[dict[str, Any]]:
    """Visit rows for the rep's accounts; sets each account's `last_visit_at` and `next_due_at`."""
    visits: list[dict[str, Any]] = []
    for account in accounts:
        rules = cadence[account["segment"]]
        interval = 365 / rules["visits_per_year"]
        appointment = appointments.get(account["id"])
        days = _visit_days(rng, account, appointment, interval, today, first_day, agenda)
        maturity = rng.randint(1, 3)
        account_visits = []
        for n, day in enumerate(days):
            is_last = n == len(days) - 1
            if is_last and appointment is not None and appointment["status"] == "done":
                start, end, kind = appointment["start"], appointment["end"], "onsite"
            else:
                kind = "phone" if not is_last and rng.random() < PHONE_SHARE else "onsite"
                minutes = PHONE_MINUTES if kind == "phone" else rules["visit_minutes"]
                placed = _place(rng, agenda, day, minutes, account["opening_hours"],
                                days=1 if force else 5, force=force or is_last)
                if placed is None:
                    continue
                day, minute = placed
                start = agenda.utc(day, minute)
                end = start + timedelta(minutes=minutes)
            maturity = max(1, min(5, maturity + pick(rng, ((1, 30), (0, 60), (-1, 10)))))
            account_visits.append(_visit(rng, account, rep_id, start, end, kind, maturity,
                                         appointment["id"] if is_last and kind == "onsite" and appointment
                                         and appointment["status"] == "done" else None))
        if account_visits:
            last = account_visits[-1]["started_at"]
            account["last_visit_at"] = last
            account["next_due_at"] = on_working_day(last + timedelta(days=interval), agenda.zone)
        visits.extend(account_visits)
    return visits


def _visit_days(rng: random.Random, account: dict[str, Any], appointment: dict[str, Any] | None,
                interval: float, today: date, first_day: date, agenda: Agenda) -> list[date]:
    """Visit dates, oldest first, ending with the last visit."""
    if appointment is not None and appointment["status"] == "done":
        last = appointment["start"].astimezone(agenda.zone).date()
    else:
        if appointment is not None:  # booked: the telemarketer booked it around its due date
            due = appointment["start"].astimezone(agenda.zone).date() + timedelta(days=rng.randint(-3, 3))
        elif rng.random() < 0.12:
            due = today - timedelta(days=rng.randint(1, 30))
        else:
            due = today + timedelta(days=rng.uniform(0, interval))
        last = _snap(rng, due - timedelta(days=interval))
        if last >= today:
            last = previous_working_day(today - timedelta(days=1))
    start = max(first_day, account["created_at"].date())
    days = [last]
    day = last
    while True:
        day = _back(day, interval * rng.uniform(0.8, 1.2))
        if day < start:
            break
        days.append(day)
    return days[::-1]


_MONDAY = date(2000, 1, 3).toordinal()


def _back(day: date, days: float) -> date:
    """The working day about `days` calendar days before `day`, counted in weekdays
    (5 for 7) so that every weekday gets its share of visits."""
    index = (day.toordinal() - _MONDAY) // 7 * 5 + min(day.weekday(), 4) - round(days * 5 / 7)
    return previous_working_day(date.fromordinal(_MONDAY + index // 5 * 7 + index % 5))


def _snap(rng: random.Random, day: date) -> date:
    """The working day nearest to `day`, either side at random (Fridays would be crowded otherwise)."""
    if is_working_day(day):
        return day
    later = day
    while not is_working_day(later):
        later += timedelta(days=1)
    return later if rng.random() < 0.5 else previous_working_day(day)


def _place(rng: random.Random, agenda: Agenda, day: date, minutes: int, opening_hours,
           days: int, force: bool) -> tuple[date, int] | None:
    """The day (or one of the `days - 1` working days before it) and start minute of a free slot;
    `force` books an overlapping slot rather than none (the last visit, the benchmark scale)."""
    candidate = day
    for _ in range(days):
        minute = agenda.place(rng, candidate, minutes, opening_hours)
        if minute is not None:
            return candidate, minute
        candidate = previous_working_day(candidate - timedelta(days=1))
    if force:
        return day, agenda.place(rng, day, minutes, None, force=True)
    return None


def _visit(rng: random.Random, account: dict[str, Any], rep_id: str, start: datetime, end: datetime,
           kind: str, maturity: int, appointment_id: str | None) -> dict[str, Any]:
    if kind == "phone":
        outcome, notes = rng.choice(("follow-up", "interested")), rng.choice(texts.PHONE_NOTES)
        lat = lon = verified = None
    else:
        weights = texts.OUTCOME_WEIGHTS if account["status"] == "client" else \
            tuple((o, w // 3 if o == "order" else w) for o, w in texts.OUTCOME_WEIGHTS)
        outcome = pick(rng, weights)
        notes = rng.choice(texts.VISIT_NOTES[outcome])
        lat = round(account["lat"] + rng.uniform(-3e-4, 3e-4), 6)
        lon = round(account["lon"] + rng.uniform(-3e-4, 3e-4), 6)
        verified = True
    return {
        "id": new_id(), "account_id": account["id"], "rep_id": rep_id, "appointment_id": appointment_id,
        "started_at": start, "ended_at": end, "kind": kind, "outcome": outcome, "notes": notes,
        "maturity": maturity, "next_action": rng.choice(texts.NEXT_ACTIONS) if rng.random() < 0.35 else None,
        "lat": lat, "lon": lon, "verified": verified, "field_meta": {}, "created_at": end, "updated_at": end,
    }

"""Appointments booked on the days of an absence (issue 13's follow-up).

An absence does not cancel what was booked on its days: the customer expects the rep.
So whoever declares it is told which appointments now clash (the absence's answer), the
tour of each such day warns about them, and the tablet's agenda prompts the rep to move
them. Moving or cancelling stays a person's decision.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.models import Appointment

# The tour's warning for one clashing appointment; the tablet reads the id after the prefix.
WARNING = "booked during an absence: "


def clashes(session: Session, *, user_id: str, first: date, last: date) -> list[dict[str, Any]]:
    """The user's booked appointments starting on a day from `first` to `last` (both included,
    in the user's time zone), in time order:
    `[{"appointment_id", "account_id", "name" (the account's), "start", "end"}]`, times ISO 8601
    with the user's offset. Cancelled and done appointments do not clash."""
    from server.tours.context import day_bounds, iso
    from server.users.models import User
    user = session.get(User, user_id)
    tz = ZoneInfo((user.timezone if user is not None else None) or "Europe/Paris")
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    stmt = (select(Appointment.id, Appointment.account_id, Appointment.start, Appointment.end, Account.name)
            .join(Account, Account.id == Appointment.account_id)
            .where(Appointment.rep_id == user_id, Appointment.status == "booked",
                   Appointment.start >= start, Appointment.start < end)
            .order_by(Appointment.start, Appointment.id))
    return [{"appointment_id": row.id, "account_id": row.account_id, "name": row.name,
             "start": iso(row.start, tz), "end": iso(row.end, tz)} for row in session.execute(stmt)]


def days_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]

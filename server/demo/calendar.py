"""A rep's working time: working days, slots inside working hours, and what is already booked.

Times are minutes after local midnight in the rep's time zone (Europe/Paris),
turned into UTC only when written, so summer time is right on every date.
"""
from __future__ import annotations

import random
from functools import lru_cache
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.agenda.workdays import holiday_calendar

# Working hours 08:30–18:00 with lunch somewhere in 12:00–14:00: visits keep clear of
# the whole lunch window so that no booking rule can find them inside it.
WINDOWS = ((8 * 60 + 30, 12 * 60), (14 * 60, 18 * 60))
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_working_day(day: date) -> bool:
    """Monday to Friday, French public holidays aside (the demo team's calendar, "FR")."""
    return day.weekday() < 5 and not holiday_calendar("FR").get(day)


def working_days(start: date, end: date) -> list[date]:
    """Working days in [start, end]."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)
            if is_working_day(start + timedelta(days=n))]


def previous_working_day(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def on_working_day(when: datetime, zone: ZoneInfo) -> datetime:
    """`when` (aware) moved, at the same local time, to the first working day on or after its
    local day in `zone`: the demo's due dates land where the server's would (server/agenda/workdays.py
    `DueDays`)."""
    local = when.astimezone(zone)
    day = local.date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return when if day == local.date() else datetime.combine(day, local.time(), zone).astimezone(when.tzinfo)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def is_open(opening_hours: dict[str, Any] | None, day: date, start: int, end: int) -> bool:
    """True when the account receives visitors during [start, end) (no hours known: always)."""
    if not opening_hours:
        return True
    hours = opening_hours.get(DAY_KEYS[day.weekday()])
    if not hours:
        return False
    spans = [(_minutes(hours[i]), _minutes(hours[i + 1])) for i in range(0, len(hours) - 1, 2)]
    return any(open_ <= start and end <= close for open_, close in spans)


@lru_cache(maxsize=None)
def _starts(minutes: int) -> tuple[int, ...]:
    """Start minutes on the 15-minute grid where a visit of `minutes` fits a working window."""
    return tuple(s for w_start, w_end in WINDOWS for s in range(w_start, w_end - minutes + 1, 15))


class Agenda:
    """Busy intervals of one rep, per local day; finds free slots on a 15-minute grid."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)
        self.busy: dict[date, list[tuple[int, int]]] = {}

    def is_free(self, day: date, start: int, end: int) -> bool:
        for b_start, b_end in self.busy.get(day, ()):
            if start < b_end and b_start < end:
                return False
        return True

    def book(self, day: date, start: int, minutes: int) -> None:
        self.busy.setdefault(day, []).append((start, start + minutes))

    def place(self, rng: random.Random, day: date, minutes: int, opening_hours=None,
              tries: int = 12, after: int = 0, force: bool = False) -> int | None:
        """A free start minute on `day` for a visit of `minutes` (booked), or None.

        `after` keeps the start later than a minute of that day (appointments still to
        come today); `force` books a random in-hours slot when none is free (the
        benchmark scale packs more visits into a day than fit).
        """
        candidates = _starts(minutes) if not after else [s for s in _starts(minutes) if s >= after]
        if not candidates:
            return None
        for _ in range(tries):
            start = rng.choice(candidates)
            if self.is_free(day, start, start + minutes) and is_open(opening_hours, day, start, start + minutes):
                self.book(day, start, minutes)
                return start
        if force:
            start = rng.choice(candidates)
            self.book(day, start, minutes)
            return start
        return None

    def utc(self, day: date, minute: int) -> datetime:
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

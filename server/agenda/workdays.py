"""A user's calendar of work: on which days, and between which hours, it works.

Three sources, read together (API.md → Working days):

1. **Weekly hours** — `user.working_hours`: `{"mon": ["08:30", "18:00"], …, "sat": null,
   "lunch": ["12:00", "14:00", 60]}`; a weekday absent or null is not worked. A user
   with no hours at all works Monday to Friday, 08:00–19:00.
2. **Public holidays** of its team's calendar — `team.holidays`, a country code or a
   country and subdivision (`"FR"`, `"FR-57"` Moselle, `"FR-6AE"` Alsace), read from the
   `holidays` package (the Open World Holidays Framework, which follows the French
   Code du travail L3133-1 and the local law of Alsace-Moselle). France by default.
3. **Absences** — leave, training, sickness (`server/agenda/models.py: Absence`).

`WorkCalendar` is plain data (no session), so the planner can hold it after the read
transaction ends. Days are local days of the user's time zone.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holiday_calendars
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from server.i18n import LANGUAGES

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS: dict[str, Any] = {day: ["08:00", "19:00"] for day in DAYS[:5]}
DEFAULT_HOLIDAYS = "FR"
# How far `next_working_day` looks before it gives up (a user with no working weekday).
SEARCH_DAYS = 400
# Codes people type for a subdivision the `holidays` package names otherwise: Bas-Rhin (67)
# and Haut-Rhin (68) keep Alsace's local law, its calendar "6AE" (Collectivité européenne
# d'Alsace) in `holidays.France.subdivisions`.
SUBDIVISION_ALIASES = {("FR", "67"): "6AE", ("FR", "68"): "6AE"}


@lru_cache(maxsize=64)
def holiday_calendar(code: str | None, language: str = "fr") -> holiday_calendars.HolidayBase:
    """The public holidays of `code` ("FR", "FR-57", "FR-67", "DE-BY"…), names in `language`
    (French by default) where the calendar has them, else in its own. Raises ValueError for a
    code the `holidays` package does not know (SUBDIVISION_ALIASES first)."""
    country, _, subdivision = (code or DEFAULT_HOLIDAYS).strip().upper().partition("-")
    subdivision = SUBDIVISION_ALIASES.get((country, subdivision), subdivision)
    try:
        calendar_class = holiday_calendars.country_holidays(country).__class__
    except NotImplementedError:
        raise ValueError(f"Unknown public-holiday calendar {code!r}.") from None
    try:
        return holiday_calendars.country_holidays(country, subdiv=subdivision or None,
                                                  language=_named_in(calendar_class, language))
    except NotImplementedError:
        raise ValueError(f"Unknown public-holiday calendar {code!r}.") from None


def holiday_name(code: str | None, day: date, language: str) -> str | None:
    """`day`'s public holiday in `code`'s calendar, named in `language` ("en" reads the
    calendar's "en_US"); None when it is no holiday or the calendar has no names in `language`."""
    calendar = holiday_calendar(code, language)
    if _named_in(type(calendar), language) is None:
        return None
    name = calendar.get(day)
    return str(name) if name else None


def warm_holiday_calendars(codes: tuple[str, ...] = (DEFAULT_HOLIDAYS,), *, today: date | None = None) -> None:
    """Build `codes`' calendars in every language of the app, with this year's and next
    year's holidays, so that a worker does it at boot and not on its first request (wsgi.py).

    The `holidays` package imports all its countries and reads its translation catalogues
    on first use: about 120 ms of CPU, which a fresh web worker (one respawned after a
    crash included) used to pay on the first tour it planned (bench_load). An unknown
    code is skipped: it is refused where it is set."""
    year = (today or date.today()).year
    for code in codes:
        for args in ((code,), (code, "fr"), (code, "en")):  # as they are called: lru_cache keys by the call
            try:
                calendar = holiday_calendar(*args)
            except ValueError:
                continue
            calendar.get(date(year, 1, 1))
            calendar.get(date(year + 1, 1, 1))


def _named_in(calendar_class, language: str) -> str | None:
    """The calendar's own code for `language` ("fr", "en_US"…), None when it has none."""
    return next((lang for lang in (calendar_class.supported_languages or ()) if lang.split("_")[0] == language), None)


def valid_holidays_code(code: str) -> bool:
    try:
        holiday_calendar(code)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Off:
    """Why a day is not worked: `kind` is "weekly" (no hours that weekday), "holiday" or
    "absence"; `name` the holiday's name or the absence's reason."""

    kind: str
    name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name}


@dataclass(frozen=True)
class WorkCalendar:
    hours: dict[str, Any]
    holidays_code: str = DEFAULT_HOLIDAYS
    absences: tuple[tuple[date, date, str], ...] = field(default_factory=tuple)

    def weekly_span(self, day: date) -> tuple[str, str] | None:
        """("08:30", "18:00") for that weekday by the weekly hours alone, or None."""
        hours = self.hours if any(self.hours.get(d) for d in DAYS) else {**DEFAULT_HOURS, **self.hours}
        span = hours.get(DAYS[day.weekday()])
        return (str(span[0]), str(span[1])) if span else None

    def off(self, day: date) -> Off | None:
        """Why `day` is not worked, or None when it is."""
        if self.weekly_span(day) is None:
            return Off("weekly")
        name = holiday_calendar(self.holidays_code).get(day)
        if name:
            return Off("holiday", str(name))
        for first, last, reason in self.absences:
            if first <= day <= last:
                return Off("absence", reason)
        return None

    def span(self, day: date) -> tuple[str, str] | None:
        """That day's working hours, or None when it is not worked for any reason."""
        return None if self.off(day) is not None else self.weekly_span(day)

    def is_working(self, day: date) -> bool:
        return self.off(day) is None

    def next_working_day(self, day: date) -> date | None:
        """The first worked day strictly after `day` (None if none within a year or so)."""
        for n in range(1, SEARCH_DAYS):
            candidate = day + timedelta(days=n)
            if self.is_working(candidate):
                return candidate
        return None

    def working_day_on_or_after(self, day: date) -> date | None:
        return day if self.is_working(day) else self.next_working_day(day)

    def count_working(self, first: date, last: date) -> int:
        """How many days of [first, last] (both included) are worked: the count of
        `is_working`, by weekday arithmetic and the few days off, not day by day (the
        KPIs count a year for each of a company's reps)."""
        if last < first:
            return 0
        days = (last - first).days + 1
        worked = {k for k in range(7) if self.weekly_span(first + timedelta(days=(k - first.weekday()) % 7))}
        count = sum(days // 7 + ((k - first.weekday()) % 7 < days % 7) for k in worked)
        off = set(holiday_calendar(self.holidays_code)[first:last + timedelta(days=1)])
        for a, b, _reason in self.absences:
            a, b = max(a, first), min(b, last)
            off.update(a + timedelta(days=n) for n in range((b - a).days + 1))
        return count - sum(1 for day in off if day.weekday() in worked)

    def working_days(self, first: date, last: date) -> list[date]:
        """The worked days of [first, last], both included."""
        return [first + timedelta(days=n) for n in range((last - first).days + 1)
                if self.is_working(first + timedelta(days=n))]


def load_calendar(session: Session, user) -> WorkCalendar:
    """The calendar of `user` (a `User`): its hours, its team's holidays, its absences."""
    return calendars_of(session, [user.id]).get(user.id) or WorkCalendar(hours=dict(user.working_hours or {}))


def absent_on(user_id, day):
    """An SQL boolean, true when an absence of `user_id` covers `day`: read beside another
    row (the kept tour's), it spares a query. Values or SQL expressions (a column, a bound
    parameter of a statement built once)."""
    from server.agenda.models import Absence

    return exists().where(Absence.user_id == user_id, Absence.first_day <= day, Absence.last_day >= day)


def day_calendar(hours: dict[str, Any], holidays_code: str, day: date, *, absent: bool) -> WorkCalendar:
    """A calendar right for `off(day)` being None or not, and for no other day: the weekly
    hours, the holidays, and an absence on `day` when `absent` (its reason unknown)."""
    return WorkCalendar(hours=dict(hours or {}), holidays_code=holidays_code,
                        absences=((day, day, ""),) if absent else ())


# Users per IN list of the calendar reads (the bound parameters stay far below every database's limit).
USERS_PER_READ = 500


def calendar_keys(session: Session, user_ids: Iterable[str]) -> dict[str, tuple[dict[str, Any], str, str]]:
    """What decides which days each of `user_ids` works, absences aside: `{user_id: (weekly
    hours, holiday calendar code, time zone name)}`, the defaults filled in (no hours: `{}`, which
    `WorkCalendar` reads as Monday to Friday; France's holidays; Paris). Unknown ids are absent.
    The one read of these columns: the calendars are built from it (`calendars_of`, `DueDays`),
    and a change of it is what moves stored due dates (server/accounts/due_dates.py)."""
    from server.users.models import Team, User

    wanted = sorted(set(user_ids))
    keys: dict[str, tuple[dict[str, Any], str, str]] = {}
    for start in range(0, len(wanted), USERS_PER_READ):
        rows = session.execute(select(User.id, User.working_hours, User.timezone, Team.holidays)
                               .outerjoin(Team, Team.id == User.team_id)
                               .where(User.id.in_(wanted[start:start + USERS_PER_READ])))
        for row in rows:
            keys[row.id] = (row.working_hours or {}, row.holidays or DEFAULT_HOLIDAYS, row.timezone or "Europe/Paris")
    return keys


def absences_of(session: Session, user_ids: Iterable[str]) -> dict[str, tuple[tuple[date, date, str], ...]]:
    """`{user_id: ((first day, last day, reason), …)}`, in date order, for those of `user_ids` with any."""
    from server.agenda.models import Absence

    wanted = sorted(set(user_ids))
    leave: dict[str, list] = {}
    for start in range(0, len(wanted), USERS_PER_READ):
        for a in session.execute(select(Absence.user_id, Absence.first_day, Absence.last_day, Absence.reason)
                                 .where(Absence.user_id.in_(wanted[start:start + USERS_PER_READ]))):
            leave.setdefault(a.user_id, []).append((a.first_day, a.last_day, a.reason))
    return {user_id: tuple(sorted(spans)) for user_id, spans in leave.items()}


def calendars_and_zones(session: Session, user_ids: Iterable[str], *,
                        absences: bool) -> dict[str, tuple[WorkCalendar, ZoneInfo]]:
    """The calendars of many users (with their absences when `absences`), each with its time zone,
    in two queries (one without absences) per `USERS_PER_READ` users. Unknown ids are absent."""
    wanted = list(user_ids)
    leave = absences_of(session, wanted) if absences else {}
    return {user_id: (WorkCalendar(hours=dict(hours), holidays_code=code, absences=leave.get(user_id, ())),
                      ZoneInfo(zone))
            for user_id, (hours, code, zone) in calendar_keys(session, wanted).items()}


def calendars_of(session: Session, user_ids: list[str]) -> dict[str, WorkCalendar]:
    """The calendars of many users, their absences with them (KPIs over a whole company)."""
    read = calendars_and_zones(session, user_ids, absences=True)
    return {user_id: calendar for user_id, (calendar, _) in read.items()}


class DueDays:
    """Moves the due dates the system computes for people to act on (follow-up tasks, an
    account's `next_due_at` by the cadence) off the days their user does not work: a
    Saturday, Sunday or public holiday of its team's calendar — and, with `absences`, a day
    of its leave — becomes the next worked day, at the same local time (`move`, in the
    user's time zone).

    Dates a person types are never moved (they go through no DueDays). Calendars are read
    on first use (`calendars_and_zones`), one query (two with absences) per `USERS_PER_READ`
    users `load`ed; a user unknown (an account without owner) works the default week, Monday
    to Friday, France's holidays, in Paris.
    Plain data once loaded: one DueDays serves a whole push or recompute."""

    def __init__(self, session: Session, *, absences: bool) -> None:
        self.session, self.absences = session, absences
        self.calendars: dict[str | None, tuple[WorkCalendar, ZoneInfo]] = {}
        self._days: dict[tuple[str | None, date], date | None] = {}

    def load(self, user_ids: Iterable[str | None]) -> None:
        """Read the calendars of `user_ids` not read yet (in one go: the recompute calls it
        once with every owner)."""
        missing = {u for u in user_ids if u not in self.calendars}
        self.calendars.update(calendars_and_zones(self.session, [u for u in missing if u is not None],
                                                  absences=self.absences))
        for u in missing - self.calendars.keys():
            self.calendars[u] = (WorkCalendar(hours={}), ZoneInfo("Europe/Paris"))

    def move(self, user_id: str | None, when: datetime | None) -> datetime | None:
        """`when` (an aware instant) as it is when its local day, in `user_id`'s time zone, is
        worked; else the same local time of day on the next worked day (a Sunday 2026-11-22
        09:00 Paris becomes Monday 2026-11-23 09:00 Paris), in `when`'s time zone. None stays
        None; unchanged when no day is worked within SEARCH_DAYS."""
        if when is None:
            return None
        if user_id not in self.calendars:
            self.load([user_id])
        calendar, zone = self.calendars[user_id]
        local = when.astimezone(zone)
        key = (user_id, local.date())
        if key not in self._days:  # a recompute meets the same few hundred days again and again
            self._days[key] = calendar.working_day_on_or_after(local.date())
        day = self._days[key]
        if day is None or day == local.date():
            return when
        return datetime.combine(day, local.time(), zone).astimezone(when.tzinfo)


def days_off(calendar: WorkCalendar, first: date, last: date) -> list[dict[str, Any]]:
    """The days of [first, last] (both included) that `calendar` does not work, in order:
    `[{"date": "YYYY-MM-DD", "kind": "weekly"|"holiday"|"absence", "name", "names"}]`, a holiday
    named in each language of the app in `names` ({"fr": "Noël", "en": "Christmas Day"}), `name`
    its French name or the absence's reason, else null. `GET /api/me` sends them so that a tablet
    offline with no plan stored for a day knows, as the server does, whether it is worked."""
    out = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        off = calendar.off(day)
        if off is None:
            continue
        names = ({language: name for language in LANGUAGES
                  if (name := holiday_name(calendar.holidays_code, day, language))} if off.kind == "holiday" else {})
        out.append({"date": day.isoformat(), **off.as_dict(), "names": names})
    return out


def working_days_per_year(calendar: WorkCalendar, start: date) -> int:
    """Working days in the 365 days from `start`, by weekly hours and public holidays
    (absences aside): the year a cadence's `visits_per_year` is spread over."""
    return _year_count(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in calendar.hours.items())),
                       calendar.holidays_code, start)


@lru_cache(maxsize=256)
def _year_count(hours: tuple, code: str, start: date) -> int:
    plain = WorkCalendar(hours={k: list(v) if isinstance(v, tuple) else v for k, v in hours}, holidays_code=code)
    return plain.count_working(start, start + timedelta(days=364))

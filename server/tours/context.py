"""What planning one rep's day starts from, read from the database into plain values.

The planner core (planner.py) counts in minutes from local midnight; this module turns
the rep's time zone, working hours and lunch, the day's booked appointments and the
visits already logged into that form, and back (`at`). Plain dataclasses only, so the
read transaction can end before the (CPU-bound) planning starts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.workdays import DEFAULT_HOLIDAYS, WorkCalendar, day_calendar, load_calendar
from server.agenda.models import Appointment
from server.tours.dayplan import Lunch
from server.tours.travel import Point
from server.users.models import Team, User
from server.visits.models import Visit

DEFAULT_LUNCH = ("12:00", "14:00", 60)


@dataclass(frozen=True)
class Rep:
    id: str
    name: str
    team_id: str | None
    tz: ZoneInfo
    home: Point | None
    working_hours: dict[str, Any]
    # The team's holiday calendar code when the row carried it (load_rep), else None.
    holidays_code: str | None = field(default=None, compare=False)
    # The session the calendar is read from on first use: a kept tour's GET needs only
    # whether its one day is worked, not the rep's whole calendar (absences of all time).
    session: Session | None = field(default=None, repr=False, compare=False)
    user: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, session: Session, user: User, holidays_code: str | None = None) -> "Rep":
        home = (user.home_lat, user.home_lon) if user.home_lat is not None and user.home_lon is not None else None
        return cls(id=user.id, name=user.name, team_id=user.team_id, tz=ZoneInfo(user.timezone or "Europe/Paris"),
                   home=home, working_hours=dict(user.working_hours or {}), holidays_code=holidays_code,
                   session=session, user=user)

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The rep's calendar (server/agenda/workdays.py), read on first use in the session
        the rep was loaded with: the planner touches it (`span`) before its read ends."""
        return load_calendar(self.session, self.user)

    def works_on(self, day: date, *, absent: bool) -> bool:
        """`calendar.is_working(day)`, given whether an absence covers `day` (`absent_on`,
        read with another row), without loading the calendar when it is not loaded yet."""
        if "calendar" in self.__dict__ or self.holidays_code is None:
            return self.calendar.is_working(day)
        return day_calendar(self.working_hours, self.holidays_code, day, absent=absent).is_working(day)

    def span(self, day: date) -> tuple[float, float] | None:
        """(start, end) minutes of that day's working hours; None on a day off, a public
        holiday or an absence (server/agenda/workdays.py; same rules as the booking check)."""
        hours = self.calendar.span(day)
        return (hhmm(hours[0]), hhmm(hours[1])) if hours else None

    def lunch(self) -> Lunch:
        """The lunch rule: `duration` minutes within [start, end]; 12:00–14:00, 60 min when not set."""
        raw = self.working_hours.get("lunch") or DEFAULT_LUNCH
        return Lunch(window_start=hhmm(raw[0]), window_end=hhmm(raw[1]),
                     duration=float(raw[2]) if len(raw) > 2 else 60.0)


@dataclass(frozen=True)
class Booked:
    """A booked appointment of the day: a hard window."""

    id: str
    account_id: str
    name: str
    segment: str
    lat: float | None
    lon: float | None
    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class Done:
    """An on-site visit logged on the day."""

    account_id: str
    appointment_id: str | None
    start: datetime
    end: datetime


@dataclass
class DayInputs:
    rep: Rep
    day: date
    appointments: list[Booked] = field(default_factory=list)
    done: list[Done] = field(default_factory=list)


def hhmm(text: str) -> float:
    hours, minutes = str(text).split(":")[:2]
    return int(hours) * 60 + int(minutes)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the local day, as aware datetimes (23 or 25 hours on DST days)."""
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def minutes_of(moment: datetime, day: date, tz: ZoneInfo) -> float:
    """Wall-clock minutes after local midnight of `day` (negative before, > 1440 after)."""
    local = moment.astimezone(tz)
    wall = datetime.combine(local.date(), local.time())
    return (wall - datetime.combine(day, time(0))).total_seconds() / 60


def at(day: date, minutes: float, tz: ZoneInfo) -> datetime:
    """The aware date-time `minutes` after local midnight of `day`, whole seconds."""
    wall = datetime.combine(day, time(0)) + timedelta(seconds=round(minutes * 60))
    return wall.replace(tzinfo=tz)


def iso(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


# The columns a Rep is made of (with the user's role, to refuse a user who is not a rep).
REP_COLUMNS = (User.id, User.name, User.role, User.team_id, User.timezone, User.home_lat, User.home_lon,
               User.working_hours, Team.holidays)


def load_rep(session: Session, rep_id: str) -> Rep | None:
    """The rep `rep_id`, or None when no such user or not a rep. Reads the columns a Rep
    needs, not the user (no ORM object, no technical teams loaded): every tour GET pays it."""
    user = session.execute(select(*REP_COLUMNS).outerjoin(Team, Team.id == User.team_id)
                           .where(User.id == rep_id)).first()
    if user is None or user.role != "rep":
        return None
    return Rep.of(session, user, holidays_code=user.holidays or DEFAULT_HOLIDAYS)


def appointments_between(session: Session, rep_id: str, start: datetime, end: datetime) -> list[Booked]:
    """Booked (and done) appointments starting in [start, end), with their account, in time order."""
    stmt = (select(Appointment.id, Appointment.account_id, Account.name, Account.segment, Account.lat, Account.lon,
                   Appointment.start, Appointment.end, Appointment.status)  # columns: no ORM objects to build
            .join(Account, Account.id == Appointment.account_id)
            .where(Appointment.rep_id == rep_id, Appointment.status != "cancelled",
                   Appointment.start >= start, Appointment.start < end)
            .order_by(Appointment.start, Appointment.id))
    return [Booked(id=a.id, account_id=a.account_id, name=a.name, segment=a.segment or "C", lat=a.lat, lon=a.lon,
                   start=a.start, end=a.end, status=a.status)
            for a in session.execute(stmt)]


def covered_by_colleagues(session: Session, rep_id: str, start: datetime, end: datetime) -> set[str]:
    """Ids of the rep's own accounts with an appointment (not cancelled) of another rep starting
    in [start, end): a booking moved to a colleague (server/agenda/entity.py) is still the
    account's visit of that week, so its owner does not plan the account as due around it."""
    stmt = (select(Appointment.account_id).join(Account, Account.id == Appointment.account_id)
            .where(Account.owner_id == rep_id, Appointment.rep_id != rep_id, Appointment.status != "cancelled",
                   Appointment.start >= start, Appointment.start < end))
    return set(session.scalars(stmt))


# (id, start, end) of the rep's appointments that hold a slot in [start, end): what a kept
# plan's appointment stops are compared with. Built once, bound at execution (every tour GET runs it).
APPOINTMENT_TIMES = (select(Appointment.id, Appointment.start, Appointment.end)
                     .join(Account, Account.id == Appointment.account_id)
                     .where(Appointment.rep_id == bindparam("rep_id"), Appointment.status != "cancelled",
                            Appointment.start >= bindparam("start"), Appointment.start < bindparam("end")))

_VISITS = (select(Visit.account_id, Visit.appointment_id, Visit.started_at, Visit.ended_at)
           .where(Visit.rep_id == bindparam("rep_id"), Visit.kind == "onsite", Visit.started_at >= bindparam("start"),
                  Visit.started_at < bindparam("end"))
           .order_by(Visit.started_at))


def visits_between(session: Session | Connection, rep_id: str, start: datetime, end: datetime) -> list[Done]:
    """The rep's on-site visits started in [start, end), in time order (read through a session,
    or a connection when nothing can be pending)."""
    return [Done(account_id=r.account_id, appointment_id=r.appointment_id, start=r.started_at,
                 end=r.ended_at or r.started_at + timedelta(minutes=30))
            for r in session.execute(_VISITS, {"rep_id": rep_id, "start": start, "end": end})]


def day_inputs(session: Session, rep: Rep, day: date) -> DayInputs:
    start, end = day_bounds(day, rep.tz)
    return DayInputs(rep=rep, day=day, appointments=appointments_between(session, rep.id, start, end),
                     done=visits_between(session, rep.id, start, end))

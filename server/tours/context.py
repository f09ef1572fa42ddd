"""What planning one rep's day starts from, read from the database into plain values.

The planner core (planner.py) counts in minutes from local midnight; this module turns
the rep's time zone, working hours and lunch, the day's booked appointments and the
visits already logged into that form, and back (`at`). Plain dataclasses only, so the
read transaction can end before the (CPU-bound) planning starts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.workdays import WorkCalendar, load_calendar
from server.agenda.models import Appointment
from server.tours.dayplan import Lunch
from server.tours.travel import Point
from server.users.models import User
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
    calendar: WorkCalendar

    @classmethod
    def of(cls, session: Session, user: User) -> "Rep":
        home = (user.home_lat, user.home_lon) if user.home_lat is not None and user.home_lon is not None else None
        return cls(id=user.id, name=user.name, team_id=user.team_id, tz=ZoneInfo(user.timezone or "Europe/Paris"),
                   home=home, working_hours=dict(user.working_hours or {}), calendar=load_calendar(session, user))

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


_REP_COLUMNS = (User.id, User.name, User.role, User.team_id, User.timezone, User.home_lat, User.home_lon,
                User.working_hours)


def load_rep(session: Session, rep_id: str) -> Rep | None:
    """The rep `rep_id`, or None when no such user or not a rep. Reads the columns a Rep
    needs, not the user (no ORM object, no technical teams loaded): every tour GET pays it."""
    user = session.execute(select(*_REP_COLUMNS).where(User.id == rep_id)).first()
    return Rep.of(session, user) if user is not None and user.role == "rep" else None


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


def visits_between(session: Session, rep_id: str, start: datetime, end: datetime) -> list[Done]:
    stmt = (select(Visit.account_id, Visit.appointment_id, Visit.started_at, Visit.ended_at)
            .where(Visit.rep_id == rep_id, Visit.kind == "onsite", Visit.started_at >= start, Visit.started_at < end)
            .order_by(Visit.started_at))
    return [Done(account_id=r.account_id, appointment_id=r.appointment_id, start=r.started_at,
                 end=r.ended_at or r.started_at + timedelta(minutes=30)) for r in session.execute(stmt)]


def day_inputs(session: Session, rep: Rep, day: date) -> DayInputs:
    start, end = day_bounds(day, rep.tz)
    return DayInputs(rep=rep, day=day, appointments=appointments_between(session, rep.id, start, end),
                     done=visits_between(session, rep.id, start, end))

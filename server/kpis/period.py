"""Who and when a KPI query is about: the reps in the caller's scope and the period.

- A rep sees itself only; a manager its team (or one rep of it); an admin everyone,
  a team or a rep. A `rep_id` or `team_id` outside the caller's scope answers 404,
  like any object it may not see; other roles get 403.
- Dates are whole days in the caller's time zone: `from` 00:00 to the day after `to`
  00:00, as UTC instants for the queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from server.actor import Actor
from server.errors import Invalid, NotFound, Problem
from server.users.models import Team, User

MAX_DAYS = 3 * 366 + 1


class NotAllowed(Problem):
    status, kind, title = 403, "forbidden", "Forbidden"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def instant(self, day: date) -> datetime:
        """Midnight starting `day` in the period's zone, as UTC."""
        return datetime.combine(day, time(0), self.zone).astimezone(UTC)

    @property
    def lower(self) -> datetime:
        return self.instant(self.start)

    @property
    def upper(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return self.instant(self.end + timedelta(days=1))


def period_of(actor: Actor, start: date | None, end: date | None) -> Period:
    zone = ZoneInfo(actor.timezone or "Europe/Paris")
    end = end or datetime.now(zone).date()
    start = start or end - timedelta(days=29)
    if start > end:
        raise Invalid("The period ends before it starts.", errors={"from": ["Must be on or before `to`."]})
    if (end - start).days >= MAX_DAYS:
        raise Invalid("The period is too long.", errors={"from": [f"At most {MAX_DAYS} days before `to`."]})
    return Period(start, end, zone)


@dataclass(frozen=True)
class RepScope:
    """The reps a query is about: `ids` is a subquery of user ids, None for everyone."""

    ids: Select | None
    rep_id: str | None = None
    team_id: str | None = None

    def where(self, column) -> ColumnElement[bool]:
        if self.ids is None:
            return true()
        if self.rep_id is not None:
            return column == self.rep_id
        return column.in_(self.ids)

    def reps(self) -> Select:
        """id and name of the reps in scope."""
        stmt = select(User.id, User.name).where(User.role == "rep")
        return stmt.where(self.where(User.id)).order_by(User.search, User.id)  # accents folded (people.py)


def rep_scope(session: Session, actor: Actor, *, rep_id: str | None = None, team_id: str | None = None) -> RepScope:
    """The reps of the query, or 404 when `rep_id`/`team_id` lies outside the caller's scope."""
    role = actor.role
    if role not in ("rep", "manager", "admin"):
        raise NotAllowed("KPIs are for reps, managers and admins.")
    if role == "rep":
        if (rep_id and rep_id != actor.id) or (team_id and team_id != actor.team_id):
            raise NotFound("No such rep or team in your scope.")
        return RepScope(select(User.id).where(User.id == actor.id), rep_id=actor.id, team_id=actor.team_id)
    if role == "manager":
        if team_id and team_id != actor.team_id:
            raise NotFound(f"No team {team_id}.")
        team_id = actor.team_id
    elif team_id and session.get(Team, team_id) is None:
        raise NotFound(f"No team {team_id}.")
    if rep_id:
        rep = session.get(User, rep_id)
        if rep is None or rep.role != "rep" or (team_id and rep.team_id != team_id):
            raise NotFound(f"No rep {rep_id}.")
        return RepScope(select(User.id).where(User.id == rep_id), rep_id=rep_id, team_id=rep.team_id)
    if team_id:
        return RepScope(select(User.id).where(User.team_id == team_id, User.role == "rep"), team_id=team_id)
    return RepScope(None)

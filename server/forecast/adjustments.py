"""Managers' adjustments per rep and month (kept apart from the computed figures) and
the weekly snapshots of the forecast ("what we said at the start of the month")."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.errors import Forbidden, NotFound
from server.forecast.models import ForecastAdjustment, ForecastSnapshot
from server.kpis.period import RepScope
from server.users.models import User


def add(*, session: Session, actor: Actor, rep_id: str, month: str, amount: float, reason: str) -> ForecastAdjustment:
    """A manager (its team's reps) or an admin adjusts a rep's month; 404 for a rep outside its scope."""
    if not actor.is_staff:
        raise Forbidden("Only a manager adjusts the forecast.")
    rep = session.get(User, rep_id)
    if rep is None or rep.role != "rep" or (actor.role == "manager" and rep.team_id != actor.team_id):
        raise NotFound(f"No rep {rep_id}.", errors={"rep_id": ["Not a rep of your team."]})
    adjustment = ForecastAdjustment(rep_id=rep_id, month=month, amount=amount, reason=reason, author_id=actor.id)
    session.add(adjustment)
    session.flush()
    return adjustment


def listing(*, session: Session, scope: RepScope, months: list[str] | None = None,
            month: str | None = None) -> list[ForecastAdjustment]:
    """The adjustments of the reps in scope, for some months, newest first."""
    stmt = select(ForecastAdjustment).where(scope.where(ForecastAdjustment.rep_id))
    if month:
        stmt = stmt.where(ForecastAdjustment.month == month)
    if months is not None:
        stmt = stmt.where(ForecastAdjustment.month.in_(months))
    return list(session.scalars(stmt.order_by(ForecastAdjustment.created_at.desc(), ForecastAdjustment.id)))


def scope_key(scope: RepScope) -> str:
    if scope.rep_id:
        return f"rep:{scope.rep_id}"
    if scope.team_id:
        return f"team:{scope.team_id}"
    return "all"


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def snapshot(*, session: Session, scope: RepScope, today: date, figures: dict, now: datetime) -> None:
    """Keep the month groups of a forecast once per ISO week and scope (the first one asked wins)."""
    week, key = week_of(today), scope_key(scope)
    taken = set(session.scalars(select(ForecastSnapshot.month).where(
        ForecastSnapshot.week == week, ForecastSnapshot.scope == key,
        ForecastSnapshot.month.in_([g["key"] for g in figures["groups"]]))))
    for group in figures["groups"]:
        if group["key"] not in taken:
            session.add(ForecastSnapshot(week=week, scope=key, month=group["key"], taken_at=now,
                                         figures={**group, "model": figures["model"]}))
    session.flush()


def snapshots(*, session: Session, scope: RepScope, month: str) -> list[dict]:
    """What the forecast said about `month`, week by week, oldest first."""
    rows = session.scalars(select(ForecastSnapshot).where(
        ForecastSnapshot.scope == scope_key(scope), ForecastSnapshot.month == month).order_by(ForecastSnapshot.week))
    return [{"week": row.week.isoformat(), "taken_at": row.taken_at.isoformat().replace("+00:00", "Z"),
             **{k: row.figures.get(k) for k in ("won", "weighted", "best_case", "commit", "open_count")}}
            for row in rows]

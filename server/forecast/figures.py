"""What the forecast endpoints answer: the caller's scope and period, the deals, the figures."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from server.accounts.csvfile import french_number, write_rows
from server.accounts.models import Account
from server.actor import Actor
from server.db import utcnow
from server.forecast import adjustments, backtest, deals, knowledge, service
from server.kpis.period import NotAllowed, Period, RepScope, period_of, rep_scope
from server.users.models import User


def default_period(actor: Actor, start: date | None, end: date | None, now: datetime) -> Period:
    """From the first day of this month to the end of the month after next, unless given."""
    zone = period_of(actor, None, None).zone
    today = now.astimezone(zone).date()
    start = start or (end.replace(day=1) if end else today.replace(day=1))
    if end is None:
        after = start.replace(day=1)
        for _ in range(3):
            after = (after + timedelta(days=32)).replace(day=1)
        end = after - timedelta(days=1)
    return period_of(actor, start, end)


def _context(session: Session, actor: Actor, args: dict, now: datetime):
    scope = rep_scope(session, actor, rep_id=args.get("rep_id"), team_id=args.get("team_id"))
    period = default_period(actor, args.get("from_"), args.get("to"), now)
    known = knowledge.cached(session, now, current_app.config)
    scoped = deals.load(session, scope.where, closed_since=period.lower)
    return scope, period, known, scoped


def forecast(*, session: Session, actor: Actor, args: dict, now: datetime | None = None) -> dict:
    """GET /api/forecast: the figures, the adjustments beside them; the month figures are snapshotted weekly."""
    now = now or utcnow()
    scope, period, known, scoped = _context(session, actor, args, now)
    figures = service.forecast(deals=scoped, known=known, now=now, period=period, group_by=args["group_by"])
    months = service.months(period.start, period.end)
    found = adjustments.listing(session=session, scope=scope, months=months)
    figures["adjustment"] = round(sum(a.amount for a in found), 2)
    figures["adjustments"] = [{"id": a.id, "rep_id": a.rep_id, "month": a.month, "amount": a.amount,
                               "reason": a.reason, "author_id": a.author_id} for a in found]
    if args["group_by"] == "month":
        adjustments.snapshot(session=session, scope=scope, today=now.astimezone(period.zone).date(),
                             figures=figures, now=now)
    return figures


def pipeline(*, session: Session, actor: Actor, args: dict, now: datetime | None = None) -> dict:
    """GET /api/forecast/pipeline: the open deals behind the forecast, and the model's calibration."""
    now = now or utcnow()
    _scope, period, known, scoped = _context(session, actor, args, now)
    rows = service.pipeline(deals=scoped, known=known, now=now, period=period)
    accounts = dict(session.execute(select(Account.id, Account.name).where(
        Account.id.in_({r["account_id"] for r in rows}))).tuples().all()) if rows else {}
    reps = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({r["rep_id"] for r in rows}))).tuples().all()) if rows else {}
    for row in rows:
        row["account_name"], row["rep_name"] = accounts.get(row["account_id"]), reps.get(row["rep_id"])
    return {"from": period.start.isoformat(), "to": period.end.isoformat(), "as_of": now.isoformat(), "deals": rows}


def csv_text(figures: dict) -> str:
    """GET /api/forecast.csv: one line per group and the total, for French spreadsheets
    (semicolons, UTF-8 with BOM, decimal commas)."""
    header = ["from", "to", "key", "won", "weighted", "best_case", "commit", "open_count"]
    span = [figures["from"], figures["to"]]
    lines = [[*span, g["key"], *(french_number(g[n]) for n in header[3:7]), g["open_count"]] for g in figures["groups"]]
    lines.append([*span, "total", *(french_number(figures[n]) for n in header[3:7]),
                  sum(g["open_count"] for g in figures["groups"])])
    return "".join(write_rows(header, lines))


def model(*, session: Session, actor: Actor, now: datetime | None = None) -> dict:
    """GET /api/forecast/model: which model, on how many deals, its Brier score and calibration per band;
    `examples` (one per stage a closed deal went through) is what the bands' counts add up to."""
    _staff_only(actor)
    known = knowledge.cached(session, now or utcnow(), current_app.config)
    return {**known.model.describe(), "examples": known.model.examples, "calibration": known.model.calibration,
            "delay_days": known.delay_days,
            "stage_probabilities": known.model.stage_probabilities}


def run_backtest(*, session: Session, actor: Actor, args: dict, now: datetime | None = None) -> dict:
    """GET /api/forecast/backtest (managers and admins)."""
    _staff_only(actor)
    scope = rep_scope(session, actor, rep_id=args.get("rep_id"), team_id=args.get("team_id"))
    now = now or utcnow()
    config = current_app.config
    history = deals.load(session, lambda _column: true())
    scoped = history if scope.ids is None else deals.load(session, scope.where)
    return backtest.backtest(deals=scoped, history=history, months=args["months"], now=now,
                             zone=period_of(actor, None, None).zone,
                             stage_probabilities=config["FORECAST_STAGE_PROBABILITIES"],
                             min_history=config["FORECAST_MIN_HISTORY"])


def _staff_only(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotAllowed("The backtest and the model are for managers and admins.")


def snapshots(*, session: Session, actor: Actor, args: dict) -> list[dict]:
    scope: RepScope = rep_scope(session, actor, rep_id=args.get("rep_id"), team_id=args.get("team_id"))
    return adjustments.snapshots(session=session, scope=scope, month=args["month"])

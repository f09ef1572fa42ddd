"""Tours as a service: who may see a rep's tour, planning it once and keeping it, re-planning.

- `get_tour`: the kept `TourPlan` of (rep, date), planned on first request. A kept plan
  is planned again when it is *stale*: an appointment of that day was booked, moved or
  cancelled (the appointment entity's `after_change` calls `appointment_changed`, which
  sets `"stale": true` in the kept plan in the booking's own transaction, so tablets
  pull the flag), a later day planned a due visit to an account visited since
  (`visits_logged`, once per push), or the day's appointments no longer match the plan's appointment
  stops (a deletion, or a write that bypassed the sync engine).
- `replan`: plans again from the current state (due list, appointments, visits).
- Read-time marks, never stored: a stop is `"done": true` when the rep logged an on-site
  visit at that account that day (or its appointment is `done`); `"skipped": true` when
  its time is over without a visit. A public holiday's `name` is given in the caller's
  language (the kept plan holds the French one), beside its `names` in every language
  of the app, which the kept plan holds too for the tablets that get it by pull.
- Planning is off the request path (server/tours/worker.py): a kept plan's GET is a
  plain read (SQLite: a deferred BEGIN, no write lock). A day never planned, or whose
  kept plan is stale, gets a *quick plan* at once (the insertion heuristic on straight-
  line drives, a few ms; `"solver": "fallback"`, `"provisional": true`), kept and
  queued (`TourPlanJob`) for the background planner, which replaces it with the full
  search. A day not worked is not queued, so its plan is not provisional. Bookings,
  cancellations and absences queue the days they touch themselves.
- Keeping a plan reads everything, ends the read transaction, plans (no lock held),
  then writes under the change counter's lock (PROTOCOL C1), which also makes two
  first requests for the same day keep one plan.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, bindparam, delete, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.actor import Actor
from server.agenda.workdays import DEFAULT_HOLIDAYS, absent_on
from server.db import is_uuid, utcnow
from server.errors import NotFound
from server.extensions import writing
from server.i18n import language
from server.tours.context import APPOINTMENT_TIMES, REP_COLUMNS, Rep, day_bounds, load_rep, visits_between
from server.tours.models import TourPlan, TourPlanJob
from server.tours.planning import gather, holiday_names, quick_travel, solve, travel_model
from server.users.models import Team, User
from sync.changes import change_numbers, now_ms


# A kept tour's GET reads its rep, the rep's team holidays, the kept plan (the document
# alone: not its per-field metadata) and whether an absence covers the day in one row,
# by a statement built once with bound parameters: building a SELECT costs more CPU
# than running it (docs/benchmarks.md, bench_reads). No row: no such user.
_KEPT_READ = (
    select(*REP_COLUMNS, TourPlan.id.label("kept"), TourPlan.plan,
           absent_on(User.id, bindparam("day", type_=Date)).label("absent"))
    .select_from(User)
    .outerjoin(Team, Team.id == User.team_id)
    .outerjoin(TourPlan, and_(TourPlan.rep_id == User.id, TourPlan.date == bindparam("day", type_=Date)))
    .where(User.id == bindparam("rep_id")))


def authorised_rep(session: Session, actor: Actor, rep_id: str) -> Rep:
    """The rep whose tour/agenda `actor` may see: itself, its manager and team's telemarketers, admin."""
    rep = load_rep(session, rep_id) if is_uuid(rep_id) else None
    if rep is None or not _allowed(actor, rep):
        raise NotFound(f"No rep {rep_id}.")
    return rep


def _allowed(actor: Actor, rep: Rep) -> bool:
    return (actor.role == "admin" or actor.id == rep.id
            or (actor.role in ("manager", "telemarketer") and actor.team_id is not None and actor.team_id == rep.team_id))


def get_tour(*, session: Session, actor: Actor, rep_id: str, day: date, config, now: datetime | None = None) -> dict:
    """The rep's tour of `day` as the API represents it (API.md → Tours): the kept plan with
    this moment's marks, or a quick plan kept at once. Unknown rep or outside the caller's
    team → NotFound."""
    now = now or utcnow()
    if not is_uuid(rep_id):
        raise NotFound(f"No rep {rep_id}.")
    # The rep, its team's holidays, the kept plan and whether an absence covers the day: one row.
    row = session.connection().execute(_KEPT_READ, {"rep_id": rep_id, "day": day}).first()
    rep = None
    if row is not None and row.role == "rep":
        rep = Rep.of(session, row, holidays_code=row.holidays or DEFAULT_HOLIDAYS)
    if rep is None or not _allowed(actor, rep):
        raise NotFound(f"No rep {rep_id}.")
    if row.kept is not None and not _stale(session, rep, day, row.plan or {}, absent=bool(row.absent)):
        return annotate(session, rep, day, row.plan, now=now)
    return plan_and_keep(session, rep, day, config=config, now=now, force=row.kept is not None, quick=True)


def replan(*, session: Session, actor: Actor, rep_id: str, day: date, config, now: datetime | None = None) -> dict:
    rep = authorised_rep(session, actor, rep_id)
    return plan_and_keep(session, rep, day, config=config, now=now or utcnow(), force=True, quick=True)


def week(*, session: Session, actor: Actor, rep_id: str, day: date, config, now: datetime | None = None) -> dict:
    """The working days of the week of `day` (Monday first), each kept as its own plan."""
    rep = authorised_rep(session, actor, rep_id)
    now = now or utcnow()
    monday = day - timedelta(days=day.weekday())
    days = [d for d in (monday + timedelta(days=n) for n in range(7)) if rep.span(d) is not None][:5]
    plans = [_kept_or_planned(session, rep, d, config=config, now=now) for d in days]
    totals = {k: round(sum(p["totals"][k] for p in plans), 1) for k in ("drive_km", "drive_min", "visit_min")}
    return {"rep_id": rep.id, "week_start": monday.isoformat(), "days": plans, "totals": totals}


def _kept_or_planned(session: Session, rep: Rep, day: date, *, config, now: datetime) -> dict:
    # The plan document alone: the kept row's other columns (its per-field metadata) are not needed to read it.
    # Whether an absence covers the day comes with it: a kept plan's check needs no calendar.
    kept = session.execute(select(TourPlan.plan, absent_on(rep.id, day).label("absent"))
                           .where(TourPlan.rep_id == rep.id, TourPlan.date == day)).first()
    if kept is not None and not _stale(session, rep, day, kept.plan or {}, absent=bool(kept.absent)):
        return annotate(session, rep, day, kept.plan, now=now)
    return plan_and_keep(session, rep, day, config=config, now=now, force=kept is not None, quick=True)


def _stale(session: Session, rep: Rep, day: date, plan: dict, *, absent: bool) -> bool:
    if plan.get("stale") or "stops" not in plan:
        return True
    if plan.get("working_day", plan.get("working", True)) != rep.works_on(day, absent=absent):
        return True  # an absence or a holiday calendar changed since it was planned
    start, end = day_bounds(day, rep.tz)
    # Only what the comparison needs, by a statement built once (context.APPOINTMENT_TIMES).
    current = {(a.id, round(a.start.timestamp()), round(a.end.timestamp()))
               for a in session.connection().execute(APPOINTMENT_TIMES, {"rep_id": rep.id, "start": start, "end": end})}
    # The booked times the plan was made for: a late appointment's stop arrives after them
    # (planning._booked_times); a plan kept before they were stored has them as arrive/depart.
    shown = {(s["appointment_id"], round(datetime.fromisoformat(s.get("booked_start") or s["arrive"]).timestamp()),
              round(datetime.fromisoformat(s.get("booked_end") or s["depart"]).timestamp()))
             for s in plan["stops"] if s.get("kind") == "appointment"}
    return current != shown


def plan_and_keep(session: Session, rep: Rep, day: date, *, config, now: datetime, force: bool, quick: bool,
                  job_requested_at: datetime | None = None) -> dict:
    """Plan the day from the current state and keep it; the kept document with read-time marks.

    `quick`: the request path's plan (see the module's docstring), queued for the
    background planner in the same transaction. Otherwise the full search (up to
    `TOUR_TIME_LIMIT_S`) for the background planner, which passes the `requested_at`
    of the job it claimed: the job is done unless it was requested again meanwhile."""
    gathered = gather(session, rep, day, now=now, horizon_days=horizon_days(config))
    session.rollback()  # end the read transaction: no lock is held while the solver thinks
    if quick:
        doc = solve(gathered, travel=quick_travel(config), time_limit_s=0.05, now=now, solver="fallback")
        if gathered.span is not None:  # a day not worked is never queued: nothing will replace it
            doc["provisional"] = True
    else:
        doc = solve(gathered, travel=travel_model(config), time_limit_s=float(config.get("TOUR_TIME_LIMIT_S", 1.0)),
                    now=now)
    with writing():
        with change_numbers(session) as numbers:  # C1: serialised with every other writer until commit
            kept = session.scalar(select(TourPlan).where(TourPlan.rep_id == rep.id, TourPlan.date == day))
            if kept is not None and not force and not (kept.plan or {}).get("stale") and "stops" in (kept.plan or {}):
                doc = kept.plan  # another request planned it first: keep that one
            else:
                if kept is None:
                    kept = TourPlan(rep_id=rep.id, date=day, plan=doc, solver=doc["solver"], field_meta={})
                    session.add(kept)
                else:
                    kept.plan, kept.solver = doc, doc["solver"]
                numbers.stamp(kept, ("plan", "solver"), time_ms=now_ms(), user_id=None)
                if quick and gathered.span is not None:
                    request_plan(session, rep.id, day, now=now)
            if job_requested_at is not None:
                session.execute(delete(TourPlanJob).where(
                    TourPlanJob.rep_id == rep.id, TourPlanJob.date == day, TourPlanJob.requested_at == job_requested_at))
                session.execute(update(TourPlanJob).where(TourPlanJob.rep_id == rep.id, TourPlanJob.date == day)
                                .values(claimed_by=None, lease_until=None))
        session.commit()
    return annotate(session, rep, day, doc, now=now)


def request_plan(session: Session, rep_id: str, day: date, *, now: datetime | None = None) -> None:
    """Queue (rep, day) for the background planner, in the caller's transaction; a day
    already queued is requested again (so a planner busy with it plans it once more)."""
    values = {"rep_id": rep_id, "date": day, "requested_at": now or utcnow()}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(TourPlanJob.__table__).values(**values)
    # On the connection, not through the ORM: an ORM statement would flush the session,
    # and a push's hooks run without autoflush while it hands out change numbers.
    session.connection().execute(stmt.on_conflict_do_update(index_elements=["rep_id", "date"],
                                                            set_={"requested_at": stmt.excluded.requested_at}))


def annotate(session: Session, rep: Rep, day: date, plan: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The kept plan with this moment's `done` / `skipped` marks (not stored)."""
    start, end = day_bounds(day, rep.tz)
    # On the connection: nothing is pending in a read, and the ORM's execution costs more than the query.
    visits = visits_between(session.connection(), rep.id, start, end) if start <= now else []
    visited = {v.account_id for v in visits}
    through = {v.appointment_id for v in visits if v.appointment_id}
    stops = []
    for stop in plan.get("stops", []):
        done = bool(stop.get("done")) or stop["account_id"] in visited or (
            stop.get("appointment_id") is not None and stop["appointment_id"] in through)
        over = datetime.fromisoformat(stop["depart"]) < now
        stops.append({**stop, "done": done, "skipped": over and not done})
    doc = {**plan, "stops": stops}
    off = plan.get("day_off")
    if off:
        doc.pop("provisional", None)  # kept before days off stopped being marked so
        if off.get("kind") == "holiday":
            # Named again from the calendar: a plan kept before `names` were stored gets them too.
            names = holiday_names(rep.holidays_code or rep.calendar.holidays_code, day)
            doc["day_off"] = {**off, "names": names or off.get("names") or {}, "name": holiday_name(names, off)}
    return doc


def holiday_name(names: dict[str, str], off: dict[str, Any]) -> str | None:
    """The holiday named in the caller's language (API.md → Language); the kept (French) name
    when the calendar has none in that language."""
    return names.get(language()) or off.get("name")


def appointment_changed(ctx, record) -> None:
    """after_change of an appointment: the kept plans of the day it left and the day it is on go
    stale, and are queued for the background planner; so do those of the days before it (within
    `TOUR_DUE_HORIZON_DAYS`) and of its week that plan its account as a due visit, which the
    booking replaces, and of the days after it that plan its account (the booking counts as its
    visit there). A booking cancelled, or moved away from a day, gives its account back to
    that day's window: every kept plan from today on goes stale too, as those days left the
    account out for the booking."""
    horizon = horizon_days()
    for rep_id, start, account_id, released in _with_owners(ctx.session, _days_touched(record)):
        rep = load_rep(ctx.session, rep_id)
        if rep is None or start is None:
            continue
        day = start.astimezone(rep.tz).date()
        request_plan(ctx.session, rep_id, day)
        # The booked account is not planned as due on the days before it within the horizon,
        # nor on the other days of its week (planning.gather), nor after it until its cadence
        # brings it back (due.py, booked not yet visited): those kept plans change too.
        first = day - timedelta(days=horizon)
        today = utcnow().astimezone(rep.tz).date()  # a past day's kept plan is left as it was
        for kept in ctx.session.scalars(select(TourPlan).where(TourPlan.rep_id == rep_id, TourPlan.date >= first)):
            if kept.date != day and not (released and kept.date >= today) and not any(
                    s.get("account_id") == account_id for s in (kept.plan or {}).get("stops") or []):
                continue  # a neighbouring day that does not visit the account keeps its plan
            _replan(ctx, kept)


def _days_touched(record) -> list[tuple[str, datetime | None, str, bool]]:
    """(rep id, start, account id, released) of the bookings an appointment's change touches:
    as it is now, and as it was when it moved (rep, start or account changed). `released`: the
    account is no longer booked there (cancelled now, or moved away from a live booking)."""
    state = inspect(record)

    def was(name: str):
        deleted = getattr(state.attrs, name).history.deleted
        return deleted[0] if deleted else getattr(record, name)

    live_before = was("status") != "cancelled"
    now = (record.rep_id, record.start, record.account_id)
    touched = [(*now, record.status == "cancelled" and live_before)]
    before = (was("rep_id"), was("start"), was("account_id"))
    if before != now:
        touched.append((*before, live_before))
    return touched


def _with_owners(session: Session, touched: list[tuple]) -> list[tuple]:
    """`touched` and, for a booking held by a colleague of the account's owner (a move to
    another rep, server/agenda/entity.py), the same day for the owner: its tour counts the
    colleague's booking as the account's visit (planning.gather), so it changes with it."""
    from server.accounts.models import Account
    out = list(touched)
    for rep_id, start, account_id, released in touched:
        owner = session.scalar(select(Account.owner_id).where(Account.id == account_id))
        if owner is not None and owner != rep_id and not any(t[0] == owner and t[1] == start for t in out):
            out.append((owner, start, account_id, released))
    return out


def horizon_days(config=None) -> int:
    """`TOUR_DUE_HORIZON_DAYS` (days, 7 when unset) of `config` (a mapping), by default of the
    running app's (7 outside one): the one reading of it, by planning (a due visit is planned
    that many days ahead of its date, a booking that near replaces it) and by the bookings
    that make the kept plans of those days stale, so both mean the same days."""
    if config is None:
        from flask import current_app, has_app_context
        config = current_app.config if has_app_context() else {}
    return int(config.get("TOUR_DUE_HORIZON_DAYS", 7))


def days_changed(ctx, rep_id: str, days) -> None:
    """The kept plans of `rep_id` on `days` go stale, in the writer's transaction (an absence
    added, moved or removed), so they are planned again and tablets pull the flag."""
    for kept in ctx.session.scalars(select(TourPlan).where(TourPlan.rep_id == rep_id, TourPlan.date.in_(sorted(days)))):
        _replan(ctx, kept)


def portfolios_changed(ctx, rep_ids, *, since: date) -> None:
    """The kept plans of the reps `rep_ids` (user ids), from `since` on, go stale and are queued,
    in the writer's transaction: an import that adds, moves or relocates accounts changes the
    due lists of their days, as a booking or a visit does. `ctx` as `days_changed`'s."""
    for kept in ctx.session.scalars(select(TourPlan).where(TourPlan.rep_id.in_(sorted(set(rep_ids))),
                                                           TourPlan.date >= since)):
        _replan(ctx, kept)


def visits_logged(ctx, visited: dict[str, dict[str, datetime]]) -> None:
    """After a push's visits (`visited`: owner's user id → {account id: the visit's start, an
    aware datetime}), the owner's kept plans of the days after the visit's and after today that
    plan the account as a due (or overdue) visit go stale and are queued: the account is no
    longer due there (its cadence moved its due date). The visit's own day keeps its plan (the
    stop reads `done`), and today's is not reordered under a rep on the road (as
    worker._outdated); an appointment stop stays booked. One query per owner. The other kept
    plans of the rep follow its accounts' changes after REPLAN_QUIET_S (server/tours/worker.py)."""
    for rep_id, accounts in visited.items():
        # The owner's zone only (the days are its local days): a push pays this once per owner.
        zone = ctx.session.execute(select(User.timezone).where(User.id == rep_id, User.role == "rep")).first()
        if zone is None:
            continue
        tz = ZoneInfo(zone.timezone or "Europe/Paris")
        today = utcnow().astimezone(tz).date()
        after = {account_id: started.astimezone(tz).date() for account_id, started in accounts.items()}
        first = max(today, min(after.values())) + timedelta(days=1)  # today's is not reordered under the rep
        for kept in ctx.session.scalars(select(TourPlan).where(TourPlan.rep_id == rep_id, TourPlan.date >= first)):
            if any(s.get("kind") != "appointment" and kept.date > after.get(s.get("account_id"), kept.date)
                   for s in (kept.plan or {}).get("stops") or []):
                _replan(ctx, kept)


def _replan(ctx, kept: TourPlan) -> None:
    """`kept` goes stale (stamped, so tablets pull the flag) and its day is queued for the planner."""
    if not (kept.plan or {}).get("stale"):
        kept.plan = {**(kept.plan or {}), "stale": True}
        ctx.numbers.stamp(kept, ("plan",), time_ms=ctx.time_ms, user_id=ctx.actor.id)
    request_plan(ctx.session, kept.rep_id, kept.date)


def kept_plans(session: Session, rep_id: str, first: date, last: date) -> list[TourPlan]:
    return list(session.scalars(select(TourPlan).where(TourPlan.rep_id == rep_id, TourPlan.date >= first,
                                                       TourPlan.date <= last).order_by(TourPlan.date)))

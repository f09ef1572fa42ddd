"""The background tour planner: plans the queued days with the full search, off the request path.

Beside the quote dispatcher, with the same deployment story: `tournee plan-tours` polls
until SIGTERM (`--once` plans what is queued and exits), `tournee serve` starts one, and
several may run at once, on one host or many. Steps:

- **P1 ahead**: each round, the coming `TOUR_PLAN_AHEAD_DAYS` working days of every
  active rep that have no kept plan, or only a quick or stale one, or one kept before
  the last change to the rep's accounts (an import, a visit logged: `_outdated`), are
  queued (`TourPlanJob`, service.request_plan). Bookings, cancellations and absences
  queue the days they touch in their own transaction (service.appointment_changed,
  days_changed).
- **P2 claim** (one short transaction): the oldest requests without a live lease.
  PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, then the lease; SQLite (no SKIP
  LOCKED): a conditional `UPDATE … WHERE lease is free` per job, won when rowcount is 1
  (sync/dispatch.py D1 does the same). A planner that dies leaves its lease to expire.
- **P3 plan**: service.plan_and_keep with the full search (no lock held while it
  thinks), which keeps the plan and deletes the job in one transaction, unless the day
  was requested again meanwhile: then the job stays, its lease released, and is planned
  once more.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.db import utcnow
from server.tours.context import load_rep
from server.tours.models import TourPlan, TourPlanJob
from server.tours.service import plan_and_keep, request_plan
from server.users.models import User

log = logging.getLogger(__name__)

REPLAN_QUIET_S = 15 * 60  # a kept plan with stops is planned again for its accounts' changes at most so often
LEASE_S = 60.0  # far above one day's search (TOUR_TIME_LIMIT_S, 1 s by default)
BATCH = 8


def default_planner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_ahead(session: Session, *, now: datetime, days: int) -> int:
    """P1: queue the coming `days` working days of each active rep not yet planned in full.
    Commits; returns how many days were queued."""
    queued = 0
    reps = session.scalars(select(User).where(User.role == "rep", User.active.is_(True))).all()
    for user in reps:
        rep = load_rep(session, user.id)
        if rep is None:
            continue
        today = now.astimezone(rep.tz).date()
        coming = _working_days(rep, today, days)
        if not coming:
            continue
        kept = {p.date: (p.plan or {}, p.version) for p in session.execute(
            select(TourPlan.date, TourPlan.plan, TourPlan.version).where(
                TourPlan.rep_id == rep.id, TourPlan.date.in_(coming)))}
        waiting = set(session.scalars(select(TourPlanJob.date).where(
            TourPlanJob.rep_id == rep.id, TourPlanJob.date.in_(coming))))
        # The last change to the rep's accounts (the top of ix_account_owner_version): an import,
        # an edit, a visit logged (it moves the account's due date), a segment recomputed.
        accounts_changed = session.scalar(select(func.max(Account.version)).where(Account.owner_id == rep.id))
        for day in coming:
            plan, version = kept.get(day, (None, None))
            if day not in waiting and (plan is None or plan.get("stale") or plan.get("provisional")
                                       or _outdated(plan, version, accounts_changed, later=day > today, now=now)):
                request_plan(session, rep.id, day, now=now)
                queued += 1
    session.commit()
    return queued


def _outdated(plan: dict, version: int | None, accounts_changed: int | None, *, later: bool,
              now: datetime) -> bool:
    """A kept plan older than the last change to its rep's accounts (change numbers: the
    plan's row and the accounts share one counter). A plan with no stop yet (accounts
    imported after it) at once. One with stops only for a day after today, so a rep on
    the road never sees the rest of the day reordered under them, and once it is
    REPLAN_QUIET_S old: every visit synced moves an account, and a rep's day of visits
    must not cost a full search of each coming day per visit."""
    if version is None or accounts_changed is None or accounts_changed <= version:
        return False
    if not plan.get("stops"):
        return True
    planned_at = plan.get("planned_at")
    return later and (planned_at is None
                      or now - datetime.fromisoformat(planned_at) >= timedelta(seconds=REPLAN_QUIET_S))


def _working_days(rep, today: date, days: int) -> list[date]:
    return [d for d in (today + timedelta(days=n) for n in range(days)) if rep.span(d) is not None]


def claim(session: Session, *, now: datetime, planner_id: str, batch: int = BATCH,
          lease_s: float = LEASE_S) -> list[tuple[str, date, datetime]]:
    """P2: (rep_id, date, requested_at) of the jobs this planner now holds. Commits."""
    free = or_(TourPlanJob.lease_until.is_(None), TourPlanJob.lease_until < now)
    stmt = select(TourPlanJob).where(free).order_by(TourPlanJob.requested_at).limit(batch)
    lease = {"claimed_by": planner_id, "lease_until": now + timedelta(seconds=lease_s)}
    won: list[tuple[str, date, datetime]] = []
    if session.get_bind().dialect.name == "postgresql":
        for job in session.scalars(stmt.with_for_update(skip_locked=True)).all():
            job.claimed_by, job.lease_until = lease["claimed_by"], lease["lease_until"]
            won.append((job.rep_id, job.date, job.requested_at))
    else:
        for job in session.scalars(stmt).all():
            taken = session.execute(update(TourPlanJob).where(
                TourPlanJob.rep_id == job.rep_id, TourPlanJob.date == job.date, free).values(**lease))
            if taken.rowcount == 1:
                won.append((job.rep_id, job.date, job.requested_at))
    session.commit()
    return won


def run_once(session: Session, *, config, now: datetime | None = None, planner_id: str | None = None) -> int:
    """P1–P3 once: queue the coming days, then plan every job claimed. Returns days planned."""
    now = now or utcnow()
    queue_ahead(session, now=now, days=int(config.get("TOUR_PLAN_AHEAD_DAYS", 5)))
    planned = 0
    while jobs := claim(session, now=now, planner_id=planner_id or default_planner_id()):
        for rep_id, day, requested_at in jobs:
            rep = load_rep(session, rep_id)
            try:
                if rep is None:  # the user is gone: nothing to plan
                    session.execute(delete(TourPlanJob).where(TourPlanJob.rep_id == rep_id, TourPlanJob.date == day))
                    session.commit()
                    continue
                plan_and_keep(session, rep, day, config=config, now=now, force=True, quick=False,
                              job_requested_at=requested_at)
                planned += 1
            except Exception:  # one bad day must not stop the others; its lease expires
                session.rollback()
                log.exception("planning %s of rep %s failed", day, rep_id)
        session.rollback()
    return planned


def run_forever(*, session_factory: Callable[[], Session], config, interval: float, stop: threading.Event,
                planner_id: str | None = None) -> int:
    """Poll every `interval` seconds until `stop` is set; returns the days planned."""
    planned = 0
    while not stop.is_set():
        session = session_factory()
        try:
            planned += run_once(session, config=config, planner_id=planner_id)
        except Exception:
            log.exception("tour planner round failed")
        finally:
            session.close()
        stop.wait(interval)
    return planned

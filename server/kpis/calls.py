"""The telemarketer's call list: the team's accounts to call to book a visit.

An account is on the list when the cadence policy wants a visit soon — its
`next_due_at` (last on-site visit + cadence interval) falls within the horizon
(default 14 days) or is already past — and no booked appointment is ahead of it.
Accounts never visited (no due date) come after those with a date; competitors
are left out. Order: segment A, B, C, then the most overdue first. Each row
carries the last contact's outcome and notes, so the caller knows what was said.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.accounts.statuses import keys_of_kind
from server.actor import Actor
from server.agenda.models import Appointment
from server.kpis.period import NotAllowed
from server.scope import condition
from server.users.models import User
from server.visits.models import Visit

ROLES = ("telemarketer", "manager", "admin", "rep")


def call_list(*, session: Session, actor: Actor, rep_id: str | None = None, segment: str | None = None,
              horizon_days: int = 14, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    if actor.role not in ROLES:
        raise NotAllowed("The call list is for telemarketers, managers and admins.")
    zone = ZoneInfo(actor.timezone or "Europe/Paris")
    today = datetime.now(zone).date()
    now = datetime.now(UTC)
    until = datetime.combine(today + timedelta(days=horizon_days + 1), time(0), zone).astimezone(UTC)
    booked_ahead = exists().where(Appointment.account_id == Account.id, Appointment.status == "booked",
                                  Appointment.start >= now)
    stmt = (select(Account, User.name.label("owner_name"))
            .join(User, User.id == Account.owner_id)
            .where(condition("account", actor), Account.status.not_in(keys_of_kind(session, "competitor")),
                   or_(Account.next_due_at.is_(None), Account.next_due_at < until), ~booked_ahead))
    if rep_id:
        stmt = stmt.where(Account.owner_id == rep_id)
    if segment:
        stmt = stmt.where(Account.segment == segment)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    order = (Account.segment, case((Account.next_due_at.is_(None), 1), else_=0), Account.next_due_at, Account.name, Account.id)
    rows = session.execute(stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    last = _last_contacts(session, [account.id for account, _ in rows])
    items = []
    for account, owner_name in rows:
        due = account.next_due_at
        items.append({
            "account_id": account.id, "name": account.name, "segment": account.segment, "status": account.status,
            "city": account.city, "postcode": account.postcode, "phone": account.phone,
            "owner_id": account.owner_id, "owner_name": owner_name,
            "next_due_at": due.isoformat() if due else None,
            "last_visit_at": account.last_visit_at.isoformat() if account.last_visit_at else None,
            "late_days": (today - due.astimezone(zone).date()).days if due else None,
            "last_contact": last.get(account.id)})
    return {"items": items, "total": total, "as_of": today.isoformat()}


def _last_contacts(session: Session, account_ids: list[str]) -> dict[str, dict]:
    """The latest visit (any kind) of each account, in one windowed query."""
    if not account_ids:
        return {}
    ranked = (select(Visit.account_id, Visit.started_at, Visit.kind, Visit.outcome, Visit.notes, Visit.next_action,
                     func.row_number().over(partition_by=Visit.account_id, order_by=Visit.started_at.desc()).label("n"))
              .where(Visit.account_id.in_(account_ids)).subquery())
    rows = session.execute(select(ranked).where(ranked.c.n == 1))
    return {r.account_id: {"at": r.started_at.isoformat() if r.started_at else None, "kind": r.kind,
                           "outcome": r.outcome, "notes": r.notes, "next_action": r.next_action} for r in rows}


def reps(*, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The reps in the caller's scope, by name: for pickers on the desk screens."""
    if actor.role not in (*ROLES, "backoffice"):
        raise NotAllowed("The list of reps is for the desk roles.")
    stmt = select(User.id, User.name, User.team_id).where(User.role == "rep", User.active.is_(True))
    if actor.role == "backoffice":  # the reps whose quotes reached its technical teams
        from server.quotes.models import QuoteRequest
        stmt = stmt.where(User.id.in_(select(QuoteRequest.rep_id).where(QuoteRequest.team_id.in_(actor.tech_team_ids))))
    elif actor.role == "rep":
        stmt = stmt.where(User.id == actor.id)
    elif actor.role != "admin":
        stmt = stmt.where(User.team_id == actor.team_id)
    return [{"id": i, "name": n, "team_id": t} for i, n, t in session.execute(stmt.order_by(User.search, User.id))]

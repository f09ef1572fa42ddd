"""CSV exports of contacts, visits, quote requests and action plans, within the caller's scope.

Each export is one set-based select (names joined in, no query per row) whose rows go
through server/common/spreadsheet.py; ids are written so that a row can be found
again. Header names are the API's field names (API.md → Records), the same words an
import reads.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from server.accounts.models import Account, Contact
from server.actor import Actor
from server.quotes.models import QuoteRequest, TechnicalTeam
from server.scope import condition
from server.users.models import User
from server.visits.models import Visit

# Headers are msgids: csv_response writes them in the caller's language (server/i18n.py).
CONTACT_HEADER = ["Id", "Account id", "Account reference", "Account", "Name", "Roles", "Phone", "E-mail"]
VISIT_HEADER = ["Id", "Account id", "Account", "Rep id", "Rep", "Started at", "Ended at", "Kind", "Outcome",
                "Maturity", "Notes", "Next action"]
QUOTE_HEADER = ["Id", "Account id", "Account", "Rep", "Product line", "Urgency", "Status", "Technical team",
                "Created at", "Routed at", "Quoted at", "Closed at", "Amount", "Items", "Notes"]
PLAN_TARGETS = {"visits": "%(segment)s visits target", "calls": "%(segment)s calls target",
                "revenue": "%(segment)s revenue target"}


def _rows(session: Session, stmt: Select) -> Iterator[list[Any]]:
    for row in session.execute(stmt.execution_options(yield_per=1000)):
        yield list(row)


def contacts(*, session: Session, actor: Actor) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the contacts in scope; roles separated by `|` as import reads them."""
    stmt = (select(Contact.id, Contact.account_id, Account.external_ref, Account.name, Contact.name,
                   Contact.roles, Contact.phone, Contact.email)
            .join(Account, Account.id == Contact.account_id)
            .where(condition("contact", actor)).order_by(Account.name, Contact.name, Contact.id))
    rows = ([*r[:5], "|".join(r[5] or []), *r[6:]] for r in _rows(session, stmt))
    return CONTACT_HEADER, rows


def visits(*, session: Session, actor: Actor, start: date | None = None, end: date | None = None,
           account_id: str | None = None, rep_id: str | None = None) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the visits in scope, newest first; `start`/`end` bound `started_at` (UTC days)."""
    stmt = (select(Visit.id, Visit.account_id, Account.name, Visit.rep_id, User.name, Visit.started_at,
                   Visit.ended_at, Visit.kind, Visit.outcome, Visit.maturity, Visit.notes, Visit.next_action)
            .join(Account, Account.id == Visit.account_id).join(User, User.id == Visit.rep_id)
            .where(condition("visit", actor)).order_by(Visit.started_at.desc(), Visit.id))
    if start:
        stmt = stmt.where(Visit.started_at >= _midnight(start))
    if end:
        stmt = stmt.where(Visit.started_at < _midnight(end, 1))
    if account_id:
        stmt = stmt.where(Visit.account_id == account_id)
    if rep_id:
        stmt = stmt.where(Visit.rep_id == rep_id)
    return VISIT_HEADER, _rows(session, stmt)


def quotes(*, session: Session, actor: Actor, status: str | None = None) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the quote requests in scope, oldest first; `items` as JSON."""
    rep = aliased(User)
    stmt = (select(QuoteRequest.id, QuoteRequest.account_id, Account.name, rep.name, QuoteRequest.product_line,
                   QuoteRequest.urgency, QuoteRequest.status, TechnicalTeam.name, QuoteRequest.created_at,
                   QuoteRequest.routed_at, QuoteRequest.quoted_at, QuoteRequest.closed_at, QuoteRequest.amount,
                   QuoteRequest.items, QuoteRequest.notes)
            .join(Account, Account.id == QuoteRequest.account_id).join(rep, rep.id == QuoteRequest.rep_id)
            .outerjoin(TechnicalTeam, TechnicalTeam.id == QuoteRequest.team_id)
            .where(condition("quote_request", actor)).order_by(QuoteRequest.created_at, QuoteRequest.id))
    if status:
        stmt = stmt.where(QuoteRequest.status == status)
    return QUOTE_HEADER, _rows(session, stmt)


def action_plans(*, session: Session, actor: Actor, plans: list) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the given plans: one column per segment and target ("A visits target"…)."""
    from server.kpis.plans import KEYS
    from server.kpis.service import SEGMENTS
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_({p.rep_id for p in plans}))).all())
    targets = [PLAN_TARGETS[f] % {"segment": s} for s in SEGMENTS for f in KEYS]
    header = ["Id", "Rep id", "Rep", "Period start", "Period end", *targets, "Notes"]
    rows = [[p.id, p.rep_id, names.get(p.rep_id), p.period_start, p.period_end,
             *((p.targets or {}).get(s, {}).get(f) for s in SEGMENTS for f in KEYS), p.notes]
            for p in plans]
    return header, rows


def _midnight(day: date, plus_days: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=plus_days)

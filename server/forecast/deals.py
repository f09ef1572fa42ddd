"""The deals the forecast reads: every quote request, and the opportunities opened without one.

A quote request *is* an opportunity; an `Opportunity` row either stands alone (a rep
opened it on site, no quote yet) or carries a quote's forecast fields (`quote_id`).
Each deal is read once, as a plain `Deal`, and every question about it takes the
instant it is asked at (`as_of`), so the backtest can ask what was known on a past
day: the stage reached by then, the amount known by then, closed or not by then.

Stages, from the quote's timestamps: `lead` (no quote yet), `requested` (submitted or
routed), `in_progress`, `quoted`. A cancelled or undeliverable quote counts as lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.forecast.models import Opportunity
from server.quotes.models import QuoteRequest
from server.visits.models import Visit

STAGES = ("lead", "requested", "in_progress", "quoted")
LOST = ("lost", "cancelled", "undeliverable")


@dataclass(frozen=True, slots=True)
class Deal:
    id: str
    rep_id: str
    account_id: str
    segment: str
    product_line: str
    maturity: int | None
    opened_at: datetime  # the opportunity's creation, or the quote's when it has none
    quote_at: datetime | None  # when the quote request was made
    in_progress_at: datetime | None
    quoted_at: datetime | None
    quoted_amount: float | None
    estimate: float | None  # the rep's estimate on site
    outcome: str | None  # won / lost, once closed
    closed_at: datetime | None
    expected_close: date | None
    category: str

    def is_open(self, as_of: datetime) -> bool:
        return self.opened_at <= as_of and not self.closed_by(as_of)

    def closed_by(self, as_of: datetime) -> bool:
        return self.closed_at is not None and self.closed_at <= as_of

    def won_by(self, as_of: datetime) -> bool:
        return self.outcome == "won" and self.closed_by(as_of)

    def stage(self, as_of: datetime) -> str:
        """The furthest stage reached by `as_of`."""
        if self.quoted_at is not None and self.quoted_at <= as_of:
            return "quoted"
        if self.in_progress_at is not None and self.in_progress_at <= as_of:
            return "in_progress"
        if self.quote_at is not None and self.quote_at <= as_of:
            return "requested"
        return "lead"

    def stages_passed(self) -> list[str]:
        """Every stage the deal went through before it closed (its training examples)."""
        end = self.closed_at
        passed = ["lead"] if self.quote_at is None or self.opened_at < self.quote_at else []
        for name, at in (("requested", self.quote_at), ("in_progress", self.in_progress_at),
                         ("quoted", self.quoted_at)):
            if at is not None and (end is None or at <= end):
                passed.append(name)
        return passed

    def known_amount(self, as_of: datetime) -> float | None:
        """The quoted amount once quoted by `as_of`, else the rep's estimate (None: unknown)."""
        if self.quoted_amount is not None and self.quoted_at is not None and self.quoted_at <= as_of:
            return self.quoted_amount
        return self.estimate

    @property
    def won_amount(self) -> float:
        return self.quoted_amount if self.quoted_amount is not None else (self.estimate or 0.0)


def load(session: Session, rep_filter, *, closed_since: datetime | None = None) -> list[Deal]:
    """The deals of the reps that `rep_filter(column)` admits (a SQL condition on a rep id).

    `closed_since` keeps only those still open or closed at or after it (the live
    forecast); None reads the whole history (training, backtest)."""
    return _quotes(session, rep_filter, closed_since) + _lone_opportunities(session, rep_filter, closed_since)


def _quotes(session: Session, rep_filter, closed_since) -> list[Deal]:
    q, o = QuoteRequest, Opportunity
    stmt = (select(q.id, q.rep_id, q.account_id, Account.segment, q.product_line, Visit.maturity, o.maturity,
                   o.created_at, q.created_at, q.in_progress_at, q.quoted_at, q.amount, o.amount, q.status,
                   q.closed_at, o.expected_close, o.category, o.category_override)
            .join(Account, Account.id == q.account_id)
            .outerjoin(Visit, Visit.id == q.visit_id)
            .outerjoin(o, o.quote_id == q.id)
            .where(rep_filter(q.rep_id)))
    if closed_since is not None:
        stmt = stmt.where(or_(q.closed_at.is_(None), q.closed_at >= closed_since))
    deals = []
    for (id_, rep_id, account_id, segment, line, visit_maturity, opp_maturity, opp_at, quote_at, in_progress_at,
         quoted_at, amount, estimate, status, closed_at, expected, category, override) in session.execute(stmt):
        outcome = "won" if status == "won" else "lost" if status in LOST else None
        opened = min(opp_at, quote_at) if opp_at is not None else quote_at
        deals.append(Deal(id_, rep_id, account_id, segment or "C", line or "", opp_maturity or visit_maturity,
                          opened, quote_at, in_progress_at, quoted_at, amount, estimate, outcome,
                          closed_at if outcome else None, expected, _category(category, override)))
    return deals


def _lone_opportunities(session: Session, rep_filter, closed_since) -> list[Deal]:
    o = Opportunity
    # The segment per row (an index lookup): a join made PostgreSQL scan every account.
    segment = select(Account.segment).where(Account.id == o.account_id).scalar_subquery()
    stmt = (select(o.id, o.rep_id, o.account_id, segment, o.product_line, o.maturity, o.created_at,
                   o.amount, o.outcome, o.closed_at, o.expected_close, o.category, o.category_override)
            .where(o.quote_id.is_(None), rep_filter(o.rep_id)))
    if closed_since is not None:
        stmt = stmt.where(or_(o.outcome.is_(None), and_(o.outcome.is_not(None), o.closed_at >= closed_since)))
    return [Deal(id_, rep_id, account_id, segment or "C", line or "", maturity, created, None, None, None, None,
                 amount, outcome, closed_at if outcome else None, expected, _category(category, override))
            for (id_, rep_id, account_id, segment, line, maturity, created, amount, outcome, closed_at, expected,
                 category, override) in session.execute(stmt)]


def _category(category: str | None, override: dict | None) -> str:
    return (override or {}).get("category") or category or "pipeline"

"""The back office's workflow on a routed quote request, and the manual delivery retry.

routed → in_progress → quoted → won | lost, with routed → quoted allowed; an
undeliverable quote only moves on through `retry_delivery`, or `reroute` to another
technical team (server/quotes/reroute.py). Each step is an ORM
change of a syncable record, so it gets a new version (sync/changes.py) and the
rep's next pull shows it.
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.db import utcnow
from server.errors import Forbidden, IllegalTransition, Invalid, NotFound
from server.quotes.models import QuoteEvent, QuoteRequest, TechnicalTeam
from server.scope import get_in_scope
from sync.changes import numbers_for
from sync.models import DeliveryAttempt, OutboxEvent

TRANSITIONS = {
    "routed": ("in_progress", "quoted"),
    "in_progress": ("quoted",),
    "quoted": ("won", "lost"),
}
WORKFLOW_ROLES = ("backoffice", "manager", "admin")
STAMPS = {"in_progress": "in_progress_at", "quoted": "quoted_at", "won": "closed_at", "lost": "closed_at"}


def _quote_for_workflow(session: Session, actor: Actor, quote_id: str) -> QuoteRequest:
    # C1: the change counter first, then the quote, like every writer of syncable records.
    numbers_for(session)
    quote = get_in_scope(session, "quote_request", quote_id, actor, for_update=True)
    if quote is None:
        raise NotFound(f"No quote request {quote_id}.")
    if actor.role not in WORKFLOW_ROLES:
        raise Forbidden("Only the technical service, managers and admins move a quote request along.")
    return quote


def transition(*, session: Session, actor: Actor, quote_id: str, to: str, amount: float | None = None,
               note: str | None = None) -> QuoteRequest:
    """Move the quote one legal step; `amount` is required to quote and may confirm it when won."""
    quote = _quote_for_workflow(session, actor, quote_id)
    allowed = TRANSITIONS.get(quote.status, ())
    if to not in allowed:
        hint = " Retry its delivery first." if quote.status == "undeliverable" else ""
        raise IllegalTransition(f"A quote request {quote.status} cannot become {to}.{hint}",
                                current=quote.status, allowed=list(allowed))
    if to == "quoted" and amount is None:
        raise Invalid("Quoting needs the amount.", errors={"amount": ["Required when the quote is quoted."]})
    if amount is not None and to not in ("quoted", "won"):
        raise Invalid("Only quoting (or winning) sets an amount.", errors={"amount": [f"Not allowed when {to}."]})
    now = utcnow()
    quote.status = to
    setattr(quote, STAMPS[to], now)
    if amount is not None:
        quote.amount = amount
    session.add(QuoteEvent(quote_id=quote.id, status=to, actor_id=actor.id, note=note, amount=amount, at=now))
    session.flush()
    return quote


def outbox_event(session: Session, quote_id: str) -> OutboxEvent:
    """The quote's one outbox event, locked for update; made when a quote has none (demo or
    imported quotes). Retrying and re-routing both send this same event again (same webhook-id)."""
    event = session.scalars(select(OutboxEvent).where(OutboxEvent.quote_id == quote_id)
                            .order_by(OutboxEvent.created_at.desc()).with_for_update()).first()
    if event is None:
        from sync.outbox import enqueue_quote
        event = enqueue_quote(session, quote_id)
    return event


def retry_delivery(*, session: Session, actor: Actor, quote_id: str) -> QuoteRequest:
    """An undeliverable quote goes back to `submitted`, its outbox event to `pending` (same webhook-id)."""
    quote = _quote_for_workflow(session, actor, quote_id)
    if quote.status != "undeliverable":
        raise IllegalTransition(f"Only an undeliverable quote request can be retried; this one is {quote.status}.",
                                current=quote.status, allowed=[])
    event = outbox_event(session, quote.id)
    now = utcnow()
    # Same team (the one whose back office asks), a fresh 24 h window; attempts keep counting.
    event.state, event.next_attempt_at, event.first_attempt_at = "pending", now, None
    event.claimed_by = event.lease_until = None
    event.team_id = event.team_id or quote.team_id
    quote.status = "submitted"
    session.add(QuoteEvent(quote_id=quote.id, status="submitted", actor_id=actor.id,
                           note="delivery retried by hand", at=now))
    session.flush()
    return quote


DELIVERY_LOG_ROLES = frozenset({"backoffice", "manager", "admin"})


def history(*, session: Session, actor: Actor, quote_id: str) -> dict:
    """The quote's steps, the state of its delivery (attempts, why it is not delivered yet) and
    the name of the technical team it was routed to, or is on its way to (`team_name`, null
    while routing has not chosen one).

    The delivery log is the back office's, managers' and admins' only: it tells how a
    technical service's endpoint answers, none of a rep's business (`delivery` is null). Its
    `reason` is a code with its words (`reason_text`); the channel's technical detail
    (`last_error`, English, may quote the receiver) is for admins only."""
    quote = get_in_scope(session, "quote_request", quote_id, actor)
    if quote is None:
        raise NotFound(f"No quote request {quote_id}.")
    events = session.scalars(select(QuoteEvent).where(QuoteEvent.quote_id == quote.id)
                             .order_by(QuoteEvent.at, QuoteEvent.id)).all()
    event = delivery = None
    if actor.role in DELIVERY_LOG_ROLES:
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.quote_id == quote.id)
                                .order_by(OutboxEvent.created_at.desc())).first()
    if event is not None:
        last = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.event_id == event.id)
                               .order_by(DeliveryAttempt.at.desc(), DeliveryAttempt.id)).first()
        same = last is not None and not last.ok and last.reason == event.last_reason
        delivery = SimpleNamespace(**{name: getattr(event, name) for name in DELIVERY_FIELDS},
                                   last_status=last.status_code if same else None,
                                   last_error=event.last_error if actor.role == "admin" else None)
    team_id = quote.team_id or (event.team_id if event is not None else None)
    team = session.get(TechnicalTeam, team_id) if team_id else None
    from server.quotes.product_lines import key_of, product_lines
    lines = product_lines(session)
    known = key_of(lines, quote.product_line)
    return {"events": events, "delivery": delivery, "team_name": team.name if team else None,
            "product_line_key": known,
            "product_line_recognised": None if not (quote.product_line or "").strip() else known is not None}


DELIVERY_FIELDS = ("state", "webhook_id", "team_id", "attempts", "first_attempt_at", "next_attempt_at",
                   "delivered_at", "last_reason")

"""A quote request's product line, recognised or not, and set right by hand (the back office,
managers, admins).

A tablet types the line freely (API.md keeps `product_line` a free string): a text that names
no line of the company (server/quotes/product_lines.py, key, labels or aliases) matches no
routing rule of a line, so the quote went to the default team under that text. Such quotes
are *unrecognised*: `GET /api/quotes?line=unrecognised` lists them, the history says so, and
`POST /api/quotes/{id}/product-line` `{"product_line"}` sets the right line (stored as its
key) and routes the quote again by the routing rules (sync/routing.py).

Exactly once per team (DESIGN rule 6, sync/dispatch.py): a team that already received the
quote never receives it again.

- the rules name the team that has it, or is about to (or none): only the line changes;
- they name a team that received it before (a delivered event): the quote goes back to that
  team, `routed`, with no delivery; an event still pending for another team is cancelled;
- they name a new team: the quote's event that has not been delivered (pending or
  undeliverable) is taken there, same webhook-id, a fresh 24 h of retries (as reroute.py);
  when its event was delivered already (the old team has it), a new event for the new team,
  with its own webhook-id: a new delivery to a new receiver. The quote is `submitted`
  again until delivered, and leaves the old team's scope (PROTOCOL P9).

Only while no technical team works on it: `submitted`, `routed` or `undeliverable` (409
beyond), and not while a dispatcher holds its delivery (409 `delivery_in_flight`).
"""
from __future__ import annotations

from datetime import timedelta
from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.actor import Actor
from server.db import utcnow
from server.errors import IllegalTransition, Invalid
from server.quotes.models import QuoteEvent, QuoteRequest
from server.quotes.product_lines import key_of, product_lines
from server.quotes.reroute import DeliveryInFlight, _leave, _scopes
from server.quotes.service import _quote_for_workflow, outbox_event
from sync.models import OutboxEvent
from sync.outbox import enqueue_quote
from sync.routing import Router, RoutingInput
from sync.wakeup import wake_dispatchers

FIXABLE = ("submitted", "routed", "undeliverable")
UNRECOGNISED = "unrecognised"


def recognised(lines: list[dict], value: str | None) -> bool | None:
    """Whether the text names a line of `lines`; None when there is no text."""
    if value is None or not value.strip():
        return None
    return key_of(lines, value) is not None


def unrecognised_texts(session: Session, where) -> list[str]:
    """The product-line texts of the quotes matching `where` that name no line: a few distinct
    texts, folded in Python as key_of does (the same on SQLite and PostgreSQL)."""
    lines = product_lines(session)
    texts = session.scalars(select(QuoteRequest.product_line).where(where, QuoteRequest.product_line.is_not(None))
                            .distinct())
    return sorted(t for t in texts if recognised(lines, t) is False)


def set_product_line(*, session: Session, actor: Actor, quote_id: str, product_line: str) -> QuoteRequest:
    """Set the quote's line (any text naming a line; stored as its key) and route it again
    (module docstring). Errors: 404 out of scope, 422 `product_line` naming no line or a role
    that does not steer deliveries, 409 a quote in the team's hands or a delivery in flight."""
    quote = _quote_for_workflow(session, actor, quote_id)  # the counter, then the quote, locked
    key = key_of(product_lines(session), product_line)
    if key is None:
        raise Invalid("Not a product line of the company.", errors={"product_line": ["Unknown product line."]})
    if quote.status not in FIXABLE:
        raise IllegalTransition(f"A quote request {quote.status} is in the technical team's hands: "
                                "its product line is no longer changed.", current=quote.status, allowed=[])
    event = outbox_event(session, quote.id)
    now = utcnow()
    if event.state == "pending" and event.claimed_by is not None and event.lease_until is not None \
            and event.lease_until > now:
        wait = max(1, ceil((event.lease_until - now) / timedelta(seconds=1)))
        raise DeliveryInFlight("A delivery of this quote request is under way; try again in a minute.",
                               headers={"Retry-After": str(wait)})
    before = _scopes(session, quote)
    old = quote.product_line or ""
    quote.product_line = key
    account = session.get(Account, quote.account_id)
    team = Router(session).team_for(RoutingInput(product_line=key, postcode=account.postcode if account else None,
                                                 urgency=quote.urgency))
    holder = event.team_id if event.state == "pending" else quote.team_id
    note = f"product line set to {key} by hand (was: {old})"
    if team is not None and team.id != holder:
        _route_to(session, quote, event, team.id, now)
    session.add(QuoteEvent(quote_id=quote.id, status=quote.status, actor_id=actor.id, at=now, note=note))
    session.flush()  # the quote's new version (sync/changes.py), which its tombstone carries
    _leave(session, quote, before)
    return quote


def _route_to(session: Session, quote: QuoteRequest, event: OutboxEvent, team_id: str, now) -> None:
    """The quote on its way to `team_id`, never a second time to a team that received it."""
    received = session.scalars(select(OutboxEvent).where(OutboxEvent.quote_id == quote.id,
                                                         OutboxEvent.state == "delivered",
                                                         OutboxEvent.team_id == team_id)).first()
    if received is not None:  # that team has it already: back to it, no delivery
        if event.state == "pending":
            event.state, event.claimed_by, event.lease_until = "cancelled", None, None
        quote.status, quote.team_id, quote.routed_at = "routed", team_id, received.delivered_at
        return
    if event.state == "delivered":  # the old team has it: a new delivery, to a new receiver
        event = enqueue_quote(session, quote.id)
    event.state, event.team_id, event.next_attempt_at, event.first_attempt_at = "pending", team_id, now, None
    event.claimed_by = event.lease_until = event.last_reason = None
    quote.status, quote.team_id = "submitted", None
    wake_dispatchers(session)

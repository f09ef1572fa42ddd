"""Sending a stuck quote request to another technical team (the back office, managers, admins).

A quote is stuck when its team cannot receive it: undeliverable after its retries, or
waiting (no mail relay, no member: sync/dispatch.py D7), or with no team at all. Re-routing
takes its one outbox event to the chosen team — the same event and webhook-id, a fresh
24 h of retries — so the outbox rules still hold: one event per quote, delivered at most
once (DESIGN rule 6). Hence the refusals:

- a quote already delivered (`routed` and beyond) is not sent anywhere again (409);
- while a dispatcher holds the event (its lease runs), the delivery may be on the wire
  this very moment: 409 `delivery_in_flight`, try again once the lease is over (≤ 60 s);
- a team that would receive nothing (no member, and a channel that cannot deliver) is
  refused (422 on `team_id`): the quote would only be stuck again.
"""
from __future__ import annotations

from datetime import timedelta
from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account, Contact
from server.actor import Actor
from server.db import utcnow
from server.errors import IllegalTransition, Invalid, Problem
from server.quotes.models import QuoteEvent, QuoteRequest, TechnicalTeam
from server.quotes.reasons import team_problem, team_receives, text
from server.quotes.service import _quote_for_workflow, outbox_event
from server.scope import scope_keys
from sync.changes import numbers_for
from sync.wakeup import wake_dispatchers

REROUTABLE = ("submitted", "undeliverable")


class DeliveryInFlight(Problem):
    status, kind, title = 409, "delivery_in_flight", "Delivery under way"


def reroute(*, session: Session, actor: Actor, quote_id: str, team_id: str) -> QuoteRequest:
    """Send the quote to `team_id` instead: `submitted` again, no team until delivered (then
    `routed` with that team, as any quote). Errors: 404 out of scope, 409 delivered or in
    flight, 422 a team unknown or that receives nothing, or a role that does not steer deliveries."""
    quote = _quote_for_workflow(session, actor, quote_id)  # the counter, then the quote, locked
    if quote.status not in REROUTABLE:
        raise IllegalTransition(f"A quote request {quote.status} cannot be sent to another team.",
                                current=quote.status, allowed=[])
    team = session.get(TechnicalTeam, team_id)
    if team is None:
        raise Invalid("Unknown technical team.", errors={"team_id": ["No such technical team."]})
    if not team_receives(team):
        raise Invalid("This technical team cannot receive quote requests.",
                      errors={"team_id": ["Receives nothing: no member, and its channel cannot deliver."]})
    event = outbox_event(session, quote.id)
    now = utcnow()
    if event.state == "delivered":  # a quote routed then set back by hand: it has reached a team already
        raise IllegalTransition("This quote request has reached a technical team already.",
                                current=quote.status, allowed=[])
    if event.claimed_by is not None and event.lease_until is not None and event.lease_until > now:
        wait = max(1, ceil((event.lease_until - now) / timedelta(seconds=1)))
        raise DeliveryInFlight("A delivery of this quote request is under way; try again in a minute.",
                               headers={"Retry-After": str(wait)})
    before = _scopes(session, quote)
    event.state, event.team_id, event.next_attempt_at, event.first_attempt_at = "pending", team.id, now, None
    event.claimed_by = event.lease_until = event.last_reason = None  # a new team: no reason yet
    quote.status, quote.team_id = "submitted", None
    session.add(QuoteEvent(quote_id=quote.id, status="submitted", actor_id=actor.id, at=now,
                           note=f"sent by hand to the technical team {team.name}"))
    session.flush()  # the quote's new version (sync/changes.py), which its tombstone carries
    _leave(session, quote, before)
    wake_dispatchers(session)
    return quote


def _scopes(session: Session, quote: QuoteRequest) -> tuple[set[str], set[str]]:
    return (scope_keys(session, "quote_request", quote),
            scope_keys(session, "account", session.get(Account, quote.account_id)))


def _leave(session: Session, quote: QuoteRequest, before: tuple[set[str], set[str]]) -> None:
    """PROTOCOL P9: the old team's scope loses the quote, and its account and contacts when no
    other quote of that account keeps them there, so its back office's next pull drops them."""
    numbers = numbers_for(session)
    after = _scopes(session, quote)
    if left := before[0] - after[0]:
        numbers.tombstone("quote_request", quote.id, left, seq=quote.version, deleted=False)
    if left := before[1] - after[1]:
        numbers.tombstone("account", quote.account_id, left, seq=numbers.next(), deleted=False)
        for contact_id in session.scalars(select(Contact.id).where(Contact.account_id == quote.account_id)):
            numbers.tombstone("contact", contact_id, left, seq=numbers.next(), deleted=False)


def teams(session: Session) -> list[dict]:
    """Every technical team by name, with whether a quote sent there reaches someone."""
    found = session.scalars(select(TechnicalTeam).order_by(TechnicalTeam.name, TechnicalTeam.id)).all()
    return [{"id": t.id, "name": t.name, "channel": t.channel, "receives": team_receives(t),
             "reason": (problem := team_problem(t)), "reason_text": text(problem)} for t in found]

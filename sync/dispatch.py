"""The dispatcher: moves quote requests from the outbox to the technical teams.

At least once, with a stable `webhook-id`, so a receiver can make it exactly once
(DESIGN rule 6). Steps, cited in the code:

- **D1 claim** (one short transaction): due events — `pending`, `next_attempt_at <= now`,
  no live lease — urgent quotes first. PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`,
  then the lease; SQLite (no SKIP LOCKED): a conditional `UPDATE … WHERE state='pending'
  AND (lease_until IS NULL OR lease_until < now)` per event, won when rowcount is 1.
  The lease is `claimed_by` + `lease_until = now + 60 s`: a dispatcher that dies
  leaves it to expire, and the next claim takes the event up with its webhook-id.
  Events without a team are routed here (sync/routing.py). The claim never takes the
  change counter, so it cannot deadlock with D3 (which takes counter, then event).
- **D2 deliver**, outside any transaction, one event at a time: a dispatcher killed
  mid-run leaves at most one delivery made but unrecorded, hence at most one
  duplicate, with the same webhook-id.
- **D3 record** (a new transaction): the change counter first (PROTOCOL C1), then the
  event row, and only while the event is still `pending` and claimed by us.
- **D4 success**: the event is `delivered`; the quote `routed` with `team_id` and
  `routed_at`, a QuoteEvent; its account and contacts get a new version, since they
  enter the team's back-office scope (pull L3 only sees versions above the cursor).
- **D5 failure**: a DeliveryAttempt; the next try after sync/backoff.py's delay
  (Retry-After as a floor); after 24 h, or at once when retrying cannot help (410,
  SMTP 5xx, bad settings), the event and the quote are `undeliverable`, the quote
  given to the team so its back office sees it and can retry by hand. 410 Gone also
  disables the team's endpoint.
- **D6 lease guard**: before each delivery, when the lease could run out before it
  finishes (or on stop), the remaining claims are released for others.
- **D7 no mail relay** (SMTP_URL empty or unreadable, as `make run` leaves it; the rule is
  the quotes', server/quotes/relay.py, asked before each send): not a
  failure of the team's, and no attempt. An e-mail team with members is delivered
  through its inbox (routing is the delivery; the note says no e-mail left). One without
  members cannot receive at all: the event waits, `pending` with its reason, no attempt
  counted and no 24 h window started, and is routed again every RELAY_RECHECK, at once
  when an admin changes rules or teams (a member added, another channel), or when a
  dispatcher starts with a relay set. Nothing was sent, so nothing can arrive twice.
  Either way the quote goes on by itself once a relay or a member appears.
- **Re-routing by hand** (server/quotes/reroute.py) takes the same event to another
  team, with the same webhook-id, only while no dispatcher holds it and never once
  it is delivered. **Setting a quote's product line by hand** (server/quotes/line_fix.py)
  routes it again by the rules: to a team that had it already, without a delivery; to a
  new team, by its undelivered event or, once delivered to the old team, by a new event
  of its own. Either way at most one `delivered` event per quote and team.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, case, exists, or_, select, update
from sqlalchemy.orm import Session, scoped_session

from server.accounts.models import Account, Contact
from server.db import utcnow
from server.quotes.models import QuoteEvent, QuoteRequest, TechnicalTeam
from server.quotes.reasons import message as reason_message
from server.quotes.relay import WithoutRelay, without_relay
from server.users.models import User
from sync.backoff import GIVE_UP_AFTER, next_delay, should_give_up
from sync.changes import numbers_for
from sync.channels import DeliveryResult, reasons
from sync.delivery import Job, Settings, make_job, send
from sync.models import DeliveryAttempt, OutboxEvent
from sync.routing import NO_ROUTE, Router, RoutingInput
from sync.wakeup import Listener

log = logging.getLogger(__name__)
UNROUTED_RETRY = timedelta(minutes=5)  # admins' rule and team changes also wake these up
RELAY_RECHECK = timedelta(minutes=5)  # D7: the same, and a dispatcher started with a relay

__all__ = ["Dispatcher", "Settings", "Stats", "claim", "dispatch_once", "run_forever"]


@dataclass
class Stats:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    undeliverable: int = 0
    unrouted: int = 0
    waiting: int = 0  # D7: no mail relay, and nobody else to receive it
    cancelled: int = 0
    lost_lease: int = 0
    released: int = 0

    def add(self, other: "Stats") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def default_dispatcher_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _due(now: datetime):
    return and_(OutboxEvent.state == "pending", OutboxEvent.next_attempt_at <= now,
                or_(OutboxEvent.lease_until.is_(None), OutboxEvent.lease_until < now))


def claim(session: Session, *, now: datetime, dispatcher_id: str, batch: int, lease_s: float) -> list[str]:
    """D1: the ids of the due events this dispatcher now holds a lease on (caller commits)."""
    urgent_first = case((QuoteRequest.urgency == "urgent", 0), else_=1)
    stmt = (select(OutboxEvent.id).join(QuoteRequest, QuoteRequest.id == OutboxEvent.quote_id)
            .where(_due(now)).order_by(urgent_first, OutboxEvent.next_attempt_at, OutboxEvent.id).limit(batch))
    lease = {"claimed_by": dispatcher_id, "lease_until": now + timedelta(seconds=lease_s)}
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(stmt.with_for_update(skip_locked=True, of=OutboxEvent)))
        if ids:
            session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids)).values(**lease)
                            .execution_options(synchronize_session=False))
        return ids
    won = []
    for event_id in session.scalars(stmt).all():
        result = session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id, _due(now)).values(**lease)
                                 .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            won.append(event_id)
    return won


class Dispatcher:
    """One dispatcher: its id, its sessions, its HTTP client. `run_once()` is one pass."""

    def __init__(self, *, session_factory: Callable[[], Session] | None = None, session: Session | None = None,
                 dispatcher_id: str | None = None, settings: Settings | None = None,
                 client: httpx.Client | None = None) -> None:
        if (session_factory is None) == (session is None):
            raise ValueError("give session_factory or session")
        if isinstance(session, scoped_session):
            session = session()  # Flask-SQLAlchemy's db.session: this thread's Session
        self.session_factory, self.session = session_factory, session
        self.id = dispatcher_id or default_dispatcher_id()
        self.settings = settings or Settings()
        self._own_client = client is None
        self.client = client or httpx.Client(follow_redirects=False, timeout=self.settings.timeout_s)

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        session = self.session if self.session is not None else self.session_factory()
        if self.session is not None and session.in_transaction():
            session.commit()  # start on a fresh transaction (SQLite: BEGIN IMMEDIATE)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if self.session is None:
                session.close()

    def run_once(self, *, now: datetime | None = None, batch: int | None = None,
                 stop: threading.Event | None = None) -> Stats:
        """Claim what is due, deliver it one by one, record each outcome."""
        stats = Stats()
        claim_now = now or utcnow()
        claimed_at = time.monotonic()
        with self._transaction() as session:  # D1
            ids = claim(session, now=claim_now, dispatcher_id=self.id, batch=batch or self.settings.batch,
                        lease_s=self.settings.lease_s)
            stats.claimed = len(ids)
            jobs = self._prepare(session, ids, claim_now, stats)
        for index, job in enumerate(jobs):
            elapsed = time.monotonic() - claimed_at
            if (stop is not None and stop.is_set()) or elapsed + self.settings.timeout_s + 1 > self.settings.lease_s:
                self._release(jobs[index:], stats)  # D6
                break
            result = send(job, self.settings, self.client)  # D2
            with self._transaction() as session:  # D3
                self._record(session, job, result, now or utcnow(), stats)
        return stats

    def _prepare(self, session: Session, ids: list[str], now: datetime, stats: Stats) -> list[Job]:
        """Route the claimed events that have no team yet, and snapshot what to send (a few queries per batch)."""
        if not ids:
            return []
        with session.no_autoflush:
            events = {e.id: e for e in session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))}
            quote_ids = [e.quote_id for e in events.values()]
            quotes = {q.id: q for q in session.scalars(select(QuoteRequest).where(QuoteRequest.id.in_(quote_ids)))}
            account_ids = {q.account_id for q in quotes.values()}
            accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(account_ids)))}
            # Loaded once, and held (the identity map only keeps referenced objects), so that
            # the payloads below find them without a query each.
            contact_ids = {q.contact_id for q in quotes.values()} - {None}
            held = [*session.scalars(select(Contact).where(Contact.id.in_(contact_ids))),
                    *session.scalars(select(User).where(User.id.in_({q.rep_id for q in quotes.values()})))]
            router = Router(session)
            jobs = []
            for event_id in ids:  # claim order: urgent first
                event = events[event_id]
                job = self._prepare_one(session, event, quotes[event.quote_id], accounts, router, now, stats,
                                        relay=reasons.relay_problem(self.settings.smtp_url))
                if job is not None:
                    jobs.append(job)
            del held
        return jobs

    @staticmethod
    def _prepare_one(session, event, quote, accounts, router, now, stats, *, relay: str | None) -> Job | None:
        if quote.status == "cancelled":  # cancelled by the rep before it left: never sent
            event.state, event.claimed_by, event.lease_until = "cancelled", None, None
            stats.cancelled += 1
            return None
        account = accounts[quote.account_id]
        team = router.teams.get(event.team_id) if event.team_id else router.team_for(
            RoutingInput(product_line=quote.product_line, postcode=account.postcode, urgency=quote.urgency))
        if team is None:
            event.last_error, event.claimed_by, event.lease_until = NO_ROUTE, None, None
            event.last_reason = reasons.NO_ROUTE
            event.next_attempt_at = now + UNROUTED_RETRY
            stats.unrouted += 1
            log.warning("quote %s: %s", quote.id, NO_ROUTE)
            return None
        match without_relay(team, relay):  # D7: the quotes' rule (server/quotes/relay.py)
            case None:  # the team's own channel
                # The team is written with the outcome (D3): no per-event UPDATE in the claim transaction.
                return make_job(session, event, quote, account, team)
            case WithoutRelay(channel=None, error=error):
                # Not pinned to the team (nothing was sent): a rule or team change routes it afresh.
                event.last_reason, event.claimed_by, event.lease_until = relay, None, None
                event.last_error = error
                event.next_attempt_at = now + RELAY_RECHECK
                stats.waiting += 1
                log.warning("quote %s waits for a mail relay: %s", quote.id, event.last_error)
                return None
            case WithoutRelay(channel=channel, note=note):
                return make_job(session, event, quote, account, team, channel=channel, note=note)

    def _release(self, jobs: list[Job], stats: Stats) -> None:
        with self._transaction() as session:
            result = session.execute(
                update(OutboxEvent).where(OutboxEvent.id.in_([j.event_id for j in jobs]),
                                          OutboxEvent.claimed_by == self.id, OutboxEvent.state == "pending")
                .values(claimed_by=None, lease_until=None).execution_options(synchronize_session=False))
            stats.released += result.rowcount

    def _record(self, session: Session, job: Job, result: DeliveryResult, now: datetime, stats: Stats) -> None:
        numbers_for(session)  # C1: the counter before the event row (no deadlock with pushes or retries)
        row = session.execute(select(OutboxEvent, QuoteRequest)
                              .join(QuoteRequest, QuoteRequest.id == OutboxEvent.quote_id)
                              .where(OutboxEvent.id == job.event_id).with_for_update(of=OutboxEvent)).first()
        if row is None:  # the quote was deleted with its account meanwhile
            return
        event, quote = row
        session.add(DeliveryAttempt(event_id=event.id, at=now, channel=job.channel, ok=result.ok,
                                    status_code=result.status_code, error=result.error,
                                    reason=None if result.ok else result.reason, dispatcher=self.id))
        if event.state != "pending" or event.claimed_by != self.id:
            stats.lost_lease += 1  # another dispatcher took it over after our lease ran out
            log.warning("%s: lease lost before recording (%s)", job.webhook_id, "ok" if result.ok else result.error)
            return
        event.team_id = event.team_id or job.team_id  # retries go to the same team
        event.attempts += 1
        event.first_attempt_at = event.first_attempt_at or now
        event.claimed_by = event.lease_until = None
        event.last_error = result.error
        event.last_reason = None if result.ok else (result.reason or reasons.UNEXPECTED)
        if result.ok:  # D4
            event.state, event.delivered_at = "delivered", now
            self._settle(session, quote, job.team_id, "routed", now, note=job.note or f"delivered by {job.channel}")
            stats.delivered += 1
            log.info("%s: quote %s delivered to team %s by %s", job.webhook_id, quote.id, job.team_id, job.channel)
            return
        if result.disable_endpoint:  # D5: 410 Gone
            team = session.get(TechnicalTeam, job.team_id)
            team.disabled_at, team.disabled_reason = now, (result.error or "HTTP 410 Gone")[:200]
        gave_up = should_give_up(event.first_attempt_at, now, give_up_after=GIVE_UP_AFTER)
        if result.disable_endpoint or result.permanent or gave_up:
            event.state = "undeliverable"
            # The history's note is the reason in words (translated as it is read), never the detail.
            self._settle(session, quote, job.team_id, "undeliverable", now,
                         note=reason_message(event.last_reason, result.status_code))
            stats.undeliverable += 1
            log.warning("%s: quote %s undeliverable: %s", job.webhook_id, quote.id, result.error)
            return
        event.next_attempt_at = now + timedelta(seconds=next_delay(event.attempts, retry_after_s=result.retry_after_s))
        stats.retrying += 1
        log.info("%s: attempt %d failed (%s), next at %s", job.webhook_id, event.attempts, result.error,
                 event.next_attempt_at.isoformat())

    @staticmethod
    def _settle(session: Session, quote: QuoteRequest, team_id: str, status: str, now: datetime,
                note: str | None) -> None:
        """The quote reaches its team (routed) or is shown to it (undeliverable); a cancelled one stays so."""
        in_scope_already = quote.team_id == team_id or session.scalar(select(exists().where(
            QuoteRequest.account_id == quote.account_id, QuoteRequest.team_id == team_id)))
        if quote.status in ("submitted", "undeliverable"):
            quote.status = status
        quote.team_id = team_id
        if status == "routed":
            quote.routed_at = now
        session.add(QuoteEvent(quote_id=quote.id, status=status, note=note, at=now))
        if in_scope_already:  # another quote of this account already took it into the team's scope
            return
        # D4: the account and its contacts enter the team's scope: new versions so back-office tablets pull them.
        numbers = numbers_for(session)
        time_ms = int(now.timestamp() * 1000)
        for record in [session.get(Account, quote.account_id),
                       *session.scalars(select(Contact).where(Contact.account_id == quote.account_id))]:
            if numbers.stamped.get(id(record)) is None:
                numbers.stamp(record, (), time_ms=time_ms, user_id=None)


def dispatch_once(*, session_factory: Callable[[], Session] | None = None, session: Session | None = None,
                  now: datetime | None = None, dispatcher_id: str | None = None, batch: int | None = None,
                  settings: Settings | None = None, client: httpx.Client | None = None,
                  stop: threading.Event | None = None) -> Stats:
    """One pass of a dispatcher (claim, deliver, record); `now` fixes the clock for tests."""
    dispatcher = Dispatcher(session_factory=session_factory, session=session, dispatcher_id=dispatcher_id,
                            settings=settings, client=client)
    try:
        return dispatcher.run_once(now=now, batch=batch, stop=stop)
    finally:
        dispatcher.close()


def run_forever(*, session_factory: Callable[[], Session], dispatcher_id: str | None = None,
                settings: Settings | None = None, interval: float = 1.0, stop: threading.Event,
                drain: bool = False) -> Stats:
    """Poll every `interval` seconds until `stop` is set (or, with `drain`, until nothing is due)."""
    dispatcher = Dispatcher(session_factory=session_factory, dispatcher_id=dispatcher_id, settings=settings)
    if reasons.relay_problem(dispatcher.settings.smtp_url) is None:
        _wake_relay_waiters(session_factory)
    total = Stats()
    listener = None if drain else _listener(session_factory)
    try:
        while not stop.is_set():
            try:
                stats = dispatcher.run_once(stop=stop)
            except Exception:  # noqa: BLE001 — a database hiccup must not end the worker
                if drain:
                    raise  # `--once` reports the failure instead of looping on it
                log.exception("dispatcher pass failed; retrying in %.1f s", interval)
                stop.wait(interval)
                continue
            total.add(stats)
            if stats.claimed == 0 and drain:
                break
            if stats.claimed == 0 or stats.released:
                listener.wait(interval, stop) if listener else stop.wait(interval)
    finally:
        dispatcher.close()
        if listener:
            listener.close()
    return total


def _wake_relay_waiters(session_factory) -> None:
    """D7: quote requests that waited for a mail relay are due at once, now that one is set."""
    session = session_factory()
    try:
        woken = session.execute(update(OutboxEvent).where(
            OutboxEvent.state == "pending", OutboxEvent.last_reason.in_(sorted(reasons.RELAY_MISSING)))
            .values(next_attempt_at=utcnow()).execution_options(synchronize_session=False)).rowcount
        session.commit()
        if woken:
            log.info("a mail relay is set: %d quote request(s) that waited for one are due now", woken)
    except Exception:  # noqa: BLE001 — they come due within RELAY_RECHECK anyway
        session.rollback()
        log.exception("could not wake the quote requests waiting for a mail relay")
    finally:
        session.close()


def _listener(session_factory) -> Listener:
    session = session_factory()
    try:
        return Listener(session.get_bind())
    finally:
        session.close()

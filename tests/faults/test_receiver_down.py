"""The technical service's webhook receiver down for a long while, then back.

Quote requests are pushed while the team's endpoint refuses connections (a port that is
bound but not listening). The dispatcher runs again and again while the clock moves on
(`dispatch(now=…)`, jumping to each next retry): every attempt fails, no quote gives up
before 24 h. Then a receiver comes up on that same port: each quote arrives exactly once,
under the webhook-id all its earlier attempts carried, byte for byte the same body, and
nothing is sent again afterwards. In-process, on every backend of the `app` fixture.
"""
from __future__ import annotations

import json
import socket
from collections import defaultdict
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from server.db import new_id, utcnow
from server.extensions import db
from server.quotes.models import QuoteEvent, QuoteRequest
from sync.backoff import GIVE_UP_AFTER, delay_bounds
from sync.models import DeliveryAttempt, OutboxEvent
from tests.channels.receivers import HttpReceiver
from tests.factories import make_account, make_contact, make_team, make_user, token_headers
from tests.faults.check import Sent, assert_nothing_lost_nothing_doubled, assert_quotes_delivered_once, receiver_log
from tests.quotes.helpers import FAST, dispatch, webhook_team
from tests.sync.helpers import Tablet, mutation

QUOTES = 5


def fewest_attempts(within: timedelta) -> int:
    """Attempts certainly made within `within` of the first one, every retry waiting its longest."""
    count, elapsed = 1, 0.0
    while True:
        elapsed += delay_bounds(count)[1]
        if elapsed > within.total_seconds():
            return count
        count += 1


def next_due(after: datetime) -> datetime:
    db.session.expire_all()
    due = db.session.scalar(select(func.min(OutboxEvent.next_attempt_at)).where(OutboxEvent.state == "pending"))
    return max(due, after + timedelta(seconds=1))


@pytest.mark.parametrize("down_for", [timedelta(minutes=30), timedelta(hours=23, minutes=30)],
                         ids=["30-minutes", "23-hours-30"])
def test_receiver_down_then_back_every_quote_arrives_once_under_its_webhook_id(app, client, session, down_for):
    rep = make_user(session, "rep", team=make_team(session))
    accounts = [make_account(session, rep, postcode="21000") for _ in range(QUOTES)]
    contacts = [make_contact(session, account) for account in accounts]
    session.commit()
    closed = socket.socket()  # bound, never listening: connections are refused, and nobody else takes the port
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    webhook_team(session, f"http://127.0.0.1:{port}/hooks/quotes")

    tablet = Tablet(client, token_headers(app, rep))
    batch = [mutation("quote_request", "create", new_id(), {
        "account_id": account.id, "contact_id": contact.id, "product_line": "maintenance",
        "items": [{"label": "Révision moteur", "quantity": 1, "unit": "u"}]})
        for account, contact in zip(accounts, contacts, strict=True)]
    sent = Sent()
    sent.add(batch)
    sent.acknowledge(batch, tablet.push(*batch)["results"])
    quote_ids = [m["id"] for m in batch]

    # What the dispatcher sent on every attempt, refused or not (httpx calls the hook before connecting).
    attempts = defaultdict(list)  # quote id → [(webhook-id, body)]
    hooks = {"request": [lambda r: attempts[json.loads(r.content)["data"]["id"]].append(
        (r.headers["webhook-id"], r.content))]}
    receiver = None
    with httpx.Client(follow_redirects=False, timeout=FAST.timeout_s, event_hooks=hooks) as http:
        try:
            start = now = utcnow()
            passes = 0
            while now - start < down_for:
                stats = dispatch(now=now, client=http)
                assert stats.claimed and stats.delivered == 0 and stats.undeliverable == 0, stats
                now = next_due(now)
                passes += 1
                assert passes < 1000, "retrying far more often than the backoff allows"

            db.session.expire_all()
            events = {e.quote_id: e for e in db.session.scalars(select(OutboxEvent))}
            assert set(events) == set(quote_ids)
            assert {e.state for e in events.values()} == {"pending"}  # nobody gave up before 24 h
            assert set(db.session.scalars(select(QuoteRequest.status))) == {"submitted"}
            assert db.session.scalar(select(func.count()).select_from(QuoteEvent)
                                     .where(QuoteEvent.status == "undeliverable")) == 0
            failed = db.session.scalars(select(DeliveryAttempt)).all()
            assert failed and not any(a.ok for a in failed)
            last_failure = max(a.at for a in failed)
            assert down_for - timedelta(hours=1) < last_failure - start < down_for < GIVE_UP_AFTER  # tried all along
            assert all(a.status_code is None and a.error.startswith("connection failed") for a in failed)
            per_event = defaultdict(int)
            for attempt in failed:
                per_event[attempt.event_id] += 1
            assert min(per_event[e.id] for e in events.values()) >= fewest_attempts(down_for) >= 6

            closed.close()
            receiver = HttpReceiver(port=port)  # the technical service is back, at the same address
            back_at = now
            while now - back_at < timedelta(hours=2):  # every retry waits at most an hour
                dispatch(now=now, client=http)
                db.session.expire_all()
                if not db.session.scalar(select(func.count()).where(OutboxEvent.state == "pending")):
                    break
                now = next_due(now)
            for later in (timedelta(hours=1), timedelta(days=2)):  # nothing is sent again, ever
                assert dispatch(now=now + later, client=http).claimed == 0
        finally:
            closed.close()
            if receiver is not None:
                receiver.close()

    db.session.expire_all()
    events = {e.quote_id: e for e in db.session.scalars(select(OutboxEvent))}
    assert {e.state for e in events.values()} == {"delivered"}
    assert set(db.session.scalars(select(QuoteRequest.status))) == {"routed"}
    conn = db.session.connection()
    assert_quotes_delivered_once(conn, receiver_log(receiver.requests), quote_ids)
    assert_nothing_lost_nothing_doubled(conn, sent)
    for quote_id, event in events.items():
        tries = attempts[quote_id]
        assert {webhook_id for webhook_id, _ in tries} == {event.webhook_id}, "a retry under another webhook-id"
        assert len({body for _, body in tries}) == 1, "a retry with another body"
        log = db.session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.event_id == event.id)
                                 .order_by(DeliveryAttempt.at)).all()
        assert len(log) == len(tries) == event.attempts
        assert [a.ok for a in log] == [False] * (len(log) - 1) + [True]
        assert log[-1].status_code == 200 and log[-1].at >= back_at > log[-2].at
        for made, (before, after) in enumerate(zip(log, log[1:], strict=False), start=1):
            low, high = delay_bounds(made)  # each retry waited its backoff, neither less nor (much) more
            assert low <= (after.at - before.at).total_seconds() <= high + 1, (made, after.at - before.at)

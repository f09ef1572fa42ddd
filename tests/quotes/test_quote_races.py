"""Dispatchers racing for the outbox (in the style of pgqueuer's and procrastinate's tests).

Each dispatcher thread has its own session and connection. On PostgreSQL the claim
is `FOR UPDATE SKIP LOCKED`; on SQLite a conditional UPDATE under BEGIN IMMEDIATE.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from server.db import utcnow
from server.extensions import db
from sync.delivery import Settings
import sync.dispatch as sync_dispatch
from sync.dispatch import Dispatcher, claim, dispatch_once
from sync.models import DeliveryAttempt, OutboxEvent
from sync.outbox import enqueue_quote
from tests.factories import make_quote
from tests.quotes.helpers import FAST, dispatch, webhook_team


def pending_quotes(world, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        quote = make_quote(db.session, world.account, world.rep)
        ids.append(enqueue_quote(db.session, quote.id).webhook_id)
    db.session.commit()
    return ids


def in_threads(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; their results, errors re-raised."""
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 — re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results


def test_two_claims_of_one_event_exactly_one_wins(world):
    webhook_team(db.session, "http://127.0.0.1:9/never")
    pending_quotes(world, 1)
    factory, now = sessionmaker(bind=db.engine), utcnow()

    def take(i):
        with factory() as session, session.begin():
            return claim(session, now=now, dispatcher_id=f"d{i}", batch=10, lease_s=60)

    won = in_threads(2, take)

    assert sorted(len(ids) for ids in won) == [0, 1]
    event = db.session.scalars(select(OutboxEvent)).one()
    assert event.claimed_by == f"d{[len(ids) for ids in won].index(1)}"


@pytest.mark.parametrize("dispatchers", [1, 2, 4])
def test_every_event_is_delivered_exactly_once_by_concurrent_dispatchers(world, http_receiver, dispatchers):
    webhook_team(db.session, http_receiver.url)
    expected = pending_quotes(world, 24)
    factory = sessionmaker(bind=db.engine)
    settings = Settings(timeout_s=2, lease_s=60, batch=3, allowed_hosts="127.0.0.1")

    def work(i):
        dispatcher = Dispatcher(session_factory=factory, dispatcher_id=f"d{i}", settings=settings)
        lost = 0
        try:
            while True:
                stats = dispatcher.run_once()
                lost += stats.lost_lease
                if stats.claimed == 0:
                    with factory() as session:
                        if not session.scalar(select(func.count()).where(OutboxEvent.state == "pending")):
                            return lost
        finally:
            dispatcher.close()

    lost = in_threads(dispatchers, work)

    delivered = Counter(r.header("webhook-id") for r in http_receiver.requests)
    assert delivered == Counter(expected)  # each once, none twice, none by two at once
    assert sum(lost) == 0
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 24
    by = Counter(db.session.scalars(select(OutboxEvent.state)))
    assert by == {"delivered": 24}


def test_a_crashed_dispatchers_lease_is_taken_up_with_the_same_webhook_id(world, http_receiver):
    webhook_team(db.session, http_receiver.url)
    [webhook_id] = pending_quotes(world, 1)
    now = utcnow()
    with sessionmaker(bind=db.engine)() as session, session.begin():  # claimed, then the process died
        assert len(claim(session, now=now, dispatcher_id="dead", batch=10, lease_s=60)) == 1

    assert dispatch(dispatcher_id="alive").claimed == 0  # the lease still holds
    # 60 s later, as far as the database can tell:
    db.session.execute(update(OutboxEvent).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    stats = dispatch(dispatcher_id="alive")

    assert (stats.claimed, stats.delivered) == (1, 1)
    assert [r.header("webhook-id") for r in http_receiver.requests] == [webhook_id]
    event = db.session.scalars(select(OutboxEvent)).one()
    assert (event.state, event.claimed_by) == ("delivered", None)


def test_a_slow_dispatcher_that_lost_its_lease_does_not_record_over_the_new_owner(world, http_receiver,
                                                                                   monkeypatch):
    webhook_team(db.session, http_receiver.url)
    pending_quotes(world, 1)
    factory = sessionmaker(bind=db.engine)
    real_send = sync_dispatch.send

    def send_after_losing_the_lease(job, settings, client):
        monkeypatch.setattr(sync_dispatch, "send", real_send)
        with factory() as session, session.begin():  # meanwhile the lease ran out and "fast" took it over
            session.execute(update(OutboxEvent).values(lease_until=utcnow() - timedelta(seconds=1)))
        assert dispatch(dispatcher_id="fast").delivered == 1
        return real_send(job, settings, client)

    monkeypatch.setattr(sync_dispatch, "send", send_after_losing_the_lease)
    stats = dispatch_once(session_factory=factory, dispatcher_id="slow", settings=FAST)

    assert stats.lost_lease == 1 and stats.delivered == 0
    ids = [r.header("webhook-id") for r in http_receiver.requests]
    assert len(ids) == 2 and len(set(ids)) == 1  # the one duplicate at-least-once allows, same webhook-id
    db.session.expire_all()
    event = db.session.scalars(select(OutboxEvent)).one()
    assert (event.state, event.attempts, event.claimed_by) == ("delivered", 1, None)

"""A receiver that fails, hangs past the timeout and succeeds at random (seeded): every quote still
arrives with a 2xx, always under one webhook-id, signed, and never again after its 2xx."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from server.db import utcnow
from server.extensions import db
from server.quotes.models import QuoteRequest
from sync.channels.webhook import verify
from sync.models import OutboxEvent
from tests.channels.receivers import Reply
from tests.quotes.helpers import FAST, SECRET, dispatch, webhook_team
from tests.quotes.test_quote_races import pending_quotes

QUOTES = 16


def chaos(rng: random.Random, count: int) -> list[Reply]:
    kinds = [Reply(200), Reply(204), Reply(500), Reply(503, {"retry-after": "120"}), Reply(404),
             Reply(200, hang_s=FAST.timeout_s + 0.4)]  # answered too late: a timeout for the sender
    return [rng.choices(kinds, weights=[4, 1, 2, 1, 1, 1])[0] for _ in range(count)]


def test_random_failures_end_in_one_2xx_per_quote_with_a_stable_webhook_id(world, http_receiver):
    webhook_team(db.session, http_receiver.url)
    pending_quotes(world, QUOTES)
    replies = chaos(random.Random(20261124), 60)
    http_receiver.reply(*replies)
    now = utcnow()

    for _ in range(30):  # each round one hour later: every retry is due (delays are capped at 1 h)
        dispatch(now=now)
        db.session.expire_all()
        if not db.session.scalar(select(OutboxEvent.id).where(OutboxEvent.state == "pending").limit(1)):
            break
        now += timedelta(hours=1)

    answers = replies + [Reply(200)] * len(http_receiver.requests)  # the receiver says 200 once the list is used up
    by_quote, ok_at = defaultdict(list), {}
    for index, request in enumerate(http_receiver.requests):
        verify(SECRET, dict(request.headers), request.body)
        quote_id = json.loads(request.body)["data"]["id"]
        by_quote[quote_id].append(request.header("webhook-id"))
        assert quote_id not in ok_at, "sent again after a 2xx"
        if 200 <= answers[index].status < 300 and answers[index].hang_s < FAST.timeout_s:
            ok_at[quote_id] = index
    events = {e.quote_id: e for e in db.session.scalars(select(OutboxEvent))}
    assert set(ok_at) == set(events)  # every quote got its 2xx
    for quote_id, ids in by_quote.items():
        assert set(ids) == {events[quote_id].webhook_id}
    assert len(http_receiver.requests) > QUOTES  # the chaos did cause retries
    assert {e.state for e in events.values()} == {"delivered"}
    assert set(db.session.scalars(select(QuoteRequest.status))) == {"routed"}

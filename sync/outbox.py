"""The transactional outbox: a quote request and its delivery event commit together (DESIGN rule 6)."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db import utcnow
from sync.models import OutboxEvent
from sync.wakeup import wake_dispatchers

QUOTE_SUBMITTED = "quote_request.submitted"


def new_webhook_id() -> str:
    """`msg_` + random: the Standard Webhooks message id, the same on every retry."""
    return "msg_" + secrets.token_urlsafe(18)


def enqueue_quote(session: Session, quote_id: str) -> OutboxEvent:
    event = OutboxEvent(kind=QUOTE_SUBMITTED, quote_id=quote_id, webhook_id=new_webhook_id(),
                        state="pending", next_attempt_at=utcnow())
    session.add(event)
    wake_dispatchers(session)
    return event


def backlog(session: Session) -> dict[str, float | int | None]:
    """Events waiting for delivery and the age of the oldest, in seconds (health, metrics)."""
    count, oldest = session.execute(select(func.count(), func.min(OutboxEvent.created_at))
                                    .where(OutboxEvent.state == "pending")).one()
    if isinstance(oldest, str):  # in case a driver hands MIN() back untyped
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    age = round((utcnow() - oldest).total_seconds(), 3) if oldest is not None else None
    return {"pending": int(count), "oldest_age_s": age}

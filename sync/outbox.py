"""The transactional outbox: a quote request and its delivery event commit together (DESIGN rule 6)."""
from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from server.db import utcnow
from sync.models import OutboxEvent

QUOTE_SUBMITTED = "quote_request.submitted"


def new_webhook_id() -> str:
    """`msg_` + random: the Standard Webhooks message id, the same on every retry."""
    return "msg_" + secrets.token_urlsafe(18)


def enqueue_quote(session: Session, quote_id: str) -> OutboxEvent:
    event = OutboxEvent(kind=QUOTE_SUBMITTED, quote_id=quote_id, webhook_id=new_webhook_id(),
                        state="pending", next_attempt_at=utcnow())
    session.add(event)
    return event

"""A client_id (one tablet install) belongs to the user that first used it (PROTOCOL P1)."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from server.db import utcnow
from server.errors import Problem
from sync.models import SyncClient


class ClientMismatch(Problem):
    status, kind, title = 409, "client_mismatch", "Client bound to another user"


def bind(session: Session, *, client_id: str, user_id: str) -> None:
    """First use binds; later uses must come from the same user. An insert that ignores
    a duplicate, so two first requests racing from one tablet both go through."""
    now = utcnow()
    values = {"client_id": client_id, "user_id": user_id, "first_seen": now, "last_seen": now}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        session.execute(pg_insert(SyncClient).values(values).on_conflict_do_nothing())
    else:
        session.execute(insert(SyncClient).values(values).prefix_with("OR IGNORE"))
    owner = session.scalar(select(SyncClient.user_id).where(SyncClient.client_id == client_id))
    if owner != user_id:
        raise ClientMismatch("This client_id belongs to another user; start a new one after signing in.")
    session.execute(update(SyncClient).where(SyncClient.client_id == client_id).values(last_seen=now))

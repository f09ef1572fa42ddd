"""A client_id (one tablet install) belongs to the user that first used it (PROTOCOL P1)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from server.db import utcnow
from server.errors import Problem
from sync.models import SyncClient


class ClientMismatch(Problem):
    status, kind, title = 409, "client_mismatch", "Client bound to another user"


def bind(session: Session, *, client_id: str, user_id: str) -> None:
    client = session.get(SyncClient, client_id)
    if client is None:
        session.add(SyncClient(client_id=client_id, user_id=user_id))
        return
    if client.user_id != user_id:
        raise ClientMismatch("This client_id belongs to another user; start a new one after signing in.")
    client.last_seen = utcnow()

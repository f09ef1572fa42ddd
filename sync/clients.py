"""A client_id (one tablet install) belongs to the user that first used it (PROTOCOL P1)."""
from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from server.db import utcnow
from server.errors import Problem
from sync.models import SyncClient


class ClientMismatch(Problem):
    status, kind, title = 409, "client_mismatch", "Client bound to another user"


def bind(session: Session, *, client_id: str, user_id: str) -> None:
    """First use binds; later uses must come from the same user. One upsert that binds a
    new client_id or stamps `last_seen` on the caller's own, and returns nothing when the
    id belongs to someone else; two first requests racing from one tablet both go through.

    Raises ClientMismatch (409) for a client_id bound to another user."""
    if session.execute(_BIND, {"client_id": client_id, "user_id": user_id, "now": utcnow()}).scalar() != user_id:
        raise ClientMismatch("This client_id belongs to another user; start a new one after signing in.")


# The upsert, one SQL for both databases (INSERT … ON CONFLICT … RETURNING: PostgreSQL ≥ 9.5,
# SQLite ≥ 3.35), as text: SQLAlchemy 2.0 does not cache its dialects' insert() with an ON
# CONFLICT clause (`inherit_cache = False`), so that construct was compiled again on every push.
_BIND = text(
    "INSERT INTO sync_client (client_id, user_id, first_seen, last_seen) VALUES (:client_id, :user_id, :now, :now) "
    "ON CONFLICT (client_id) DO UPDATE SET last_seen = :now WHERE sync_client.user_id = :user_id "
    "RETURNING user_id"
).bindparams(bindparam("now", type_=SyncClient.__table__.c.last_seen.type)).columns(SyncClient.__table__.c.user_id)

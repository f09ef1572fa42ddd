"""A client_id (one tablet install) belongs to the user that first used it (PROTOCOL P1)."""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
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
    stmt = _bind_statement(session.get_bind().dialect.name)
    if session.execute(stmt, {"client_id": client_id, "user_id": user_id, "now": utcnow()}).scalar() != user_id:
        raise ClientMismatch("This client_id belongs to another user; start a new one after signing in.")


@cache
def _bind_statement(dialect_name: str):
    """The upsert (parameters client_id, user_id, now), built once per dialect: every push runs it."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    now = bindparam("now", type_=SyncClient.last_seen.type)
    stmt = upsert(SyncClient).values(client_id=bindparam("client_id"), user_id=bindparam("user_id"),
                                     first_seen=now, last_seen=now)
    return stmt.on_conflict_do_update(index_elements=[SyncClient.client_id], set_={"last_seen": now},
                                      where=SyncClient.user_id == bindparam("user_id")).returning(SyncClient.user_id)

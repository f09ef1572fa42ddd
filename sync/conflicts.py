"""The conflict log: every value that lost a merge, kept so nothing typed is lost (PROTOCOL M5)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.db import utcnow
from sync.models import ConflictEntry
from sync.registry import _plain


def file_lost_values(session: Session, *, entity: str, record_id: str, actor_id: str, mutation_id: str | None,
                     conflicts) -> None:
    """M5: the losing value goes to its author's log: the caller's when it lost, else the earlier writer's."""
    rows = []
    for c in conflicts:
        caller_lost = c.kept == "theirs"
        owner = actor_id if caller_lost else (c.theirs_author or actor_id)
        rows.append({"id": _new_id(), "user_id": owner, "entity": entity, "record_id": record_id, "field": c.field,
                     "lost_value": _plain(c.yours if caller_lost else c.theirs),
                     "kept_value": _plain(c.theirs if caller_lost else c.yours),
                     "mutation_id": mutation_id, "at": utcnow(), "resolved": False})
    if rows:
        session.execute(insert(ConflictEntry), rows)


def _new_id() -> str:
    from server.db import new_id
    return new_id()


def list_for(session: Session, *, user_id: str, include_resolved: bool = False) -> list[dict[str, Any]]:
    stmt = select(ConflictEntry).where(ConflictEntry.user_id == user_id).order_by(ConflictEntry.at.desc())
    if not include_resolved:
        stmt = stmt.where(ConflictEntry.resolved.is_(False))
    return [dump(entry) for entry in session.scalars(stmt)]


def dump(entry: ConflictEntry) -> dict[str, Any]:
    return {"id": entry.id, "entity": entry.entity, "record_id": entry.record_id, "field": entry.field,
            "lost_value": entry.lost_value, "kept_value": entry.kept_value, "at": _plain(entry.at),
            "resolved": entry.resolved}


def resolve(*, session: Session, actor, conflict_id: str, keep: str) -> dict[str, Any]:
    """Apply the user's choice: `lost` writes the lost value back as a new change; `kept` closes it."""
    from server.errors import Immutable, NotFound
    from sync.merge import as_changes
    from sync.push import apply_online

    entry = session.scalars(select(ConflictEntry).where(ConflictEntry.id == conflict_id,
                                                        ConflictEntry.user_id == actor.id)).first()
    if entry is None:
        raise NotFound(f"No conflict {conflict_id} in your log.")
    result = None
    if keep == "lost" and not entry.resolved:
        result = apply_online(session=session, actor=actor, entity=entry.entity, op="update",
                              record_id=entry.record_id, changes=as_changes(entry.field, entry.lost_value))
        if result.get("deleted"):
            raise Immutable("The record was deleted; its value can no longer be restored.")
    entry.resolved = True
    entry.resolved_at = utcnow()
    return {"conflict": dump(entry), "result": result}

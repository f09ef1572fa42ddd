"""Pull: the changes of the caller's scope after a cursor, in change order (PROTOCOL L1–L5)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import Gone, Invalid
from sync import registry
from sync.changes import horizon
from sync.models import Tombstone


def parse_cursor(since: str | None) -> int:
    if since in (None, "", "0"):
        return 0
    try:
        value = int(since)
    except ValueError:
        raise Invalid("`since` must be a cursor returned by a previous pull.", errors={"since": ["Not a cursor."]}) from None
    if value < 0:
        raise Invalid("`since` must be a cursor returned by a previous pull.", errors={"since": ["Not a cursor."]})
    return value


def pull(*, session: Session, actor, since: int, limit: int) -> dict[str, Any]:
    """One page of changes. The caller has opened a REPEATABLE READ transaction on PostgreSQL (L1)."""
    pruned_below, current = horizon(session)
    if since > current:  # L2: a cursor from a future this server never reached (restored backup)
        raise Gone("This cursor comes from a state the server no longer has; pull again from 0.",
                   cursor=str(since), server_cursor=str(current))
    if 0 < since < pruned_below:
        raise Gone("This cursor is older than the change log kept; pull again from 0.", cursor=str(since))
    items: list[tuple[int, dict[str, Any]]] = []
    for entity in registry.scope.entities_for(actor):  # L3
        spec = registry.get(entity)
        model = spec.model
        stmt = (select(model).where(registry.scope.condition(entity, actor), model.version > since)
                .order_by(model.version).limit(limit + 1))
        for record in session.scalars(stmt):
            items.append((record.version, {"entity": entity, "id": record.id, "version": record.version,
                                           "op": "upsert", "data": spec.dump(record)}))
    if since > 0:  # L4
        items.extend(_tombstones(session, actor, since, limit))
    items.sort(key=lambda item: item[0])  # L5
    page = _one_per_record(items[:limit])
    has_more = len(items) > limit
    cursor = items[limit - 1][0] if has_more else max(current, since)
    if has_more:  # everything at the cut's change number belongs in this page
        page = _one_per_record([i for i in items if i[0] <= cursor])
    return {"changes": page, "cursor": str(cursor), "has_more": has_more}


def _tombstones(session: Session, actor, since: int, limit: int):
    keys = registry.scope.actor_keys(actor)
    entities = registry.scope.entities_for(actor)
    stmt = select(Tombstone).where(Tombstone.seq > since, Tombstone.entity.in_(entities))
    if keys is None:
        stmt = stmt.where(Tombstone.deleted.is_(True))
    else:
        stmt = stmt.where(Tombstone.scope.in_(keys))
    stmt = stmt.order_by(Tombstone.seq).limit(limit + 1)
    for stone in session.scalars(stmt):
        yield stone.seq, {"entity": stone.entity, "id": stone.record_id, "version": stone.seq, "op": "delete"}


def _one_per_record(items: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """A record appears once per page, with its latest change."""
    latest: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for seq, change in items:
        latest[(change["entity"], change["id"])] = (seq, change)
    return [change for _, change in sorted(latest.values(), key=lambda item: item[0])]

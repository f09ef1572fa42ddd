"""Pull: the changes of the caller's scope after a cursor, in change order (PROTOCOL L1–L5)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import Gone, Invalid
from sync import registry
from sync.changes import horizon
from sync.models import RecordAlias, Tombstone
from sync.registry import _plain


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
    entities = registry.scope.entities_for(actor)
    # L5, first the page's bounds: the `limit` smallest change numbers after `since`,
    # read from the version indexes alone, so that only the page's rows are fetched.
    lowest: dict[str, int] = {}  # per entity, its first change number after `since`
    numbers: list[int] = []
    for entity in entities:
        model = registry.get(entity).model
        found = list(session.scalars(select(model.version).where(
            registry.scope.condition(entity, actor), model.version > since).order_by(model.version).limit(limit + 1)))
        if found:
            lowest[entity] = found[0]
            numbers.extend(found)
    if since > 0:
        found = list(session.scalars(_tombstone_query(actor, entities, select(Tombstone.seq), since)
                                     .order_by(Tombstone.seq).limit(limit + 1)))
        if found:
            lowest["_tombstones"] = found[0]
            numbers.extend(found)
    numbers.sort()
    upper = numbers[limit - 1] if len(numbers) > limit else max(current, since)
    has_more = bool(numbers) and numbers[-1] > upper
    items: list[tuple[int, dict[str, Any]]] = []
    for entity in entities:  # L3
        if lowest.get(entity, upper + 1) > upper:
            continue  # nothing of this entity in the page
        spec = registry.get(entity)
        model = spec.model
        where = (registry.scope.condition(entity, actor), model.version > since, model.version <= upper)
        for data in _rows(session, spec, where):
            items.append((data["version"], {"entity": entity, "id": data["id"], "version": data["version"],
                                            "op": "upsert", "data": data}))
    stones = []
    if lowest.get("_tombstones", upper + 1) <= upper:  # L4
        query = _tombstone_query(actor, entities, select(Tombstone), since).where(Tombstone.seq <= upper)
        stones = [(t.seq, {"entity": t.entity, "id": t.record_id, "version": t.seq, "op": "delete"})
                  for t in session.scalars(query)]
        _merged_into(session, [change for _, change in stones])
    items.sort(key=lambda item: item[0])
    changes = _one_per_record(items + stones) if stones else [change for _, change in items]
    return {"changes": changes, "cursor": str(upper), "has_more": has_more}


def _rows(session: Session, spec, where):
    """The records as the API represents them. Plain column rows when every output field
    is a column (no ORM objects to build: the full pull's hot path), else the entity's dump."""
    table = spec.model.__table__
    if all(name in table.c for name in spec.output_fields):
        columns = [table.c[name] for name in spec.output_fields]
        for row in session.execute(select(*columns).where(*where)):
            yield {name: _plain(value) for name, value in zip(spec.output_fields, row)}
    else:
        for record in session.scalars(select(spec.model).where(*where)):
            yield spec.dump(record)


def _tombstone_query(actor, entities, stmt, since: int):
    keys = registry.scope.actor_keys(actor)
    stmt = stmt.where(Tombstone.seq > since, Tombstone.entity.in_(entities))
    if keys is None:
        return stmt.where(Tombstone.deleted.is_(True))
    return stmt.where(Tombstone.scope.in_(keys))


def _one_per_record(items: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """A record appears once per page, with its latest change."""
    latest: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for seq, change in items:
        latest[(change["entity"], change["id"])] = (seq, change)
    return [change for _, change in sorted(latest.values(), key=lambda item: item[0])]


def _merged_into(session: Session, deletes: list[dict[str, Any]]) -> None:
    """A record deleted because it was merged into another (server/accounts/merging.py) says
    which: `merged_into`, so the tablet re-keys what it holds under the old id (P10's alias)."""
    for entity in {c["entity"] for c in deletes}:
        ids = [c["id"] for c in deletes if c["entity"] == entity]
        rows = session.execute(select(RecordAlias.alias_id, RecordAlias.record_id).where(
            RecordAlias.entity == entity, RecordAlias.alias_id.in_(ids))).all()
        aliases = {row.alias_id: row.record_id for row in rows}
        for change in deletes:
            if change["entity"] == entity and change["id"] in aliases:
                change["merged_into"] = aliases[change["id"]]

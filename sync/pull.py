"""Pull: the changes of the caller's scope after a cursor, in change order (PROTOCOL L1–L5)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import Gone, Invalid
from sync import registry, statements
from sync.changes import horizon
from sync.models import RecordAlias


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
    """One page of changes: `{"changes": [...], "cursor": str, "has_more": bool}` (API.md → Sync).

    The caller has begun one snapshot (REPEATABLE READ on PostgreSQL, L1). Raises Gone (410)
    for a cursor this server cannot serve (L2). A pull with nothing new is one query: the
    counter and, per entity, the first change numbers after `since` (statements.py)."""
    entities = registry.scope.entities_for(actor)
    params = statements.parameters(actor, since=since, probe=limit + 1)
    # L5, first the page's bounds: the `limit` smallest change numbers after `since`, per
    # entity from its version index alone, so that only the page's rows are fetched.
    lowest: dict[str, int] = {}  # per entity (and "_tombstones"), its first change number after `since`
    numbers: list[int] = []
    counter: dict[str, int] = {}
    connection = session.connection()
    found = connection.execute(statements.bounds(actor.role, entities, since > 0, connection.dialect.name),
                               params).all()
    for entity, number in found:
        if entity in statements.COUNTER:
            counter[entity] = number
    if len(counter) < len(statements.COUNTER):  # no counter row yet (a fresh database)
        counter["_pruned_below"], counter["_current"] = horizon(session)
    pruned_below, current = counter["_pruned_below"], counter["_current"]
    for entity, number in found:
        # C5: a change numbered above `current` waits for the pushes in flight below it.
        if entity not in statements.COUNTER and number <= current:
            lowest[entity] = min(number, lowest.get(entity, number))
            numbers.append(number)
    if since > current:  # L2: a cursor from a future this server never reached (restored backup)
        raise Gone("This cursor comes from a state the server no longer has; pull again from 0.",
                   cursor=str(since), server_cursor=str(current))
    if 0 < since < pruned_below:
        raise Gone("This cursor is older than the change log kept; pull again from 0.", cursor=str(since))
    numbers.sort()
    upper = numbers[limit - 1] if len(numbers) > limit else max(current, since)
    has_more = bool(numbers) and numbers[-1] > upper
    params["upper"] = upper
    items: list[tuple[int, dict[str, Any]]] = []
    for entity in entities:  # L3
        if lowest.get(entity, upper + 1) > upper:
            continue  # nothing of this entity in the page
        for data in _rows(session, registry.get(entity), actor.role, params):
            items.append((data["version"], {"entity": entity, "id": data["id"], "version": data["version"],
                                            "op": "upsert", "data": data}))
    stones = []
    if lowest.get("_tombstones", upper + 1) <= upper:  # L4
        rows = session.connection().execute(statements.tombstones(actor.role, entities), params)
        stones = [(seq, {"entity": entity, "id": record_id, "version": seq, "op": "delete"})
                  for seq, entity, record_id in rows]
        _merged_into(session, [change for _, change in stones])
    items.sort(key=lambda item: item[0])
    changes = _one_per_record(items + stones) if stones else [change for _, change in items]
    return {"changes": changes, "cursor": str(upper), "has_more": has_more}


def _rows(session: Session, spec, role: str, params: dict[str, Any]):
    """The records as the API represents them. Plain column rows when every output field
    is a column (no ORM objects to build: the full pull's hot path), else the entity's dump."""
    stmt, plain = statements.records(spec, role)
    if plain:
        yield from map(statements.output_row(spec), session.connection().execute(stmt, params))
    else:
        for record in session.scalars(stmt, params):
            yield spec.dump(record)


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

"""The pull's statements, built once per role and reused (PROTOCOL L2–L4).

Building a SELECT with its scope condition costs more CPU than running it when there
is nothing new (a third of an incremental pull's samples went to query construction).
So each statement is built once per role, with the caller's identity as bound
parameters (`actor_id`, `team_id`, `tech_ids`, `scope_keys`) and the cursor's too
(`since`, `probe`, `upper`), and kept: SQLAlchemy then also reuses its compiled form
and cache key. `parameters(actor, ...)` gives the values for one caller.

The scope conditions come from the registry's hooks (server/scope.py) called with a
stand-in actor whose identity fields are those bound parameters; a condition may use
only `role`, `id`, `team_id` and `tech_team_ids`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, Select, String, bindparam, literal, literal_column, select, union_all

from sync import allocation, registry
from sync.models import ChangeCounter, Tombstone
from sync.registry import _plain

COUNTER = ("_pruned_below", "_current")  # the counter's two values, as rows of `bounds`


@dataclass(frozen=True)
class StandIn:
    """An actor of `role` whose identity is bound at execution."""

    role: str
    id: Any = bindparam("actor_id")
    team_id: Any = bindparam("team_id")
    tech_team_ids: Any = bindparam("tech_ids", expanding=True)


def parameters(actor, *, since: int, probe: int) -> dict[str, Any]:
    """The bound values of every pull statement for `actor` and a cursor."""
    keys = registry.scope.actor_keys(actor)
    return {"actor_id": actor.id, "team_id": actor.team_id, "tech_ids": list(actor.tech_team_ids),
            "scope_keys": list(keys or ()), "since": since, "probe": probe}


def _label(name: str):
    return literal(name, String).label("entity")


@lru_cache(maxsize=256)
def bounds(role: str, entities: tuple[str, ...], with_tombstones: bool, dialect: str) -> Select:
    """(entity, change number) rows: the counter's `_pruned_below` and `_current`, then per
    entity its first `probe` change numbers after `since` in the scope, and the same for
    `_tombstones` when asked (`since` > 0): a page's bounds in one round trip (L2, L5).
    On PostgreSQL `_current` stops below the pushes this snapshot cannot see yet (C5)."""
    actor = StandIn(role)
    current = (literal_column(allocation.SAFE_CURRENT, BigInteger) if dialect == "postgresql"
               else ChangeCounter.value)
    parts = [select(_label(COUNTER[0]), ChangeCounter.pruned_below).where(ChangeCounter.id == 1),
             select(_label(COUNTER[1]), current).select_from(ChangeCounter).where(ChangeCounter.id == 1)]
    for entity in entities:
        version = registry.get(entity).model.version
        first = (select(version.label("number"))
                 .where(registry.scope.condition(entity, actor), version > bindparam("since"))
                 .order_by(version).limit(bindparam("probe")).subquery())
        parts.append(select(_label(entity), first.c.number))
    if with_tombstones:
        first = (_tombstones_where(select(Tombstone.seq.label("number")), role, entities)
                 .order_by(Tombstone.seq).limit(bindparam("probe")).subquery())
        parts.append(select(_label("_tombstones"), first.c.number))
    return union_all(*parts)


@lru_cache(maxsize=256)
def tombstones(role: str, entities: tuple[str, ...]) -> Select:
    """(seq, entity, record_id) of the scope's tombstones in (`since`, `upper`] (L4)."""
    stmt = select(Tombstone.seq, Tombstone.entity, Tombstone.record_id)
    return _tombstones_where(stmt, role, entities).where(Tombstone.seq <= bindparam("upper"))


def records(spec, role: str) -> tuple[Select, bool]:
    """The scope's records of `spec` changed in (`since`, `upper`]: plain columns when every
    output field is one (True), else the ORM entity (False) (L3)."""
    return _records(spec.name, spec.model, spec.output_fields, role)


@lru_cache(maxsize=256)
def _records(entity: str, model, output_fields: tuple[str, ...], role: str) -> tuple[Select, bool]:
    table = model.__table__
    where = (registry.scope.condition(entity, StandIn(role)), model.version > bindparam("since"),
             model.version <= bindparam("upper"))
    if all(name in table.c for name in output_fields):
        return select(*[table.c[name] for name in output_fields]).where(*where), True
    return select(model).where(*where), False


def output_row(spec) -> Callable[[Any], dict[str, Any]]:
    """A function turning a row of `records(spec, …)`'s plain columns into the record as the
    API represents it: only the date and time columns need converting (to ISO 8601)."""
    return _output_row(spec.model, spec.output_fields)


def timed_fields(spec) -> tuple[str, ...]:
    """The output fields of `spec` whose column holds dates or times (converted to ISO 8601)."""
    return _timed(spec.model, spec.output_fields)


@lru_cache(maxsize=256)
def _timed(model, output_fields: tuple[str, ...]) -> tuple[str, ...]:
    timed = []
    for name in output_fields:
        try:
            kind = model.__table__.c[name].type.python_type
        except NotImplementedError:  # a type that does not say: converted like a date, to be safe
            kind = date
        if issubclass(kind, date):  # datetime is a date too
            timed.append(name)
    return tuple(timed)


@lru_cache(maxsize=256)
def _output_row(model, output_fields: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    timed = _timed(model, output_fields)

    def convert(row) -> dict[str, Any]:
        record = dict(zip(output_fields, row))
        for name in timed:
            if record[name] is not None:
                record[name] = _plain(record[name])
        return record

    return convert


def _tombstones_where(stmt: Select, role: str, entities: tuple[str, ...]) -> Select:
    stmt = stmt.where(Tombstone.seq > bindparam("since"), Tombstone.entity.in_(entities))
    if role == "admin":  # scope keys None: everything, deletions only (a move stays in the scope)
        return stmt.where(Tombstone.deleted.is_(True))
    return stmt.where(Tombstone.scope.in_(bindparam("scope_keys", expanding=True)))

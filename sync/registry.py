"""The entities the engine syncs, as `server/` describes them at start-up.

The engine knows nothing of Flask: each `EntitySpec` tells it the model, which
fields a role may write, how each field merges, how to validate values, the
scope query, and the domain rules to run around a change.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from marshmallow import Schema

LWW = "lww"  # scalar: last writer wins by clamped client time (PROTOCOL M4)
SET = "set"  # {"add": [...], "remove": [...]}, never conflicts (M6)
MAP = "map"  # {"key": value | null}: each key merges as a field of its own, "field.key" (M7)


def split_field(name: str) -> tuple[str, str | None]:
    """`custom.parc_machines` → ("custom", "parc_machines"); a plain field → (name, None).

    Field names have no dots, so the first dot separates a map field from its key."""
    field_name, dot, key = name.partition(".")
    return field_name, (key if dot else None)


@dataclass
class EntitySpec:
    name: str
    model: type
    # field → LWW or SET, for every field a client may write
    policies: dict[str, str]
    # role → fields it may write on create / on update; absent role: may not write
    creatable: dict[str, frozenset[str]]
    updatable: dict[str, frozenset[str]]
    deletable_by: frozenset[str] = frozenset()
    # validates and converts values; `partial` on update
    schema: Schema | None = None
    # the fields sent back to clients, in order
    output_fields: tuple[str, ...] = ()
    required_on_create: frozenset[str] = frozenset()
    # hooks: (ctx, record, values) → None, raising server.errors.Problem subclasses
    before_create: Callable | None = None
    before_update: Callable | None = None
    after_change: Callable | None = None  # (ctx, record, op) → None
    # fields the server sets on create for this role: (ctx) → dict
    server_defaults: Callable | None = None
    # parent references that must be in the caller's scope: field → entity
    parents: dict[str, str] = field(default_factory=dict)
    # A parent outside the caller's scope that this entity may still name: (ctx, parent entity,
    # id) → the record, or None (a visit at an account whose appointment was handed to the caller)
    parent_beyond_scope: Callable | None = None
    # fields whose change can move the record to other scopes (PROTOCOL P9)
    scope_fields: frozenset[str] = frozenset()
    # (ctx, values) → an existing record in the caller's scope that a create duplicates, or None (P10)
    find_duplicate: Callable | None = None
    # Creates that no rule of a push reads back from the database (append-only history):
    # the batch path writes them with one INSERT at the end instead of one ORM object each.
    bulk_insert: bool = False
    # Stored records a push edits are written at the end of the batch path by one UPDATE by
    # primary key per set of changed columns, not by the ORM's unit of work (plain columns,
    # no relationships, no mapper events but the search column's).
    bulk_update: bool = False
    # Ops whose rules read only the records the push locks (P4) and settings no push writes:
    # on PostgreSQL a batch made only of these takes the change counter last (PROTOCOL C4).
    numbers_last: frozenset[str] = frozenset()

    def dump(self, record) -> dict[str, Any]:
        return {name: _plain(getattr(record, name)) for name in self.output_fields}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


_registry: dict[str, EntitySpec] = {}


def register(spec: EntitySpec) -> None:
    _registry[spec.name] = spec


def get(name: str) -> EntitySpec | None:
    return _registry.get(name)


def names() -> tuple[str, ...]:
    return tuple(_registry)


@dataclass
class ScopeHooks:
    """How `server/` answers scope questions (server/scope.py), so the engine can ask them."""

    condition: Callable  # (entity, actor) → SQL condition
    record_keys: Callable  # (session, entity, record) → set of scope keys
    actor_keys: Callable  # (actor) → tuple of scope keys, or None for all
    entities_for: Callable  # (actor) → entity names the actor pulls


scope: ScopeHooks | None = None


def configure_scope(hooks: ScopeHooks) -> None:
    global scope
    scope = hooks
    from sync import changes
    changes.install()

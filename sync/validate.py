"""Validation of a mutation's changes by the entity's marshmallow schema, without the
schema's per-call overhead where it costs (PROTOCOL P5).

A push validates up to 500 changes one by one. `Schema.load` spends more time on its
own machinery (error store, hook lookups, partial bookkeeping, every field of the schema
visited even when the change names two) than on the fields themselves. `load` here
deserialises only the fields a change names, each by its own field object, then runs
the schema's `@validates_schema` hooks: the very calls `Schema.load` makes for a valid
change, so a valid change loads to the same values. Anything else — an invalid value,
a missing required field, a schema whose hooks or fields this shortcut does not
reproduce (pre/post-load hooks, field validators, `data_key`, `attribute`,
`load_default`) — goes through `Schema.load` itself, so every error reads exactly as
before.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import missing

_plans: dict[int, tuple[Schema, bool]] = {}


def _fast_enough(schema: Schema) -> bool:
    """Whether the shortcut reproduces `schema.load` for valid input."""
    hooks = schema._hooks
    if hooks.get(PRE_LOAD) or hooks.get(POST_LOAD) or hooks.get(VALIDATES):
        return False
    for _name, many, kwargs in hooks.get(VALIDATES_SCHEMA, ()):
        if many or kwargs.get("pass_original") or kwargs.get("pass_collection"):
            return False
    for name, field in schema.load_fields.items():
        if field.data_key not in (None, name) or field.attribute not in (None, name):
            return False
        if field.load_default is not missing:
            return False
    return True


def load(schema: Schema, changes: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """`schema.load(changes)` (every top-level field optional when `partial`): the values,
    or `ValidationError` with the very messages `Schema.load` gives."""
    plan = _plans.get(id(schema))
    if plan is None or plan[0] is not schema:
        plan = _plans[id(schema)] = (schema, _fast_enough(schema))
    every = tuple(schema.fields)
    if not plan[1] or not isinstance(changes, dict):
        return schema.load(changes, partial=every if partial else False)
    values = _fast(schema, changes, partial=partial)
    if values is None:
        return schema.load(changes, partial=every if partial else False)
    return values


def _fast(schema: Schema, changes: dict[str, Any], *, partial: bool) -> dict[str, Any] | None:
    """The loaded values, or None when anything needs `Schema.load` (errors included)."""
    fields = schema.load_fields
    if not partial and any(f.required and name not in changes for name, f in fields.items()):
        return None
    # As Schema.load passes them: nested schemas load whole on create, their own way on update.
    kwargs = {"partial": []} if partial else {"partial": False}
    if any(name not in fields for name in changes):
        return None
    values: dict[str, Any] = {}
    try:
        for name, field in fields.items():  # the schema's order, as Schema.load gives them
            if name in changes:
                value = field.deserialize(changes[name], name, changes, **kwargs)
                if value is not missing:
                    values[name] = value
        for attr_name, _many, _kwargs in schema._hooks.get(VALIDATES_SCHEMA, ()):
            getattr(schema, attr_name)(values, partial=tuple(schema.fields) if partial else False, many=False,
                                       unknown=schema.unknown)
    except ValidationError:
        return None
    return values

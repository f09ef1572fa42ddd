"""Validation of a mutation's changes by the entity's marshmallow schema, without the
schema's per-call overhead where it costs (PROTOCOL P5).

A push validates an envelope of up to 500 mutations and each one's changes.
`Schema.load` spends more time on its own machinery (error store, hook lookups, partial
bookkeeping, a closure per field) than on the fields themselves. `load` here gives each
field to its own field object in the schema's order, then runs the schema's
`@validates_schema` hooks: the very calls `Schema.load` makes for a valid document, so
a valid document loads to the same values, in the same order. Anything else — an
invalid value, a missing required field, an unknown key, a schema whose hooks or fields
this shortcut does not reproduce (pre/post-load hooks, field validators, `data_key`,
`attribute`) — goes through `Schema.load` itself, so every error reads exactly as
before.
"""
from __future__ import annotations

import math
from typing import Any

from marshmallow import Schema, ValidationError
from datetime import datetime

from marshmallow.fields import AwareDateTime, Dict, Float, Integer, List, Nested, String
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
    return all(field.data_key in (None, name) and field.attribute in (None, name)
               for name, field in schema.load_fields.items())


def _plan(schema: Schema) -> bool:
    plan = _plans.get(id(schema))
    if plan is None or plan[0] is not schema:
        plan = _plans[id(schema)] = (schema, _fast_enough(schema))
    return plan[1]


def load(schema: Schema, changes: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """`schema.load(changes)` (every top-level field optional when `partial`): the values,
    or `ValidationError` with the very messages `Schema.load` gives."""
    values = _fast(schema, changes, partial=partial) if _plan(schema) and isinstance(changes, dict) else None
    if values is None:
        return schema.load(changes, partial=tuple(schema.fields) if partial else False)
    return values


def _fast(schema: Schema, changes: dict[str, Any], *, partial: bool) -> dict[str, Any] | None:
    """The loaded values, or None when anything needs `Schema.load` (errors included).

    The loop is Schema._deserialize's for a valid mapping: every field in the schema's
    order, a missing one skipped when partial, else given to its field (which answers its
    `load_default` or raises for a required one)."""
    fields = schema.load_fields
    if any(name not in fields for name in changes):
        return None
    # As Schema.load passes them: nested schemas load whole on create, their own way on update.
    kwargs = {"partial": []} if partial else {"partial": False}
    values: dict[str, Any] = {}
    # Partial: only the fields the change names, still in the schema's order. An account
    # edit names one or two of its schema's two dozen fields, and the walk over all of
    # them was most of its validation (bench_push).
    named = (sorted(changes, key=_positions(schema).__getitem__) if partial else fields)
    try:
        for name in named:  # the schema's order, as Schema.load gives them
            field = fields[name]
            raw = changes.get(name, missing)
            if raw is missing:
                if partial:
                    continue
                if not field.required and not field.pre_load:  # Field.deserialize of a missing value
                    default = field.load_default
                    value = default() if callable(default) else default
                    if value is not missing:
                        values[name] = value
                    continue
            quick = _quick(field) if raw is not missing and raw is not None else None
            value = quick(raw) if quick is not None else _SLOW
            if value is _SLOW:
                value = _nested_list(field, raw)
            if value is None:
                value = field.deserialize(raw, name, changes, **kwargs)
            if value is not missing:
                values[name] = value
        for attr_name, _many, _kwargs in schema._hooks.get(VALIDATES_SCHEMA, ()):
            getattr(schema, attr_name)(values, partial=tuple(schema.fields) if partial else False, many=False,
                                       unknown=schema.unknown)
    except (ValidationError, _Slow):
        return None
    return values


def _positions(schema: Schema) -> dict[str, int]:
    """{field name: its place in the schema's load order}, computed once per schema."""
    entry = _orders.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = _orders[id(schema)] = (schema, {name: i for i, name in enumerate(schema.load_fields)})
    return entry[1]


_orders: dict[int, tuple[Schema, dict[str, int]]] = {}
_SLOW = object()  # a value `_quick`'s converter leaves to the field itself
_quicks: dict[int, tuple[Any, Any]] = {}


def _quick(field):
    """A converter doing `field.deserialize(raw)` for a present, non-null value of the
    common types, without marshmallow's per-call machinery (a validator chain built on
    every call): the same output, the same validators called on it; `_SLOW` for any
    other value (the field then runs as usual). None for a field it does not know."""
    entry = _quicks.get(id(field))
    if entry is None or entry[0] is not field:
        entry = _quicks[id(field)] = (field, _make_quick(field))
    return entry[1]


def _make_quick(field):
    if field.pre_load or field.post_load:
        return None
    kind = type(field)
    if kind is String:
        accept = _as_string
    elif kind is Integer:
        accept = _as_integer
    elif kind is Float and field.allow_nan is False:
        accept = _as_float
    elif kind is Dict and field.key_field is None and field.value_field is None and field.mapping_type is dict:
        accept = _as_dict
    elif kind is AwareDateTime and field.format in (None, "iso", "iso8601") and field.default_timezone is not None:
        zone = field.default_timezone

        def accept(raw):  # DateTime's `fromisoformat`, then AwareDateTime's default zone for a naive one
            if type(raw) is not str:
                return _SLOW
            try:
                value = datetime.fromisoformat(raw)
            except ValueError:
                return _SLOW
            return value if value.tzinfo is not None and value.utcoffset() is not None else value.replace(tzinfo=zone)
    else:
        return None
    validators = tuple(field.validators)

    def convert(raw):
        value = accept(raw)
        if value is not _SLOW:
            for validator in validators:  # ValidationError: the caller falls back to Schema.load
                validator(value)
        return value
    return convert


def _as_string(raw):
    return raw if type(raw) is str else _SLOW  # String._deserialize returns a str as is


def _as_integer(raw):
    return raw if type(raw) is int else _SLOW  # int(raw) is raw's value; bools are refused (slow path)


def _as_float(raw):
    if type(raw) is float:
        return raw if math.isfinite(raw) else _SLOW
    if type(raw) is int and -(1 << 53) <= raw <= 1 << 53:
        return float(raw)
    return _SLOW


def _as_dict(raw):
    return dict(raw) if type(raw) is dict else _SLOW  # Mapping._deserialize: mapping_type(value), a copy


class _Slow(Exception):
    """An item of a nested list needs Schema.load: so does the whole document."""


def _nested_list(field, raw) -> list | None:
    """A plain list of nested documents (a push's mutations), each loaded by the shortcut."""
    if not (isinstance(field, List) and isinstance(field.inner, Nested) and isinstance(raw, list)):
        return None
    inner = field.inner.schema
    if field.validators or field.inner.validators or not _plan(inner) or inner.many or inner.only or inner.exclude:
        raise _Slow
    items = []
    for item in raw:
        value = _fast(inner, item, partial=False) if isinstance(item, dict) else None
        if value is None:
            raise _Slow
        items.append(value)
    return items

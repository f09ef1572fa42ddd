"""Schema fields shared by the domains' schemas."""
from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from server.db import is_uuid


def UUID(**kwargs) -> fields.String:  # noqa: N802 (reads like a field class)
    """A UUID kept as text (tablets create ids offline)."""
    return fields.String(validate=_uuid, **kwargs)


def _uuid(value: str) -> bool:
    if not is_uuid(value):
        from marshmallow import ValidationError
        raise ValidationError("Not a valid UUID.")
    return True


def When(**kwargs) -> fields.AwareDateTime:  # noqa: N802
    """An ISO 8601 date-time; one without offset is taken as UTC."""
    return fields.AwareDateTime(default_timezone=UTC, **kwargs)


# A set field (tags) holds at most this many items, and one change names at most as many.
MAX_SET_ITEMS = 100


class SetOp(Schema):
    """Set-valued fields (tags) change by additions and removals, so edits merge (PROTOCOL M6)."""

    add = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                      validate=validate.Length(max=MAX_SET_ITEMS))
    remove = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                         validate=validate.Length(max=MAX_SET_ITEMS))


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))

"""Schema fields shared by the domains' schemas."""
from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, post_load, validate

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


# A postcode: 2 to 10 letters, digits, spaces or hyphens, and at least one digit. Every
# country's postal codes hold digits (France's five, the UK's "SW1A 1AA", the Netherlands'
# "1234 AB", Canada's "K1A 0B1"); letters alone ("ABCDE", "Dijon") are a city typed in the
# wrong column, which geocoding would then place nowhere (or at the wrong commune).
valid_postcode = validate.Regexp(r"^(?=[^0-9]*[0-9])[0-9A-Za-z -]{2,10}$",
                                 error="Not a postcode: 2 to 10 letters, digits, spaces or hyphens, with at least one digit.")


# A set field (tags) holds at most this many items, and one change names at most as many.
MAX_SET_ITEMS = 100


class SetOp(Schema):
    """Set-valued fields (tags) change by additions and removals, so edits merge (PROTOCOL M6)."""

    add = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                      validate=validate.Length(max=MAX_SET_ITEMS))
    remove = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list,
                         validate=validate.Length(max=MAX_SET_ITEMS))


MAX_PER_PAGE = 1000
MAX_PAGE = 1_000_000


class LimitIsPerPage(Schema):
    """`limit` (1–1000), another name for `per_page` (the name the pull uses, and that clients
    send): when given, it is loaded as `per_page`. Lists' query schemas derive from it."""

    limit = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE), load_only=True,
                           metadata={"description": "Another name for per_page"})

    @post_load
    def _limit_is_per_page(self, data: dict, **_kwargs) -> dict:
        if data.get("limit") is not None:
            data["per_page"] = data.pop("limit")
        return data


class PageArgs(LimitIsPerPage):
    """`page` (1–1,000,000) and `per_page` (1–1000, default 50) of a list (API.md → Records),
    and `limit` for `per_page` (LimitIsPerPage)."""

    # Bounded so that the offset, page × per_page, stays a 64-bit integer (SQLite's, PostgreSQL's bigint).
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))

"""What clients send and get about custom field definitions (API.md → Custom fields)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.customfields.models import ENTITIES, TYPES

KEY = r"^[a-z][a-z0-9_]{0,59}$"  # no dots: conflicts name keys as "custom.<key>" (PROTOCOL M7)


class LabelSchema(Schema):
    fr = fields.String(required=True, validate=validate.Length(1, 120))
    en = fields.String(required=True, validate=validate.Length(1, 120))


# A company's own lists, replaced whole by PUT (account statuses, product lines): keyed, labelled items.
LIST_KEY = r"^[a-z][a-z0-9_]{0,39}$"  # what the records store


def list_key() -> fields.String:
    """The `key` of an item of a company's list."""
    return fields.String(required=True, validate=validate.Regexp(LIST_KEY))


def list_items(item: type[Schema]) -> fields.List:
    """A company's whole list: 1 to 100 items of schema `item`."""
    return fields.List(fields.Nested(item), required=True, validate=validate.Length(1, 100))


class KeyedListSchema(Schema):
    """In: a company's whole list (PUT), `items` declared by the subclass with `list_items`, each
    key once; `ONCE`: the 422's words when a key appears twice."""

    ONCE: str  # each subclass's own words (a catalogue message)

    @validates_schema
    def _distinct(self, data, **_kwargs):
        keys = [item["key"] for item in data.get("items", [])]
        if len(set(keys)) != len(keys):
            raise ValidationError(self.ONCE, "items")


class CustomFieldSchema(Schema):
    """In (POST) and out: the contract's shape, plus `id` and `position` (display order)."""

    id = fields.String(dump_only=True)
    key = fields.String(required=True, validate=validate.Regexp(KEY, error="Lower-case letters, digits and _ only."))
    entity = fields.String(required=True, validate=validate.OneOf(ENTITIES))
    label = fields.Nested(LabelSchema, required=True)
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    options = fields.List(fields.String(validate=validate.Length(1, 120)), allow_none=True,
                          validate=validate.Length(max=200), load_default=None)
    option_labels = fields.Dict(keys=fields.String(), values=fields.Nested(LabelSchema), allow_none=True,
                                load_default=None)
    required = fields.Boolean(load_default=False)
    position = fields.Integer(load_default=0, validate=validate.Range(0, 10_000))

    @validates_schema
    def _options(self, data, partial=None, **_kwargs):
        kind, options = data.get("type"), data.get("options")
        if kind in ("choice", "choices"):
            if not options:
                raise ValidationError("A choice field needs its options.", "options")
            if len(set(options)) != len(options):
                raise ValidationError("Options must differ.", "options")
        elif options and not partial:
            raise ValidationError("Only choice fields have options.", "options")
        if "options" in data or not partial:  # a PATCH of the labels alone: the service checks the stored options
            check_option_labels(options, data.get("option_labels"))


def check_option_labels(options, labels) -> None:
    """`option_labels` names only offered options (their labels' shape is LabelSchema's).

    Also run by the service on PATCH, against the options the definition ends up with."""
    if labels and (not isinstance(options, list) or set(labels) - set(options)):
        raise ValidationError("Labels only for the offered options.", "option_labels")


class CustomFieldUpdateSchema(CustomFieldSchema):
    """PATCH: the key and entity name stored values, so they do not change."""

    class Meta:
        exclude = ("key", "entity")


class CustomFieldListArgs(Schema):
    entity = fields.String(validate=validate.OneOf(ENTITIES))


class PurgeSchema(Schema):
    entity = fields.String(required=True, validate=validate.OneOf(ENTITIES))
    key = fields.String(required=True, validate=validate.Regexp(KEY))

"""What clients may send about accounts and contacts (values only; which role may
send which field is the entity's business, in entity.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.accounts.models import CONTACT_ROLES, SEGMENTS
from server.bounds import bounded_blob
from server.common.fields import PageArgs, SetOp, UUID, valid_postcode

# Free-form objects are served to every pull of the account's scope: kept small.
CUSTOM_MAX_KEYS, CUSTOM_MAX_BYTES = 100, 32 * 1024
OPENING_HOURS_MAX_KEYS, OPENING_HOURS_MAX_BYTES = 14, 4 * 1024


class SegmentOverrideSchema(Schema):
    segment = fields.String(required=True, validate=validate.OneOf(SEGMENTS))
    reason = fields.String(required=True, validate=validate.Length(3, 500))


class AccountChangesSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    status = fields.String(validate=validate.Length(1, 40))  # one of the company's statuses (entity.py)
    segment_override = fields.Nested(SegmentOverrideSchema, allow_none=True)
    owner_id = UUID()
    address = fields.String(allow_none=True, validate=validate.Length(max=255))
    postcode = fields.String(allow_none=True, validate=valid_postcode)
    city = fields.String(allow_none=True, validate=validate.Length(max=120))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(allow_none=True)
    tags = fields.Nested(SetOp)
    attachment_ids = fields.Nested(SetOp)  # photos (storefront…), {"add": [ids], "remove": [ids]}
    custom = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)),
                         validate=bounded_blob("custom", max_keys=CUSTOM_MAX_KEYS, max_bytes=CUSTOM_MAX_BYTES))
    opening_hours = fields.Dict(allow_none=True, validate=bounded_blob(
        "opening_hours", max_keys=OPENING_HOURS_MAX_KEYS, max_bytes=OPENING_HOURS_MAX_BYTES))
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))


class ContactChangesSchema(Schema):
    account_id = UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 160))
    roles = fields.List(fields.String(validate=validate.OneOf(CONTACT_ROLES)), validate=validate.Length(max=20))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(allow_none=True)
    # {key: value | null}: only the keys named change (PROTOCOL M7); values checked against definitions.
    custom = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)))
    left_at = fields.Date(allow_none=True)


class AccountListArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=100))
    segment = fields.String(validate=validate.OneOf(SEGMENTS))
    owner_id = UUID()
    status = fields.String(validate=validate.Length(1, 40))


class ContactListArgs(PageArgs):
    account_id = UUID()
    q = fields.String(validate=validate.Length(max=100))

"""What clients may send about accounts and contacts (values only; which role may
send which field is the entity's business, in entity.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.accounts.models import ACCOUNT_STATUSES, CONTACT_ROLES, SEGMENTS
from server.common.fields import UUID, SetOp


class SegmentOverrideSchema(Schema):
    segment = fields.String(required=True, validate=validate.OneOf(SEGMENTS))
    reason = fields.String(required=True, validate=validate.Length(3, 500))


class AccountChangesSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    status = fields.String(validate=validate.OneOf(ACCOUNT_STATUSES))
    segment_override = fields.Nested(SegmentOverrideSchema, allow_none=True)
    owner_id = UUID()
    address = fields.String(allow_none=True, validate=validate.Length(max=255))
    postcode = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9A-Za-z -]{2,10}$"))
    city = fields.String(allow_none=True, validate=validate.Length(max=120))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(allow_none=True)
    tags = fields.Nested(SetOp)
    custom = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)))
    opening_hours = fields.Dict(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))


class ContactChangesSchema(Schema):
    account_id = UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 160))
    roles = fields.List(fields.String(validate=validate.OneOf(CONTACT_ROLES)))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(allow_none=True)


class AccountListArgs(Schema):
    q = fields.String(validate=validate.Length(max=100))
    segment = fields.String(validate=validate.OneOf(SEGMENTS))
    owner_id = UUID()
    status = fields.String(validate=validate.OneOf(ACCOUNT_STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    limit = fields.Integer(validate=validate.Range(min=1, max=1000), metadata={"description": "Alias of per_page"})


class ContactListArgs(Schema):
    account_id = UUID()
    q = fields.String(validate=validate.Length(max=100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    limit = fields.Integer(validate=validate.Range(min=1, max=1000), metadata={"description": "Alias of per_page"})

"""The push envelope (API.md → Sync → push). A malformed envelope is a 400."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.common.fields import When


class MutationSchema(Schema):
    mutation_id = fields.String(required=True, validate=validate.Length(1, 36))
    entity = fields.String(required=True, validate=validate.Length(1, 30))
    op = fields.String(required=True, validate=validate.OneOf(("create", "update", "delete")))
    id = fields.String(required=True, validate=validate.Length(1, 36))
    base_version = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0))
    changes = fields.Dict(load_default=dict)
    client_time = When(allow_none=True, load_default=None)


class PushSchema(Schema):
    client_id = fields.String(required=True, validate=validate.Length(1, 64))
    mutations = fields.List(fields.Nested(MutationSchema), required=True)
    # What the tablet's clock read when it sent the batch (PROTOCOL M2): optional, older
    # clients omit it.
    sent_at = When(allow_none=True, load_default=None)


class PullArgs(Schema):
    since = fields.String(load_default="0", validate=validate.Length(max=40))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1))


class ResolveSchema(Schema):
    keep = fields.String(required=True, validate=validate.OneOf(("lost", "kept")))

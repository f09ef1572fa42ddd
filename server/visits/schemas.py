"""What clients may send about visits and tasks."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.common.fields import PageArgs, UUID, When
from server.visits.models import OUTCOMES, TASK_STATUSES, VISIT_KINDS


class VisitChangesSchema(Schema):
    account_id = UUID(required=True)
    rep_id = UUID()
    appointment_id = UUID(allow_none=True)
    started_at = When(required=True)
    ended_at = When(allow_none=True)
    kind = fields.String(validate=validate.OneOf(VISIT_KINDS))
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))
    maturity = fields.Integer(allow_none=True, validate=validate.Range(1, 5))
    next_action = fields.String(allow_none=True, validate=validate.Length(max=500))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    # Photos taken during the visit, uploaded first (POST /api/attachments).
    attachment_ids = fields.List(UUID(), validate=validate.Length(max=20))

    @validates_schema
    def _ends_after_start(self, data, **_):
        if data.get("ended_at") and data.get("started_at") and data["ended_at"] < data["started_at"]:
            raise ValidationError("A visit cannot end before it starts.", "ended_at")


class TaskChangesSchema(Schema):
    account_id = UUID(allow_none=True)
    visit_id = UUID(allow_none=True)
    rep_id = UUID()
    title = fields.String(required=True, validate=validate.Length(1, 300))
    kind = fields.String(validate=validate.OneOf(("todo", "call", "email", "visit")))
    due_at = When(allow_none=True)
    status = fields.String(validate=validate.OneOf(TASK_STATUSES))
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))


class VisitExportArgs(Schema):
    """The visits to export: started from `from` to `to` (inclusive days), of an account or a rep."""

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    account_id = UUID(load_default=None)
    rep_id = UUID(load_default=None)


class VisitListArgs(PageArgs):
    account_id = UUID()
    rep_id = UUID()

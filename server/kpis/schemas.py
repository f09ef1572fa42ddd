"""What the KPI, action-plan and call-list endpoints read and write."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate


class KpiArgs(Schema):
    class Meta:
        unknown = EXCLUDE  # cache busters and the like

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    rep_id = fields.String(load_default=None)
    team_id = fields.String(load_default=None)


class SegmentTargetsSchema(Schema):
    class Meta:
        unknown = RAISE

    visits = fields.Integer(validate=validate.Range(min=0, max=100_000), load_default=0)
    calls = fields.Integer(validate=validate.Range(min=0, max=100_000), load_default=0)
    revenue = fields.Float(validate=validate.Range(min=0, max=1e12), load_default=0.0, allow_nan=False)


class TargetsSchema(Schema):
    class Meta:
        unknown = RAISE

    A = fields.Nested(SegmentTargetsSchema)
    B = fields.Nested(SegmentTargetsSchema)
    C = fields.Nested(SegmentTargetsSchema)


class ActionPlanInSchema(Schema):
    class Meta:
        unknown = RAISE

    rep_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    targets = fields.Nested(TargetsSchema, load_default=dict)
    notes = fields.String(allow_none=True, validate=validate.Length(max=5000))


class ActionPlanSchema(Schema):
    id = fields.String()
    rep_id = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    targets = fields.Dict()
    notes = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ActionPlanListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    rep_id = fields.String(load_default=None)
    active_on = fields.Date(load_default=None)


class CallListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    rep_id = fields.String(load_default=None)
    segment = fields.String(load_default=None, validate=validate.OneOf(["A", "B", "C"]))
    horizon_days = fields.Integer(load_default=14, validate=validate.Range(min=0, max=365))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


plan_in = ActionPlanInSchema()
plan_patch = ActionPlanInSchema(partial=True)

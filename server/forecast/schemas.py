"""What clients may send about opportunities, and the forecast's query arguments."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.common.fields import UUID, When
from server.forecast.models import CATEGORIES, OUTCOMES

GROUPS = ("month", "rep", "segment", "product_line")
MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="Expected YYYY-MM.")


class CategoryOverrideSchema(Schema):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class OpportunityChangesSchema(Schema):
    account_id = UUID(required=True)
    rep_id = UUID()
    quote_id = UUID(allow_none=True)
    title = fields.String(allow_none=True, validate=validate.Length(max=200))
    product_line = fields.String(allow_none=True, validate=validate.Length(max=120))
    amount = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1e12))
    expected_close = fields.Date(allow_none=True)
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    category_override = fields.Nested(CategoryOverrideSchema, allow_none=True)
    maturity = fields.Integer(allow_none=True, validate=validate.Range(1, 5))
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    closed_at = When(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))


class ForecastArgs(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    group_by = fields.String(load_default="month", validate=validate.OneOf(GROUPS))
    rep_id = UUID()
    team_id = UUID()


class BacktestArgs(Schema):
    months = fields.Integer(load_default=12, validate=validate.Range(1, 36))
    rep_id = UUID()
    team_id = UUID()


class AdjustmentSchema(Schema):
    id = fields.String(dump_only=True)
    rep_id = UUID(required=True)
    month = fields.String(required=True, validate=MONTH)
    amount = fields.Float(required=True, validate=validate.Range(min=-1e12, max=1e12))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))
    author_id = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class AdjustmentListArgs(Schema):
    month = fields.String(validate=MONTH)
    rep_id = UUID()


class SnapshotArgs(Schema):
    month = fields.String(required=True, validate=MONTH)
    rep_id = UUID()
    team_id = UUID()

    @validates_schema
    def _one_scope(self, data, **_kwargs):
        if data.get("rep_id") and data.get("team_id"):
            raise ValidationError("Give a rep or a team, not both.", "team_id")

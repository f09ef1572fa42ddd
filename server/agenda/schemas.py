"""What clients may send about appointments."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.agenda.models import APPOINTMENT_STATUSES
from server.common.fields import PageArgs, UUID, When


class AppointmentChangesSchema(Schema):
    rep_id = UUID()
    account_id = UUID(required=True)
    contact_id = UUID(allow_none=True)
    # Without an offset, a date-time is the rep's local time: entity.py localises it.
    start = fields.DateTime(required=True)
    end = fields.DateTime(required=True)
    purpose = fields.String(allow_none=True, validate=validate.Length(max=2000))
    status = fields.String(validate=validate.OneOf(APPOINTMENT_STATUSES))

    @validates_schema
    def _ends_after_start(self, data, **_):
        start, end = data.get("start"), data.get("end")
        if start and end and (start.tzinfo is None) == (end.tzinfo is None) and end <= start:
            raise ValidationError("An appointment must end after it starts.", "end")


class AppointmentListArgs(PageArgs):
    rep_id = UUID()
    account_id = UUID()
    start_from = When()
    start_to = When()

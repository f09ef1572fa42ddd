"""What clients may send about quote requests."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.common.fields import PageArgs, UUID, When
from server.i18n import translate
from server.quotes import reasons
from server.quotes.models import QUOTE_STATUSES, URGENCIES


class QuoteItemSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(1, 300))
    quantity = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    unit = fields.String(load_default="u", validate=validate.Length(max=20))


class QuoteChangesSchema(Schema):
    account_id = UUID(required=True)
    contact_id = UUID(allow_none=True)
    visit_id = UUID(allow_none=True)
    product_line = fields.String(allow_none=True, validate=validate.Length(max=120))
    items = fields.List(fields.Nested(QuoteItemSchema), required=True, validate=validate.Length(min=1, max=200))
    urgency = fields.String(validate=validate.OneOf(URGENCIES))
    notes = fields.String(allow_none=True, validate=validate.Length(max=20000))
    attachment_ids = fields.List(UUID(), validate=validate.Length(max=20))
    status = fields.String(validate=validate.OneOf(QUOTE_STATUSES))


class QuoteListArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "The account's name, town or postcode"})
    status = fields.String(validate=validate.OneOf(QUOTE_STATUSES))
    team_id = UUID()
    urgency = fields.String(validate=validate.OneOf(URGENCIES))
    account_id = UUID()


class QuoteExportArgs(Schema):
    status = fields.String(validate=validate.OneOf(QUOTE_STATUSES))


class QuoteAgeArgs(QuoteListArgs):
    """The back office's queue filters: by status, team, urgency and age (creation time), and
    `line=unrecognised`: a product line typed freely that names none of the company's."""

    created_after = When()
    created_before = When()
    closed_after = When()
    line = fields.String(validate=validate.OneOf(("unrecognised",)))


class ProductLineFixSchema(Schema):
    product_line = fields.String(required=True, validate=validate.Length(1, 120))


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf(("in_progress", "quoted", "won", "lost")))
    amount = fields.Float(allow_none=True, load_default=None,
                          validate=validate.Range(min=0, min_inclusive=False, max=1e12))
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000))


class RerouteSchema(Schema):
    team_id = UUID(required=True)


class QuoteEventSchema(Schema):
    id = fields.String()
    status = fields.String()
    actor_id = fields.String(allow_none=True)
    # the dispatcher's own notes ("delivered by inbox") in the caller's language (server/i18n.py)
    note = fields.Function(lambda event: translate(event.note), allow_none=True)
    amount = fields.Float(allow_none=True)
    at = fields.AwareDateTime()


class DeliverySchema(Schema):
    state = fields.String()
    webhook_id = fields.String()
    team_id = fields.String(allow_none=True)
    attempts = fields.Integer()
    first_attempt_at = fields.AwareDateTime(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    # Why it is not delivered (yet): a stable code (sync/channels/reasons.py), its words in the
    # reader's language, and the status that came with it (HTTP or SMTP), if any.
    reason = fields.String(attribute="last_reason", allow_none=True)
    reason_text = fields.Function(lambda event: reasons.text(event.last_reason, getattr(event, "last_status", None)),
                                  allow_none=True)
    status_code = fields.Integer(attribute="last_status", allow_none=True)
    # The channel's technical detail, in English: admins only (server/quotes/service.history).
    last_error = fields.String(allow_none=True)


class HistorySchema(Schema):
    events = fields.List(fields.Nested(QuoteEventSchema))
    delivery = fields.Nested(DeliverySchema, allow_none=True)
    # the technical team the request was routed to, by name: "routed" alone tells nobody who has it
    team_name = fields.String(allow_none=True)
    # The product line's key when its text names a line of the company's list; `product_line_recognised`
    # false for a text typed freely that names none (routed as no line), null without a line.
    product_line_key = fields.String(allow_none=True)
    product_line_recognised = fields.Boolean(allow_none=True)

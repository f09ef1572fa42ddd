"""What admins send and see about technical teams and routing rules.

The webhook secret is write-only: it is answered once, by the `201` that creates the
team (generated there when absent), and never again; `has_secret` tells it is set.
"""
from __future__ import annotations

import base64
import binascii

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.common.fields import UUID
from server.quotes import reasons
from server.quotes.models import CHANNELS, URGENCIES
from sync.channels import outbound


def _whsec(value: str) -> None:
    """Standard Webhooks secrets: `whsec_` + base64 of 24 to 64 random bytes."""
    if not value.startswith("whsec_"):
        raise ValidationError("Expected whsec_<base64>; leave it out to have one generated.")
    try:
        key = base64.b64decode(value[len("whsec_"):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("The part after whsec_ is not base64.") from None
    if not 24 <= len(key) <= 64:
        raise ValidationError("The key must be 24 to 64 bytes.")


def _outbound(url: str | None) -> None:
    """Webhook URLs reach public addresses only, or hosts the operator listed (sync/channels/outbound.py)."""
    if url is None:
        return
    from flask import current_app
    try:
        outbound.check_url(url, outbound.parse_allowed(current_app.config["OUTBOUND_ALLOWED_HOSTS"]))
    except outbound.RefusedDestination as refused:
        raise ValidationError(f"This URL is refused ({refused.reason}): webhooks only reach public "
                              "addresses, unless the server's settings allow this host.") from None


def _webhook_url(**kwargs) -> fields.Url:
    return fields.Url(schemes={"http", "https"}, require_tld=False,
                      validate=[validate.Length(max=500), _outbound], **kwargs)


class TeamInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    channel = fields.String(load_default="inbox", validate=validate.OneOf(CHANNELS))
    webhook_url = _webhook_url(allow_none=True, load_default=None)
    webhook_secret = fields.String(allow_none=True, load_default=None, validate=_whsec, load_only=True)
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))
    is_default = fields.Boolean(load_default=False)
    member_ids = fields.List(UUID(), load_default=None, validate=validate.Length(max=500))

    @validates_schema
    def _channel_needs(self, data, partial=False, **_kwargs):
        check_channel(data)


def check_channel(data: dict) -> None:
    """A webhook team needs an http(s) URL; an e-mail team an address."""
    channel = data.get("channel")
    if channel == "webhook" and not data.get("webhook_url"):
        raise ValidationError({"webhook_url": ["Required for the webhook channel."]})
    if channel == "email" and not data.get("email"):
        raise ValidationError({"email": ["Required for the email channel."]})


class TeamPatchSchema(Schema):
    name = fields.String(validate=validate.Length(1, 120))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    webhook_url = _webhook_url(allow_none=True)
    webhook_secret = fields.String(validate=_whsec, load_only=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    is_default = fields.Boolean()
    member_ids = fields.List(UUID(), validate=validate.Length(max=500))
    # true: re-enable an endpoint disabled after a 410 Gone; false: disable it by hand.
    enabled = fields.Boolean()


class TeamOutSchema(Schema):
    id = fields.String()
    name = fields.String()
    channel = fields.String()
    webhook_url = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    is_default = fields.Boolean()
    has_secret = fields.Function(lambda team: bool(team.webhook_secret))
    enabled = fields.Function(lambda team: team.disabled_at is None)
    disabled_at = fields.AwareDateTime(allow_none=True)
    disabled_reason = fields.String(allow_none=True)
    member_ids = fields.Function(lambda team: sorted(team.member_ids))
    created_at = fields.AwareDateTime()
    # Whether its channel can deliver now, and if not why (server/quotes/reasons.py): an e-mail
    # team while no mail relay is set says `false`, "mail_relay_not_configured".
    deliverable = fields.Function(lambda team: reasons.team_problem(team) is None)
    reason = fields.Function(lambda team: reasons.team_problem(team), allow_none=True)
    reason_text = fields.Function(lambda team: reasons.text(reasons.team_problem(team)), allow_none=True)


class TeamCreatedSchema(TeamOutSchema):
    webhook_secret = fields.String(allow_none=True)


class RuleInSchema(Schema):
    team_id = UUID(required=True)
    product_line = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 120))
    postcode_prefix = fields.String(allow_none=True, load_default=None,
                                    validate=validate.Regexp(r"^[0-9A-Za-z]{1,10}$",
                                                             error="1 to 10 letters or digits."))
    urgency = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(URGENCIES))
    priority = fields.Integer(load_default=100, validate=validate.Range(min=-1_000_000, max=1_000_000))


class RuleOutSchema(Schema):
    id = fields.String()
    team_id = fields.String()
    product_line = fields.String(allow_none=True)
    postcode_prefix = fields.String(allow_none=True)
    urgency = fields.String(allow_none=True)
    priority = fields.Integer()
    created_at = fields.AwareDateTime()

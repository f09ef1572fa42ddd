"""Account statuses over HTTP: every role reads the list; managers and admins replace it."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server.accounts import statuses
from server.accounts.models import LIFECYCLE_KINDS
from server.actor import current_actor
from server.customfields.schemas import KeyedListSchema, LabelSchema, list_items, list_key
from server.errors import Invalid
from server.extensions import db
from server.segmentation.service import require_staff

blp = Blueprint("account_statuses", __name__, url_prefix="/api", description="Account statuses")


class StatusSchema(Schema):
    key = list_key()
    label = fields.Nested(LabelSchema, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(LIFECYCLE_KINDS))
    position = fields.Integer(dump_only=True)


class StatusListSchema(KeyedListSchema):
    ONCE = "Each status appears once."
    items = list_items(StatusSchema)


@blp.route("/account-statuses", methods=["GET"])
@blp.response(200)
def list_statuses():
    """The account statuses (every role): `{"items": [{key, label {fr, en}, kind, position}]}`."""
    current_actor()
    return {"items": statuses.statuses(db.session)}


@blp.route("/account-statuses", methods=["PUT"])
@blp.arguments(StatusListSchema)
@blp.response(200)
def put_statuses(body):
    """Replace the list (manager, admin); each status maps to a lifecycle kind
    (prospect, client, former_client, competitor, other). A status accounts still hold → 422."""
    require_staff(current_actor())
    dropped = {s["key"] for s in statuses.statuses(db.session)} - {i["key"] for i in body["items"]}
    used = statuses.in_use(db.session, dropped)
    if used:
        raise Invalid("Accounts still have these statuses.", errors={"items": [f"In use: {k}." for k in sorted(used)]})
    items = statuses.replace(session=db.session, items=body["items"])
    db.session.commit()
    return {"items": items}

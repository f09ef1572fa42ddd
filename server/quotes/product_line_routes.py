"""Product lines over HTTP: every role reads the list; managers and admins replace it."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server.actor import current_actor
from server.customfields.schemas import KeyedListSchema, LabelSchema, list_items, list_key
from server.errors import Invalid
from server.extensions import db
from server.quotes import product_lines
from server.segmentation.service import require_staff

blp = Blueprint("product_lines", __name__, url_prefix="/api", description="Product lines")


class ProductLineSchema(Schema):
    key = list_key()
    label = fields.Nested(LabelSchema, required=True)
    aliases = fields.List(fields.String(validate=validate.Length(1, 120)), load_default=list,
                          validate=validate.Length(max=20))
    position = fields.Integer(dump_only=True)


class ProductLineListSchema(KeyedListSchema):
    ONCE = "Each product line appears once."
    items = list_items(ProductLineSchema)


@blp.route("/product-lines", methods=["GET"])
@blp.response(200)
def list_product_lines():
    """The product lines (every role): `{"items": [{key, label {fr, en}, aliases [str], position}]}`.

    `aliases` are the other spellings stored quotes and deals use for the line ("Moteurs", "pièces")."""
    current_actor()
    return {"items": product_lines.product_lines(db.session)}


@blp.route("/product-lines", methods=["PUT"])
@blp.arguments(ProductLineListSchema)
@blp.response(200)
def put_product_lines(body):
    """Replace the list (manager, admin) → the new list. 422 when a text (key, label or alias) names
    two lines, or when a dropped line is still named by a quote request, deal or routing rule
    (keep its old name among another line's `aliases` to merge it)."""
    require_staff(current_actor())
    clashes = product_lines.ambiguous(body["items"])
    if clashes:
        raise Invalid("A name means two product lines.", errors={"items": [f"Twice: {n}." for n in clashes]})
    used = product_lines.orphaned(db.session, product_lines.product_lines(db.session), body["items"])
    if used:
        raise Invalid("Quotes or deals still name these product lines.",
                      errors={"items": [f"In use: {k}." for k in sorted(used)]})
    items = product_lines.replace(session=db.session, items=body["items"])
    db.session.commit()
    return {"items": items}

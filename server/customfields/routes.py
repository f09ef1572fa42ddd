"""Custom field definitions over HTTP (API.md → Custom fields): every role reads, managers and admins write."""
from __future__ import annotations

from flask_smorest import Blueprint

from server.actor import current_actor
from server.customfields import service
from server.customfields.schemas import CustomFieldListArgs, CustomFieldSchema, CustomFieldUpdateSchema, PurgeSchema
from server.extensions import db

blp = Blueprint("customfields", __name__, url_prefix="/api", description="Custom fields")
out = CustomFieldSchema()


@blp.route("/custom-fields", methods=["GET"])
@blp.arguments(CustomFieldListArgs, location="query")
@blp.response(200, CustomFieldSchema(many=True))
def list_fields(args):
    """The company's custom fields (every role): `[{id, key, entity, label {fr, en}, type, options,
    option_labels {option: {fr, en}} | null, required, position}]`."""
    current_actor()
    return service.definitions(db.session, entity=args.get("entity"))


@blp.route("/custom-fields", methods=["POST"])
@blp.arguments(CustomFieldSchema)
@blp.response(201, CustomFieldSchema)
def create_field(data):
    """Define a field (manager, admin); 409 when the key is already defined for that entity,
    422 when `option_labels` names a value that is not one of `options`."""
    definition = service.create(session=db.session, actor=current_actor(), data=data)
    db.session.commit()
    return definition


@blp.route("/custom-fields/<string:ref>", methods=["PATCH"])
@blp.arguments(CustomFieldUpdateSchema(partial=True))
@blp.arguments(CustomFieldListArgs, location="query", as_kwargs=True)
@blp.response(200, CustomFieldSchema)
def update_field(data, ref, entity=None):
    """Change a field's labels, type, options, option labels, required or position (manager, admin);
    `ref` is its id or key. The result is checked whole (422, nothing changed) as on POST."""
    actor = current_actor()
    service.require_staff(actor)
    definition = service.update(session=db.session, actor=actor,
                                definition=service.find(db.session, ref, entity), data=data)
    db.session.commit()
    return definition


@blp.route("/custom-fields/<string:ref>", methods=["DELETE"])
@blp.arguments(CustomFieldListArgs, location="query", as_kwargs=True)
@blp.response(204)
def delete_field(ref, entity=None):
    """Remove a field (manager, admin): no longer offered nor accepted; stored values stay until purged."""
    actor = current_actor()
    service.require_staff(actor)
    service.remove(session=db.session, actor=actor, definition=service.find(db.session, ref, entity))
    db.session.commit()


@blp.route("/custom-fields/purge", methods=["POST"])
@blp.arguments(PurgeSchema)
@blp.response(200)
def purge_values(data):
    """Delete the stored values of a removed field from the records in your scope (manager, admin) → `{"purged": n}`."""
    purged = service.purge(session=db.session, actor=current_actor(), **data)
    db.session.commit()
    return {"purged": purged}

"""The commercial model over HTTP (API.md → Commercial model): read, change, dry run,
versions, data coverage, segment explanation, and the manager's overrides desk."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from server.actor import current_actor
from server.extensions import db
from server.scope import condition
from server.segmentation import followups, service
from server.segmentation.recompute import evaluate, recompute

blp = Blueprint("segmentation", __name__, url_prefix="/api", description="Commercial model and segmentation")


def _json_body():
    return request.get_json(silent=True)


@blp.route("/commercial-model", methods=["GET"])
@blp.response(200)
def get_model():
    """The active commercial model: criteria (labels as kept: `{"fr", "en"}` or one text), bands, weights,
    thresholds, mapping, cadence, time split."""
    return service.model_document(service.active_model(db.session))


@blp.route("/commercial-model", methods=["PUT"])
@blp.response(200)
def put_model():
    """Replace the model (manager, admin): a new version, activated at once; every account is re-segmented."""
    model, summary = service.put_model(session=db.session, actor=current_actor(), body=_json_body())
    db.session.commit()
    return {**service.model_document(model), "recompute": summary}


@blp.route("/commercial-model/dry-run", methods=["POST"])
@blp.response(200)
def dry_run():
    """The accounts (in your scope) whose segment a candidate model would change; nothing is written."""
    actor = current_actor()
    service.require_staff(actor)
    definition, _note = service.candidate_definition(db.session, _json_body())
    from server.segmentation.scoring import Scorer
    candidate = service.ActiveModel(service.active_model(db.session).version + 1, definition, Scorer(definition), None)
    result = evaluate(db.session, candidate, where=condition("account", actor), with_names=True)
    return {"changes": [{"account_id": i, "name": n, "from": a, "to": b} for i, n, a, b in result.segment_changes],
            "counts": result.counts()}


@blp.route("/commercial-model/versions", methods=["GET"])
@blp.response(200)
def versions():
    """Every version of the model, newest first; the active one is marked."""
    return {"items": service.versions(db.session)}


@blp.route("/commercial-model/coverage", methods=["GET"])
@blp.response(200)
def coverage():
    """Per criterion, the share of your accounts that have the data."""
    return service.coverage(session=db.session, actor=current_actor())


@blp.route("/commercial-model/recompute", methods=["POST"])
@blp.response(200)
def recompute_all():
    """Re-segment every account with the active model (manager, admin)."""
    service.require_staff(current_actor())
    summary = recompute(session=db.session, model=service.ensure_stored(db.session))
    db.session.commit()
    return summary


@blp.route("/commercial-model/recurring-visits", methods=["POST"])
@blp.response(200)
def recurring_visits():
    """Create the recurring visit tasks due in the coming weeks (manager, admin; also `tournee plan-recurring-visits`)."""
    service.require_staff(current_actor())
    summary = followups.plan_recurring_visits(session=db.session)
    db.session.commit()
    return summary


@blp.route("/accounts/<string:account_id>/segment-explanation", methods=["GET"])
@blp.response(200)
def explanation(account_id):
    """The score of an account per criterion and axis, and how it gives the segment; labels in your language."""
    return service.explanation(session=db.session, actor=current_actor(), account_id=account_id)


@blp.route("/segment-overrides", methods=["GET"])
@blp.response(200)
def overrides():
    """Accounts of your team whose segment a rep overrode (manager, admin)."""
    return {"items": service.overrides(session=db.session, actor=current_actor())}


@blp.route("/accounts/<string:account_id>/segment-override/<any(accept, revert):action>", methods=["POST"])
@blp.response(200)
def decide_override(account_id, action):
    """Accept a rep's override (it stays, marked accepted) or revert it (the computed segment applies)."""
    handler = service.accept_override if action == "accept" else service.revert_override
    account = handler(session=db.session, actor=current_actor(), account_id=account_id)
    db.session.commit()
    from server.common.records import dump
    return dump("account", db.session.get(type(account), account_id))

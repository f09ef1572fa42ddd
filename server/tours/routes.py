"""Tours, slot suggestions and the agenda feed over HTTP (API.md → Tours and appointments)."""
from __future__ import annotations

from datetime import date

from flask import current_app, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server.actor import current_actor
from server.errors import Invalid
from server.extensions import db
from server.tours import ics, ics_tokens, service, slots

blp = Blueprint("tours", __name__, url_prefix="/api", description="Tours, slots and the agenda feed")


class SlotArgs(Schema):
    account_id = fields.String(required=True)
    from_ = fields.String(data_key="from", load_default=None)
    to = fields.String(load_default=None)
    duration = fields.Integer(load_default=None, validate=validate.Range(min=5, max=720))
    limit = fields.Integer(load_default=slots.DEFAULT_LIMIT, validate=validate.Range(min=1, max=500))


def _day(text: str) -> date:
    """A path's day (YYYY-MM-DD) within the years a tour can have (slots.PLANNABLE_YEARS); else 422."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid("The date must be YYYY-MM-DD.", errors={"date": ["Not a valid date."]}) from None
    slots.check_plannable(day.year, field="date")
    return day


@blp.route("/tours/<string:rep_id>/<string:day>", methods=["GET"])
@blp.response(200)
def get_tour(rep_id, day):
    """The rep's tour of that day: the kept plan (a plain read); a quick plan at once when never planned or stale."""
    return service.get_tour(session=db.session, actor=current_actor(), rep_id=rep_id, day=_day(day),
                            config=current_app.config)


@blp.route("/tours/<string:rep_id>/<string:day>/replan", methods=["POST"])
@blp.response(200)
def replan(rep_id, day):
    """Plan the day again from the current due list, appointments and visits, and keep it."""
    return service.replan(session=db.session, actor=current_actor(), rep_id=rep_id, day=_day(day),
                          config=current_app.config)


@blp.route("/tours/<string:rep_id>/week/<string:day>", methods=["GET"])
@blp.response(200)
def get_week(rep_id, day):
    """The working days of the week of that date, each planned (or kept) like a single day."""
    return service.week(session=db.session, actor=current_actor(), rep_id=rep_id, day=_day(day),
                        config=current_app.config)


@blp.route("/reps/<string:rep_id>/slots", methods=["GET"])
@blp.arguments(SlotArgs, location="query")
@blp.response(200)
def get_slots(args, rep_id):
    """Best slots first for a visit at the account: least added driving in the rep's planned days."""
    return slots.suggest(session=db.session, actor=current_actor(), rep_id=rep_id, account_id=args["account_id"],
                         start=args["from_"], end=args["to"], duration=args["duration"], limit=args["limit"],
                         config=current_app.config)


@blp.route("/reps/<string:rep_id>/agenda.ics", methods=["GET"])
def agenda_ics(rep_id):
    """The rep's appointments and planned visits as iCalendar; `token` is the rep's feed secret."""
    body = ics.feed(session=db.session, rep_id=rep_id, token=request.args.get("token"))
    return current_app.response_class(body, mimetype="text/calendar",
                                      headers={"Content-Disposition": 'inline; filename="agenda.ics"'})


@blp.route("/reps/<string:rep_id>/ics-token", methods=["POST"])
@blp.response(200)
def rotate_ics_token(rep_id):
    """A new feed secret (the rep itself, its manager or an admin), answered once; the old feed URL stops working."""
    token = ics_tokens.rotate(session=db.session, actor=current_actor(), rep_id=rep_id)
    db.session.commit()
    return {"ics_token": token, "url": url_for("tours.agenda_ics", rep_id=rep_id, token=token, _external=True)}

"""The days a user does not work, named, for the screens that show a calendar (API.md → Working days).

The tablet's agenda and the desk's booking screen mark a public holiday or another day off
as such from this answer: the rules (weekly hours, the team's holiday calendar, absences)
stay in server/agenda/workdays.py, never re-implemented in JavaScript.
"""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

from server.agenda.absences import user_in_scope
from server.agenda import workdays
from server.agenda.workdays import load_calendar
from server.extensions import db
from server.i18n import language

# A few weeks at a time: the screens ask for one week (the agenda) or two (the booking screen).
MAX_DAYS = 62

blp = Blueprint("days_off", __name__, url_prefix="/api", description="Days not worked, named")


class DaysOffArgs(Schema):
    class Meta:
        unknown = RAISE  # a misspelt bound is refused, not ignored

    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data, **_):
        if data["to"] < data["from_"]:
            raise ValidationError("Before the first day.", "to")
        if (data["to"] - data["from_"]).days >= MAX_DAYS:
            raise ValidationError(f"At most {MAX_DAYS} days.", "to")


@blp.route("/users/<string:user_id>/days-off", methods=["GET"])
@blp.arguments(DaysOffArgs, location="query")
@blp.response(200)
def days_off(args, user_id):
    """The days from `from` to `to` (both included, ≤ 62 days) that the user does not work.

    → `{"items": [{"date": "YYYY-MM-DD", "kind": "weekly" | "holiday" | "absence", …}]}` in date
    order: a holiday has `name` (in the response's language) and `names` (`{"fr", "en"}`, for a
    screen that switches language offline); an absence has `reason` (leave, training, sick,
    other). Worked days are left out. 404 for a user outside the caller's reach (as absences);
    422 naming `to` when it is before `from` or too far."""
    user = user_in_scope(user_id)
    items = []
    # The same days as GET /api/me's calendar (workdays.days_off), in this endpoint's shape.
    for off in workdays.days_off(load_calendar(db.session, user), args["from_"], args["to"]):
        item = {"date": off["date"], "kind": off["kind"]}
        if off["kind"] == "holiday":
            item.update(names=off["names"], name=off["names"].get(language()) or off["name"])
        elif off["kind"] == "absence":
            item["reason"] = off["name"]
        items.append(item)
    return {"items": items}

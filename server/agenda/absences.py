"""Absences (leave, training, sickness): days a user does not work.

A rep records its own absences on the tablet, offline too (entity `absence`, synced like
an appointment); its manager records them for the team; an admin for anyone. An absence
removes its days from the rep's tours (no due visit planned, the kept plans of those
days go stale) and from the slots offered to telemarketers (server/agenda/workdays.py).

HTTP (API.md → Working days): `GET/POST /api/users/{id}/absences` with
`{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "reason": "leave"|"training"|"sick"|"other"}`
(both days included), `DELETE /api/users/{id}/absences/{absence_id}`. The sync entity
names the days `first_day` and `last_day` (`from` is not a usable field name in code).
"""
from __future__ import annotations

from datetime import timedelta

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import inspect

from server.actor import current_actor
from server.agenda.models import ABSENCE_REASONS, Absence
from server.common.fields import UUID
from server.db import is_uuid
from server.errors import Invalid, NotFound
from server.extensions import db
from server.scope import get_in_scope, scoped
from sync.push import apply_online
from sync.registry import LWW, EntitySpec

FIELDS = frozenset({"user_id", "first_day", "last_day", "reason", "note"})
OUT = ("id", "version", "user_id", "first_day", "last_day", "reason", "note")
MAX_DAYS = 366


class AbsenceChangesSchema(Schema):
    user_id = UUID()
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    reason = fields.String(validate=validate.OneOf(ABSENCE_REASONS))
    note = fields.String(allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _ordered(self, data, **_):
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            raise ValidationError("The last day is before the first.", "last_day")
        if first and last and (last - first).days >= MAX_DAYS:
            raise ValidationError(f"An absence lasts at most {MAX_DAYS} days.", "last_day")


def _check(ctx, record, values) -> None:
    """The absent user must be the caller, or a member of the manager's team (admin: anyone);
    the days, merged with the stored record's, must stay in order."""
    user_id = values.get("user_id") or (record.user_id if record is not None else None)
    if user_id != ctx.actor.id and ctx.actor.role != "admin":
        from server.users.models import User
        user = ctx.session.get(User, user_id) if user_id else None
        if user is None or ctx.actor.role != "manager" or user.team_id != ctx.actor.team_id:
            raise Invalid("Unknown user.", errors={"user_id": ["Not a member of your team."]})
    first = values.get("first_day", record.first_day if record is not None else None)
    last = values.get("last_day", record.last_day if record is not None else None)
    if first and last and last < first:
        raise Invalid("The last day is before the first.", errors={"last_day": ["Before the first day."]})


def _after_change(ctx, record, _op) -> None:
    """The kept tour plans of the absence's days go stale (re-planned, and tablets pull the flag)."""
    from server.tours.service import days_changed
    state = inspect(record)
    days = _days(record.first_day, record.last_day)
    old_first, old_last = state.attrs.first_day.history.deleted, state.attrs.last_day.history.deleted
    if old_first or old_last:  # moved: the days it left are worked again
        days |= _days(old_first[0] if old_first else record.first_day, old_last[0] if old_last else record.last_day)
    days_changed(ctx, record.user_id, days)


def _days(first, last) -> set:
    return {first + timedelta(days=n) for n in range(max(0, (last - first).days) + 1)}


def _defaults(ctx) -> dict:
    return {"user_id": ctx.actor.id, "reason": "leave"}


absence_spec = EntitySpec(
    name="absence", model=Absence,
    policies={name: LWW for name in FIELDS},
    creatable={"rep": FIELDS - {"user_id"}, "telemarketer": FIELDS - {"user_id"}, "manager": FIELDS,
               "admin": FIELDS},
    updatable={"rep": FIELDS - {"user_id"}, "telemarketer": FIELDS - {"user_id"}, "manager": FIELDS - {"user_id"},
               "admin": FIELDS - {"user_id"}},
    deletable_by=frozenset({"rep", "telemarketer", "manager", "admin"}),
    schema=AbsenceChangesSchema(), output_fields=OUT,
    required_on_create=frozenset({"first_day", "last_day"}),
    server_defaults=_defaults, before_create=_check, before_update=_check, after_change=_after_change,
    scope_fields=frozenset({"user_id"}),
)


# --- HTTP: /api/users/{id}/absences, in the contract's words (from, to) ------------------

blp = Blueprint("absences", __name__, url_prefix="/api", description="Absences (days not worked)")


def as_contract(absence: Absence) -> dict:
    """{"id", "version", "user_id", "from", "to", "reason", "note", "clashes"}: the stable form, with
    the appointments still booked on its days (server/agenda/clashes.py), to be moved."""
    from server.agenda.clashes import clashes
    return {"id": absence.id, "version": absence.version, "user_id": absence.user_id,
            "from": absence.first_day.isoformat(), "to": absence.last_day.isoformat(),
            "reason": absence.reason, "note": absence.note,
            "clashes": clashes(db.session, user_id=absence.user_id, first=absence.first_day, last=absence.last_day)}


def user_in_scope(user_id: str):
    """The user whose absences the caller may see: itself, its team (manager, telemarketer), anyone (admin)."""
    from server.users.models import User
    actor = current_actor()
    user = db.session.get(User, user_id) if is_uuid(user_id) else None
    visible = user is not None and (
        actor.role == "admin" or user.id == actor.id
        or (actor.role in ("manager", "telemarketer") and actor.team_id is not None and user.team_id == actor.team_id))
    if not visible:
        raise NotFound(f"No user {user_id}.")
    return user


@blp.route("/users/<string:user_id>/absences", methods=["GET"])
@blp.response(200)
def list_absences(user_id):
    """The user's absences, latest first: `{"items": [{"id", "from", "to", "reason", …}], "total"}`."""
    user = user_in_scope(user_id)
    rows = db.session.scalars(scoped("absence", current_actor()).where(Absence.user_id == user.id)
                              .order_by(Absence.first_day.desc(), Absence.id)).all()
    return {"items": [as_contract(a) for a in rows], "total": len(rows)}


@blp.route("/users/<string:user_id>/absences", methods=["POST"])
@blp.response(201)
def create_absence(user_id):
    """Record an absence `{"from", "to", "reason", "note"?}` (both days included) → 201 the absence,
    whose `clashes` lists the appointments still booked on its days (they are kept). 422 when a day is missing or out of order; 404 for a user outside the caller's reach."""
    user = user_in_scope(user_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.", errors={"_schema": ["Expected an object."]})
    unknown = set(body) - {"id", "from", "to", "reason", "note"}
    if unknown:
        raise Invalid("Unknown fields.", errors={name: ["Unknown field."] for name in sorted(unknown)})
    changes = {"first_day": body.get("from"), "last_day": body.get("to")}
    changes.update({k: body[k] for k in ("reason", "note") if k in body})
    if current_actor().role in ("manager", "admin"):
        changes["user_id"] = user.id
    elif user.id != current_actor().id:
        raise NotFound(f"No user {user_id}.")
    try:
        result = apply_online(session=db.session, actor=current_actor(), entity="absence", op="create",
                              record_id=body.get("id"), changes=changes)
    except Invalid as problem:  # speak the contract's field names back
        renamed = {{"first_day": "from", "last_day": "to"}.get(k, k): v for k, v in (problem.errors or {}).items()}
        raise Invalid(problem.detail, errors=renamed) from None
    db.session.commit()
    return as_contract(db.session.get(Absence, result["id"]))


@blp.route("/users/<string:user_id>/absences/<string:absence_id>", methods=["DELETE"])
@blp.response(204)
def delete_absence(user_id, absence_id):
    """Remove an absence: its days are worked again."""
    user = user_in_scope(user_id)
    absence = get_in_scope(db.session, "absence", absence_id, current_actor()) if is_uuid(absence_id) else None
    if absence is None or absence.user_id != user.id:
        raise NotFound(f"No absence {absence_id}.")
    apply_online(session=db.session, actor=current_actor(), entity="absence", op="delete", record_id=absence.id,
                 changes={})
    db.session.commit()


"""Appointments as the sync engine sees them: never two at once for a rep."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.agenda.models import Appointment
from server.agenda.schemas import AppointmentChangesSchema
from server.common.rules import check_rep
from server.errors import Immutable, Invalid, Overlap
from server.users.models import User
from sync.registry import LWW, EntitySpec

FIELDS = frozenset({"rep_id", "account_id", "contact_id", "start", "end", "purpose", "status"})
REP_FIELDS = FIELDS - {"rep_id"}
OUT = ("id", "version", "rep_id", "account_id", "contact_id", "start", "end", "purpose", "status", "booked_by")


def _check_booking(ctx, record, values) -> None:
    """No overlap with another booked appointment of the rep. The change counter is
    locked for the whole transaction (sync/PROTOCOL.md C1), so two bookings of the
    same slot are checked one after the other and cannot both succeed."""
    check_rep(ctx, values)
    _localise(ctx, record, values)
    _check_settled(record, values)
    merged = {name: getattr(record, name) for name in FIELDS} if record is not None else {}
    merged.update(values)
    if record is None or "rep_id" in values:
        _check_owner(ctx, record, merged)
    if merged.get("status", "booked") != "booked":
        return
    start, end = merged["start"], merged["end"]
    if end <= start:
        raise Invalid("An appointment must end after it starts.", errors={"end": ["Must be after start."]})
    stmt = select(Appointment.id).where(
        Appointment.rep_id == merged["rep_id"], Appointment.status == "booked",
        Appointment.start < end, Appointment.end > start)
    if record is not None:
        stmt = stmt.where(Appointment.id != record.id)
    ctx.session.flush()  # appointments booked earlier in the same batch count too
    if ctx.session.scalar(stmt.limit(1)):
        raise Overlap("The rep already has an appointment at that time.", errors={"start": ["Overlaps another appointment."]})
    from server.agenda import hours
    hours.check_within_working_hours(ctx.session, rep_id=merged["rep_id"], start=start, end=end)


SETTLED = ("done", "cancelled")


def _check_settled(record, values) -> None:
    """A done or cancelled appointment keeps its time and its rep: moving it would leave a
    logged visit on another day (the working-hours check applies to booked ones only).
    Raises Immutable (409) naming each of `start`, `end`, `rep_id` the change would alter."""
    if record is None or record.status not in SETTLED:
        return
    changed = [name for name in ("start", "end", "rep_id") if name in values and values[name] != getattr(record, name)]
    if changed:
        raise Immutable(f"A {record.status} appointment can no longer be moved.",
                        errors={name: ["Cannot change once the appointment is done or cancelled."] for name in changed})


def _check_owner(ctx, record, merged) -> None:
    """A booking is made for the account's own rep; a booked appointment may then be moved to
    another active rep of the owner's team (the owner is ill, or a colleague is better placed).

    Booking rep2 at rep1's account left rep1 unaware of the visit: a new booking is refused
    (the booker chooses the owner, or the account is reassigned first, docs/security.md). A
    move keeps the account's owner: the colleague covers the visit; the owner's tour counts
    it as booked (server/tours/planning.py) and the owner's kept plans follow the booking
    (server/tours/service.py → appointment_changed)."""
    account = ctx.find("account", merged.get("account_id") or "")
    if account is None or account.owner_id == merged.get("rep_id"):
        return
    if record is None:
        raise Invalid("The rep does not own this account; book the account's own rep.",
                      errors={"rep_id": ["Not the owner of the account."]})
    rep = ctx.session.get(User, merged.get("rep_id") or "")
    owner = ctx.session.get(User, account.owner_id or "")
    if rep is None or not rep.active or owner is None or rep.team_id != owner.team_id:
        raise Invalid("An appointment moves only to an active rep of the account owner's team.",
                      errors={"rep_id": ["Not an active rep of the account owner's team."]})


def _localise(ctx, record, values) -> None:
    """A date-time sent without offset is the rep's local time (API.md → Tours and appointments)."""
    naive = [name for name in ("start", "end") if isinstance(values.get(name), datetime) and values[name].tzinfo is None]
    if not naive:
        return
    rep = ctx.session.get(User, values.get("rep_id") or (record.rep_id if record is not None else None) or "")
    zone = ZoneInfo(rep.timezone if rep is not None and rep.timezone else "Europe/Paris")
    for name in naive:
        values[name] = values[name].replace(tzinfo=zone)


def _after_change(ctx, record, _op) -> None:
    """The kept tour plans of the day(s) the appointment touches go stale (server/tours/service.py)."""
    from server.tours.service import appointment_changed
    appointment_changed(ctx, record)


def _defaults(ctx) -> dict:
    return {"rep_id": ctx.actor.id if ctx.actor.role == "rep" else None, "booked_by": ctx.actor.id, "status": "booked"}


appointment_spec = EntitySpec(
    name="appointment", model=Appointment,
    policies={name: LWW for name in FIELDS},
    creatable={"rep": REP_FIELDS, "telemarketer": FIELDS, "manager": FIELDS, "admin": FIELDS},
    updatable={"rep": REP_FIELDS - {"account_id"}, "telemarketer": FIELDS - {"account_id"},
               "manager": FIELDS - {"account_id"}, "admin": FIELDS - {"account_id"}},
    deletable_by=frozenset({"telemarketer", "manager", "admin"}),
    schema=AppointmentChangesSchema(), output_fields=OUT,
    required_on_create=frozenset({"rep_id", "account_id", "start", "end"}),
    server_defaults=_defaults, before_create=_check_booking, before_update=_check_booking, after_change=_after_change,
    parents={"account_id": "account", "contact_id": "contact"}, scope_fields=frozenset({"rep_id"}),
)

"""Appointments: booked by telemarketers (or reps), never overlapping."""
from __future__ import annotations

from flask_smorest import Blueprint

from server.agenda.models import Appointment
from server.agenda.schemas import AppointmentListArgs
from server.common.records import record_routes

blp = Blueprint("agenda", __name__, url_prefix="/api", description="Appointments")


def _filters(stmt, args):
    if args.get("start_from"):
        stmt = stmt.where(Appointment.start >= args["start_from"])
    if args.get("start_to"):
        stmt = stmt.where(Appointment.start < args["start_to"])
    return stmt


record_routes(blp, entity="appointment", path="/appointments", list_args=AppointmentListArgs,
              equal=("rep_id", "account_id"), filters=_filters,
              order_by=(Appointment.start, Appointment.id))

"""Visits (a rep may not delete one) and tasks."""
from __future__ import annotations

from flask_smorest import Blueprint

from server.actor import current_actor
from server.common import exports
from server.common.records import record_routes
from server.common.spreadsheet import csv_response
from server.extensions import db
from server.visits.models import Task, Visit
from server.visits.schemas import VisitExportArgs, VisitListArgs

blp = Blueprint("visits", __name__, url_prefix="/api", description="Visits and tasks")


@blp.get("/visits/export.csv")
@blp.arguments(VisitExportArgs, location="query")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="Semicolon-separated, UTF-8 with BOM")
def export_visits(args):
    """The visits in your scope as CSV (`;`, UTF-8 with BOM, `JJ/MM/AAAA HH:MM:SS` in your time zone), newest first."""
    actor = current_actor()
    header, rows = exports.visits(session=db.session, actor=actor, start=args["from_"], end=args["to"],
                                  account_id=args["account_id"], rep_id=args["rep_id"])
    return csv_response("visits.csv", header, rows, zone=actor.timezone)


record_routes(blp, entity="visit", path="/visits", list_args=VisitListArgs, equal=("account_id", "rep_id"),
              order_by=(Visit.started_at.desc(), Visit.id))
record_routes(blp, entity="task", path="/tasks", list_args=VisitListArgs, equal=("account_id", "rep_id"),
              order_by=(Task.due_at, Task.id))

"""Visits (a rep may not delete one) and tasks."""
from __future__ import annotations

from flask_smorest import Blueprint

from server.common.records import record_routes
from server.visits.models import Task, Visit
from server.visits.schemas import VisitListArgs

blp = Blueprint("visits", __name__, url_prefix="/api", description="Visits and tasks")


record_routes(blp, entity="visit", path="/visits", list_args=VisitListArgs, equal=("account_id", "rep_id"),
              order_by=(Visit.started_at.desc(), Visit.id))
record_routes(blp, entity="task", path="/tasks", list_args=VisitListArgs, equal=("account_id", "rep_id"),
              order_by=(Task.due_at, Task.id))

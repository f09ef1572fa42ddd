"""KPIs, their CSV export, individual action plans and the telemarketer's call list."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from server.actor import current_actor
from server.common import exports
from server.common.spreadsheet import csv_response
from server.errors import Invalid
from server.extensions import db
from server.kpis import calls, export, plans, service
from server.kpis.period import period_of, rep_scope
from server.kpis.schemas import ActionPlanListArgs, ActionPlanSchema, CallListArgs, KpiArgs, plan_in, plan_patch

blp = Blueprint("kpis", __name__, url_prefix="/api", description="KPIs, action plans and call list")


def _figures(args) -> dict:
    actor = current_actor()
    scope = rep_scope(db.session, actor, rep_id=args["rep_id"], team_id=args["team_id"])
    return service.kpis(session=db.session, scope=scope, period=period_of(actor, args["from_"], args["to"]))


@blp.get("/kpis")
@blp.arguments(KpiArgs, location="query")
@blp.response(200)
def kpis(args):
    """Visits done and planned, coverage, time share, quotes and revenue per segment over a period."""
    return _figures(args)


@blp.get("/kpis.csv")
@blp.arguments(KpiArgs, location="query")
def kpis_csv(args):
    """The same figures as GET /api/kpis, one per line (`;`, UTF-8 with BOM, decimal commas, `JJ/MM/AAAA` dates)."""
    figures = _figures(args)
    name = f"kpis-{figures['from']}-{figures['to']}.csv"
    return csv_response(name, export.HEADER, export.rows(figures))


@blp.get("/call-list")
@blp.arguments(CallListArgs, location="query")
@blp.response(200)
def call_list(args):
    """The team's accounts to call to book a visit: due by the cadence, nothing booked; A first, most overdue first."""
    return calls.call_list(session=db.session, actor=current_actor(), **args)


@blp.get("/reps")
@blp.response(200)
def reps():
    """The reps you book for, steer or follow (back office: those whose quotes reached you): {id, name, team_id}."""
    return calls.reps(session=db.session, actor=current_actor())


@blp.get("/action-plans")
@blp.arguments(ActionPlanListArgs, location="query")
@blp.response(200, ActionPlanSchema(many=True))
def list_plans(args):
    """Action plans in your scope (a rep: its own), newest period first."""
    return plans.listing(session=db.session, actor=current_actor(), **args)


@blp.get("/action-plans/export.csv")
@blp.arguments(ActionPlanListArgs, location="query")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="Semicolon-separated, UTF-8 with BOM")
def export_plans(args):
    """The action plans in your scope as CSV: one column per segment and target (`A_visits`…), `JJ/MM/AAAA` dates."""
    actor = current_actor()
    header, rows = exports.action_plans(session=db.session, actor=actor,
                                        plans=plans.listing(session=db.session, actor=actor, **args))
    return csv_response("action-plans.csv", header, rows, zone=actor.timezone)


@blp.post("/action-plans")
@blp.response(201, ActionPlanSchema)
def create_plan():
    """Set a rep's targets per segment for a period (manager of its team, admin)."""
    plan = plans.create(session=db.session, actor=current_actor(), body=plan_in.load(_body()))
    db.session.commit()
    return plan


@blp.get("/action-plans/<string:plan_id>")
@blp.response(200, ActionPlanSchema)
def get_plan(plan_id):
    """One action plan."""
    return plans.get(db.session, current_actor(), plan_id)


@blp.route("/action-plans/<string:plan_id>", methods=["PUT", "PATCH"])
@blp.response(200, ActionPlanSchema)
def update_plan(plan_id):
    """Change a plan (manager of the rep's team, admin); PATCH takes the fields to change."""
    schema = plan_in if request.method == "PUT" else plan_patch
    plan = plans.update(session=db.session, actor=current_actor(), plan_id=plan_id, body=schema.load(_body()))
    db.session.commit()
    return plan


@blp.delete("/action-plans/<string:plan_id>")
@blp.response(204)
def delete_plan(plan_id):
    """Remove a plan."""
    plans.delete(session=db.session, actor=current_actor(), plan_id=plan_id)
    db.session.commit()


@blp.get("/action-plans/<string:plan_id>/progress")
@blp.response(200)
def plan_progress(plan_id):
    """Targets, what the rep did so far and what a steady pace would have reached by today."""
    return plans.progress(session=db.session, actor=current_actor(), plan_id=plan_id)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.", errors={"_schema": ["Expected an object."]})
    return body

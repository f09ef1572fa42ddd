"""Opportunities (record endpoints shared with sync) and the forecast, its backtest and adjustments."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from server.actor import current_actor
from server.common.fields import PageArgs, UUID
from server.common.records import record_routes
from server.extensions import db, writes_on_get
from server.forecast import adjustments, figures
from server.forecast.models import Opportunity
from server.forecast.schemas import (AdjustmentListArgs, AdjustmentSchema, BacktestArgs, ForecastArgs,
                                     SnapshotArgs)
from server.kpis.period import rep_scope

blp = Blueprint("forecast", __name__, url_prefix="/api", description="Opportunities and the sales forecast")


class OpportunityListArgs(PageArgs):
    account_id = UUID()
    rep_id = UUID()
    quote_id = UUID()


record_routes(blp, entity="opportunity", path="/opportunities", list_args=OpportunityListArgs,
              equal=("account_id", "rep_id", "quote_id"), order_by=(Opportunity.created_at.desc(), Opportunity.id))


@blp.get("/forecast")
@writes_on_get  # the week's snapshot
@blp.arguments(ForecastArgs, location="query")
@blp.response(200)
def forecast(args):
    """Won, weighted, commit and best case for a period, grouped by month, rep, segment or product line."""
    result = figures.forecast(session=db.session, actor=current_actor(), args=args)
    db.session.commit()  # the week's snapshot
    return result


@blp.get("/forecast.csv")
@writes_on_get
@blp.arguments(ForecastArgs, location="query")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="Semicolon-separated, UTF-8 with BOM, decimal commas")
def forecast_csv(args):
    """The same figures as GET /api/forecast, one group per line (semicolons, UTF-8 with BOM, decimal commas)."""
    result = figures.forecast(session=db.session, actor=current_actor(), args=args)
    db.session.commit()
    name = f"forecast-{result['from']}-{result['to']}.csv"
    return Response(figures.csv_text(result), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.get("/forecast/pipeline")
@blp.arguments(ForecastArgs, location="query")
@blp.response(200)
def pipeline(args):
    """The open deals behind the forecast: stage, category, expected close, amount, probability."""
    return figures.pipeline(session=db.session, actor=current_actor(), args=args)


@blp.get("/forecast/backtest")
@blp.arguments(BacktestArgs, location="query")
@blp.response(200)
def backtest(args):
    """For each of the last `months` months, the forecast made on its first day against what was won."""
    return figures.run_backtest(session=db.session, actor=current_actor(), args=args)


@blp.get("/forecast/model")
@blp.response(200)
def model():
    """The win model: kind, closed deals it learned from, Brier score and calibration per band."""
    return figures.model(session=db.session, actor=current_actor())


@blp.get("/forecast/snapshots")
@blp.arguments(SnapshotArgs, location="query")
@blp.response(200)
def snapshots(args):
    """What the forecast said about a month, week by week."""
    return figures.snapshots(session=db.session, actor=current_actor(), args=args)


@blp.get("/forecast/adjustments")
@blp.arguments(AdjustmentListArgs, location="query")
@blp.response(200, AdjustmentSchema(many=True))
def list_adjustments(args):
    """Managers' adjustments of the reps in your scope."""
    actor = current_actor()
    scope = rep_scope(db.session, actor, rep_id=args.get("rep_id"))
    return adjustments.listing(session=db.session, scope=scope, month=args.get("month"))


@blp.post("/forecast/adjustments")
@blp.arguments(AdjustmentSchema)
@blp.response(201, AdjustmentSchema)
def add_adjustment(body):
    """Adjust a rep's month by an amount, with a reason (manager of its team, admin)."""
    adjustment = adjustments.add(session=db.session, actor=current_actor(), **body)
    db.session.commit()
    return adjustment

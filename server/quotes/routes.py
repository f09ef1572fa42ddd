"""Quote requests: created on site or online, worked on by the back office."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import case, true

from server.actor import current_actor
from server.common import exports
from server.accounts.search_table import matching_account_ids
from server.common.records import dump, record_routes
from server.common.spreadsheet import csv_response
from server.extensions import db
from server.errors import NotFound
from server.quotes import line_fix, reroute, service
from server.quotes.models import QuoteRequest
from server.quotes.schemas import (HistorySchema, ProductLineFixSchema, QuoteAgeArgs, QuoteExportArgs, RerouteSchema,
                                   TransitionSchema)

blp = Blueprint("quotes", __name__, url_prefix="/api", description="Quote requests")


def _filters(stmt, args):
    if args.get("q"):  # the account's name, town or postcode, whatever their case and accents
        dialect = db.session.get_bind().dialect.name
        stmt = stmt.where(QuoteRequest.account_id.in_(matching_account_ids(args["q"], dialect)))
    if args.get("created_after"):
        stmt = stmt.where(QuoteRequest.created_at >= args["created_after"])
    if args.get("created_before"):
        stmt = stmt.where(QuoteRequest.created_at < args["created_before"])
    if args.get("closed_after"):
        stmt = stmt.where(QuoteRequest.closed_at >= args["closed_after"])
    if args.get("line") == line_fix.UNRECOGNISED:  # a line typed freely that names none of the company's
        where = stmt.whereclause if stmt.whereclause is not None else true()
        stmt = stmt.where(QuoteRequest.product_line.in_(line_fix.unrecognised_texts(db.session, where)))
    return stmt


@blp.get("/quotes/export.csv")
@blp.arguments(QuoteExportArgs, location="query")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="Semicolon-separated, UTF-8 with BOM")
def export_quotes(args):
    """The quote requests in your scope as CSV (`;`, UTF-8 with BOM, amounts with a decimal comma), oldest first."""
    actor = current_actor()
    header, rows = exports.quotes(session=db.session, actor=actor, status=args.get("status"))
    return csv_response("quotes.csv", header, rows, zone=actor.timezone)


# Urgent first, then oldest first: the back office's queue order.
record_routes(blp, entity="quote_request", path="/quotes", list_args=QuoteAgeArgs,
              equal=("status", "team_id", "urgency", "account_id"), filters=_filters,
              order_by=(case((QuoteRequest.urgency == "urgent", 0), else_=1), QuoteRequest.created_at, QuoteRequest.id),
              deletable=False)


@blp.post("/quotes/<string:quote_id>/transition")
@blp.arguments(TransitionSchema)
@blp.response(200)
def transition(body, quote_id):
    """Move a routed quote request along: in_progress, quoted (with its amount), won or lost; 409 if illegal."""
    quote = service.transition(session=db.session, actor=current_actor(), quote_id=quote_id, **body)
    db.session.commit()
    return dump("quote_request", quote)


@blp.post("/quotes/<string:quote_id>/retry-delivery")
@blp.response(200)
def retry_delivery(quote_id):
    """Send an undeliverable quote request again (same webhook-id, a new 24 h of retries)."""
    quote = service.retry_delivery(session=db.session, actor=current_actor(), quote_id=quote_id)
    db.session.commit()
    return dump("quote_request", quote)


@blp.post("/quotes/<string:quote_id>/reroute")
@blp.arguments(RerouteSchema)
@blp.response(200)
def reroute_quote(body, quote_id):
    """Send a stuck quote request (undeliverable, or waiting for its team) to another technical team, once."""
    quote = reroute.reroute(session=db.session, actor=current_actor(), quote_id=quote_id, team_id=body["team_id"])
    db.session.commit()
    return dump("quote_request", quote)


@blp.post("/quotes/<string:quote_id>/product-line")
@blp.arguments(ProductLineFixSchema)
@blp.response(200)
def set_product_line(body, quote_id):
    """Set the right product line of a quote (any text naming a line) and route it again by the rules, once per team."""
    quote = line_fix.set_product_line(session=db.session, actor=current_actor(), quote_id=quote_id,
                                      product_line=body["product_line"])
    db.session.commit()
    return dump("quote_request", quote)


@blp.get("/technical-teams")
@blp.response(200)
def technical_teams():
    """The technical teams by name, each with whether it receives (`receives`, `reason`): where to re-route."""
    if current_actor().role not in service.WORKFLOW_ROLES:
        raise NotFound("No such resource.")
    return reroute.teams(db.session)


@blp.get("/quotes/<string:quote_id>/history")
@blp.response(200, HistorySchema)
def history(quote_id):
    """The quote's steps (who, when, amount, note) and its delivery: attempts and last error."""
    return service.history(session=db.session, actor=current_actor(), quote_id=quote_id)

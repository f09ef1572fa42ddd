"""Quote requests: created on site or online, listed for the back office."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import case

from server.common.records import record_routes
from server.quotes.models import QuoteRequest
from server.quotes.schemas import QuoteListArgs

blp = Blueprint("quotes", __name__, url_prefix="/api", description="Quote requests")


def _filters(stmt, args):
    for name in ("status", "team_id", "urgency", "account_id"):
        if args.get(name):
            stmt = stmt.where(getattr(QuoteRequest, name) == args[name])
    return stmt


# Urgent first, then oldest first: the back office's queue order.
record_routes(blp, entity="quote_request", path="/quotes", list_args=QuoteListArgs, filters=_filters,
              order_by=(case((QuoteRequest.urgency == "urgent", 0), else_=1), QuoteRequest.created_at, QuoteRequest.id),
              deletable=False)

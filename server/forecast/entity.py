"""Opportunities as the sync engine sees them: opened on site, offline, like the rest.

The rep sets its estimate, expected close date and forecast category; a manager
overrides the category with a reason (kept beside the rep's, never over it). An
opportunity without a quote is closed by its rep (`outcome`); one carried by a quote
request follows the quote's status.
"""
from __future__ import annotations

from sqlalchemy import select

from server.common.rules import check_rep
from server.errors import Forbidden, Invalid
from server.forecast.models import Opportunity
from server.forecast.schemas import OpportunityChangesSchema
from server.visits.models import Visit
from sync.registry import LWW, EntitySpec

# A rep closes its opportunity (`outcome`); the server notes when (`closed_at`), so a
# win cannot be backdated into a month already reported. Staff may correct the date.
REP_FIELDS = frozenset({"account_id", "quote_id", "title", "product_line", "amount", "expected_close", "category",
                        "maturity", "outcome", "notes"})
STAFF_FIELDS = REP_FIELDS | {"rep_id", "category_override", "closed_at"}
OUT = ("id", "version", "account_id", "rep_id", "quote_id", "title", "product_line", "amount", "expected_close",
       "category", "category_override", "forecast_category", "maturity", "outcome", "closed_at", "notes",
       "created_at")


def _create(ctx, record: None, values: dict) -> None:
    """A new opportunity takes the account's project maturity from its last visit unless the rep gave one."""
    _check(ctx, record, values)
    if values.get("maturity") is None:
        values["maturity"] = ctx.session.scalar(
            select(Visit.maturity).where(Visit.account_id == values["account_id"], Visit.maturity.is_not(None))
            .order_by(Visit.started_at.desc()).limit(1))


def _check(ctx, record: Opportunity | None, values: dict) -> None:
    check_rep(ctx, values)
    quote_id = values.get("quote_id")
    if quote_id is not None:
        quote = ctx.find("quote_request", quote_id)
        if quote is None:
            raise Invalid("No such quote request in your scope.", errors={"quote_id": ["Not found."]})
        account_id = values.get("account_id") or (record.account_id if record is not None else None)
        if quote.account_id != account_id:
            raise Invalid("The quote request is for another account.", errors={"quote_id": ["Another account's."]})
    if "category_override" in values:
        if not ctx.actor.is_staff:
            raise Forbidden("Only a manager overrides the forecast category.")
        if values["category_override"] is not None:
            values["category_override"] = {**values["category_override"], "by": ctx.actor.id,
                                           "at": ctx.received_at.isoformat().replace("+00:00", "Z")}
    if values.get("outcome") is not None and values.get("closed_at") is None:
        values["closed_at"] = ctx.received_at
    elif "outcome" in values and values["outcome"] is None:
        values["closed_at"] = None


opportunity_spec = EntitySpec(
    name="opportunity", model=Opportunity,
    policies={name: LWW for name in STAFF_FIELDS},
    creatable={"rep": REP_FIELDS, "manager": STAFF_FIELDS, "admin": STAFF_FIELDS},
    updatable={"rep": REP_FIELDS - {"account_id"}, "manager": STAFF_FIELDS - {"account_id"},
               "admin": STAFF_FIELDS - {"account_id"}},
    deletable_by=frozenset({"rep", "manager", "admin"}),
    schema=OpportunityChangesSchema(), output_fields=OUT,
    required_on_create=frozenset({"account_id", "rep_id"}),
    server_defaults=lambda ctx: {"rep_id": ctx.actor.id, "category": "pipeline"},
    before_create=_create, before_update=_check,
    parents={"account_id": "account"}, scope_fields=frozenset({"rep_id"}),
)

"""Quote requests as the sync engine sees them: created on site, frozen once routed."""
from __future__ import annotations

from server.errors import Immutable, Invalid
from server.quotes.models import QuoteEvent, QuoteRequest
from server.quotes.schemas import QuoteChangesSchema
from sync.outbox import enqueue_quote
from sync.registry import LWW, EntitySpec

FIELDS = frozenset({"account_id", "contact_id", "visit_id", "product_line", "items", "urgency", "notes",
                    "attachment_ids", "status"})
EDITABLE = FIELDS - {"account_id", "visit_id"}
OUT = ("id", "version", "account_id", "contact_id", "visit_id", "rep_id", "product_line", "items", "urgency", "notes",
       "attachment_ids", "status", "team_id", "created_at", "received_at", "routed_at", "in_progress_at", "quoted_at",
       "closed_at", "amount", "turnaround_hours", "route_seconds")
CANCELLABLE = ("submitted", "routed")


def _before_create(ctx, _record, values) -> None:
    if values.get("status", "submitted") != "submitted":
        raise Invalid("A new quote request is submitted.", errors={"status": ["Must be 'submitted' or absent."]})
    check_attachments(ctx, values.get("attachment_ids") or [])


def check_attachments(ctx, ids, already=()) -> None:
    """A record (quote, account, visit) may only name photos and documents its author uploaded
    (POST /api/attachments); `already` are those it names already."""
    new = [i for i in dict.fromkeys(ids) if i not in already]
    if not new:
        return
    from sqlalchemy import select

    from server.quotes.models import Attachment
    mine = set(ctx.session.scalars(select(Attachment.id).where(Attachment.id.in_(new),
                                                               Attachment.uploaded_by == ctx.actor.id)))
    unknown = [i for i in new if i not in mine]
    if unknown:
        raise Invalid("The change names attachments you did not upload.",
                      errors={"attachment_ids": [f"Unknown attachment {i}." for i in unknown]})


def _before_update(ctx, record: QuoteRequest, values) -> None:
    """A rep may edit its request until routed; after that only cancel, while still cancellable."""
    status = values.get("status")
    if status is not None and status != record.status:
        if status != "cancelled":
            raise Immutable("The status moves through the back office.", errors={"status": ["Only 'cancelled'."]})
        if record.status not in CANCELLABLE:
            raise Immutable(f"A quote request {record.status} can no longer be cancelled.")
    others = set(values) - {"status"}
    if others and record.status != "submitted":
        raise Immutable(f"A quote request {record.status} can no longer be changed.",
                        errors={name: ["Frozen once routed."] for name in sorted(others)})
    if "attachment_ids" in values:
        check_attachments(ctx, values["attachment_ids"] or [], already=set(record.attachment_ids or []))


def _after_change(ctx, record: QuoteRequest, op: str) -> None:
    if op == "create":
        # P7: the delivery event commits with the quote (transactional outbox). The quote
        # row goes first: its event rows refer to it and no relationship orders the inserts.
        ctx.session.flush()
        record.received_at = ctx.received_at
        record.status = "submitted"
        ctx.session.add(QuoteEvent(quote_id=record.id, status="submitted", actor_id=ctx.actor.id, at=ctx.received_at))
        enqueue_quote(ctx.session, record.id)
    elif record.status == "cancelled" and record.closed_at is None:
        record.closed_at = ctx.received_at
        ctx.session.add(QuoteEvent(quote_id=record.id, status="cancelled", actor_id=ctx.actor.id, at=ctx.received_at))


quote_spec = EntitySpec(
    name="quote_request", model=QuoteRequest,
    policies={name: LWW for name in FIELDS},
    creatable={"rep": FIELDS, "manager": FIELDS, "admin": FIELDS},
    updatable={"rep": EDITABLE, "manager": EDITABLE, "admin": EDITABLE},
    schema=QuoteChangesSchema(), output_fields=OUT,
    required_on_create=frozenset({"account_id", "items"}),
    server_defaults=lambda ctx: {"rep_id": ctx.actor.id, "urgency": "normal", "attachment_ids": [], "status": "submitted"},
    before_create=_before_create, before_update=_before_update, after_change=_after_change,
    parents={"account_id": "account", "contact_id": "contact"}, scope_fields=frozenset({"rep_id", "team_id"}),
)

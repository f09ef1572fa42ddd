"""Visits (append-only) and tasks as the sync engine sees them."""
from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app, has_app_context

from server.accounts.models import Account
from server.agenda.workdays import DueDays
from server.common.rules import check_rep
from server.errors import Invalid
from server.segmentation.cadence import cadence, next_due_at
from server.segmentation.followups import create_follow_ups, keep_title_key
from server.visits.models import Task, Visit
from server.visits.schemas import TaskChangesSchema, VisitChangesSchema
from sync.registry import LWW, EntitySpec

VISIT_OUT = ("id", "version", "account_id", "rep_id", "appointment_id", "started_at", "ended_at", "kind", "outcome",
             "notes", "maturity", "next_action", "lat", "lon", "verified", "attachment_ids")
VISIT_FIELDS = frozenset({"account_id", "appointment_id", "started_at", "ended_at", "kind", "outcome", "notes",
                          "maturity", "next_action", "lat", "lon", "attachment_ids"})
VERIFY_RADIUS_M = 500.0
# A visit is logged once it has started. The tablet's clock is put back on the server's when the
# push says what it read (PROTOCOL M2); the margin covers the clocks of older clients, which do not.
FUTURE_TOLERANCE = timedelta(minutes=10)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


def _visit_defaults(ctx) -> dict:
    return {"rep_id": ctx.actor.id, "kind": "onsite", "attachment_ids": []}


def _after_visit(ctx, visit: Visit, op: str) -> None:
    """A visit checks the rep in (verified near the account) and moves the account's due date
    (by the cadence, onto a day its owner works)."""
    account = ctx.find("account", visit.account_id) or ctx.session.get(Account, visit.account_id)
    if visit.lat is not None and visit.lon is not None and account.lat is not None and account.lon is not None:
        radius = current_app.config.get("VISIT_VERIFY_RADIUS_M", VERIFY_RADIUS_M) if has_app_context() else VERIFY_RADIUS_M
        visit.verified = distance_m(visit.lat, visit.lon, account.lat, account.lon) <= radius
    if op == "create":
        create_follow_ups(ctx, visit)  # the model's automatic follow-up tasks, same transaction
    if visit.kind != "onsite" or (account.last_visit_at and account.last_visit_at >= visit.started_at):
        return
    account.last_visit_at = visit.started_at
    account.next_due_at = next_due_at(ctx.once("cadence", lambda: cadence(ctx.session)), account.segment,
                                      visit.started_at, owner_id=account.owner_id,
                                      days=ctx.once("worked_due_days", lambda: DueDays(ctx.session, absences=False)))
    ctx.numbers.stamp(account, ("last_visit_at", "next_due_at"), time_ms=ctx.time_ms, user_id=ctx.actor.id)
    # The owner's kept tours after that day that plan the account as due are planned again:
    # once for the whole push (a tablet back online sends a day of visits at once).
    from server.tours.service import visits_logged
    visited = ctx.once("tours_visited", dict)
    visited.setdefault(account.owner_id, {})[account.id] = visit.started_at
    ctx.at_end("tours_visited", lambda: visits_logged(ctx, visited))


def _covered_account(ctx, entity: str, account_id: str):
    """The account a rep may log a visit at without owning it: one where it holds an appointment
    (booked or done, not cancelled), handed over to it by a telemarketer (PATCH rep_id: a
    colleague covers the visit, the account keeps its owner). Known to the push from then on,
    and locked as the push's own records are (C4: the counter is taken after the loads)."""
    from sqlalchemy import exists, select

    from server.agenda.models import Appointment
    if entity != "account" or ctx.actor.role != "rep":
        return None
    stmt = select(Account).where(Account.id == account_id, exists().where(
        Appointment.account_id == Account.id, Appointment.rep_id == ctx.actor.id, Appointment.status != "cancelled"))
    if ctx.numbers.provisional and ctx.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Account)
    account = ctx.session.scalars(stmt).first()
    if account is not None:
        ctx.known[("account", account_id)] = account
    return account


def check_started(ctx, values) -> None:
    """A visit cannot start later than now (on the server's clock, with FUTURE_TOLERANCE): a
    refusal the ledger keeps, so a retry of the mutation answers the same (PROTOCOL P3)."""
    started = values.get("started_at")
    if started is None:
        return
    try:
        started -= ctx.clock_offset  # the tablet's clock minus the server's
    except OverflowError:  # a nonsense clock: the time as the tablet wrote it
        pass
    if started > ctx.received_at + FUTURE_TOLERANCE:
        raise Invalid("A visit cannot start in the future.",
                      errors={"started_at": ["Later than now: a visit is logged once it has started."]})


def _before_visit(ctx, values) -> None:
    from server.quotes.entity import check_attachments
    check_started(ctx, values)
    check_rep(ctx, values)
    check_attachments(ctx, values.get("attachment_ids") or [])


visit_spec = EntitySpec(
    name="visit", model=Visit,
    policies={name: LWW for name in VISIT_FIELDS | {"rep_id"}},
    creatable={"rep": VISIT_FIELDS, "manager": VISIT_FIELDS | {"rep_id"}, "admin": VISIT_FIELDS | {"rep_id"}},
    updatable={},  # append-only: a visit once logged is history
    deletable_by=frozenset({"admin"}),
    schema=VisitChangesSchema(), output_fields=VISIT_OUT,
    required_on_create=frozenset({"account_id", "started_at", "rep_id"}),
    server_defaults=_visit_defaults, before_create=lambda ctx, _r, values: _before_visit(ctx, values),
    after_change=_after_visit,
    parents={"account_id": "account"}, parent_beyond_scope=_covered_account, scope_fields=frozenset({"rep_id"}),
    bulk_insert=True, numbers_last=frozenset({"create"}),
)

TASK_FIELDS = frozenset({"account_id", "visit_id", "title", "kind", "due_at", "status", "notes"})

task_spec = EntitySpec(
    name="task", model=Task,
    policies={name: LWW for name in TASK_FIELDS | {"rep_id"}},
    creatable={"rep": TASK_FIELDS, "manager": TASK_FIELDS | {"rep_id"}, "admin": TASK_FIELDS | {"rep_id"}},
    updatable={"rep": TASK_FIELDS - {"account_id", "visit_id"}, "manager": TASK_FIELDS | {"rep_id"},
               "admin": TASK_FIELDS | {"rep_id"}},
    deletable_by=frozenset({"rep", "manager", "admin"}),
    # `title_key`: set by the server only (segmentation/followups.py), never written by a client.
    schema=TaskChangesSchema(),
    output_fields=("id", "version", "rep_id", "account_id", "visit_id", "title", "title_key", "kind", "due_at", "status",
                   "notes"),
    required_on_create=frozenset({"title", "rep_id"}),
    server_defaults=lambda ctx: {"rep_id": ctx.actor.id, "status": "open", "kind": "todo"},
    before_create=lambda ctx, _r, values: check_rep(ctx, values),
    before_update=lambda ctx, _r, values: check_rep(ctx, values),
    after_change=keep_title_key,
    parents={"account_id": "account"}, scope_fields=frozenset({"rep_id"}),
    numbers_last=frozenset({"create", "update"}),
)

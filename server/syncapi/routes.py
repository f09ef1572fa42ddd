"""/api/sync/*: push, pull and the conflict log (sync/PROTOCOL.md)."""
from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError

from server.actor import current_actor
from server.errors import Problem, TooLarge, validation_errors
from server import faults
from server.extensions import begin_snapshot, db, limiter, reads_one_snapshot
from server.i18n import translate_results
from server.syncapi.schemas import PullArgs, PushSchema, ResolveSchema
from sync import allocation, clients, conflicts, pull, push, validate
from sync.changes import BUSY_ABORTS

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync")
push_schema = PushSchema()
PUSH_ATTEMPTS = 3
RETRYABLE = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


class MalformedEnvelope(Problem):
    status, kind, title = 400, "malformed", "Malformed sync envelope"


def _push_key() -> str:
    return f"push:{current_actor().id}"


@blp.post("/push")
@limiter.limit(lambda: current_app.config["PUSH_LIMIT_PER_USER"], key_func=_push_key)
@blp.response(200)
def push_mutations():
    """Apply the tablet's outbox: one result per mutation, in order; replays answer from the ledger."""
    from server.db import utcnow
    received_at = utcnow()  # M2: the tablet's offset is taken from the arrival, whatever follows
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise MalformedEnvelope("The body must be a JSON object {client_id, mutations}.")
    mutations = body.get("mutations")
    limit = current_app.config["SYNC_MAX_MUTATIONS"]
    if isinstance(mutations, list) and len(mutations) > limit:  # P1
        raise TooLarge(f"At most {limit} mutations per push; send the rest in another batch.")
    try:
        envelope = validate.load(push_schema, body)  # Schema.load's values and errors, faster
    except ValidationError as exc:
        raise MalformedEnvelope("The sync envelope is malformed.", errors=validation_errors(exc)) from None
    actor = current_actor()
    one_by_one = False
    try:
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            # C5: the counter held to a commit makes this attempt give way (the holder may wait for
            # a record this push locked, a cycle PostgreSQL cannot see); the last one waits its turn.
            db.session.info[BUSY_ABORTS] = attempt < PUSH_ATTEMPTS
            try:
                clients.bind(db.session, client_id=envelope["client_id"], user_id=actor.id)
                results = push.push(session=db.session, actor=actor, client_id=envelope["client_id"],
                                    mutations=envelope["mutations"], sent_at=envelope["sent_at"],
                                    received_at=received_at, savepoint=False, one_by_one=one_by_one)
                db.session.flush()
                faults.point("push.before_commit")
                db.session.commit()  # P8
                break
            except IntegrityError:
                # A constraint the checks did not foresee (this batch pushed twice at once: the
                # other copy's rows): the whole push again, one savepoint per mutation, so the
                # offending one alone is rejected and a replay answers from the other's ledger.
                if one_by_one or attempt == PUSH_ATTEMPTS:
                    raise
                db.session.rollback()
                one_by_one = True
            except allocation.Busy:
                db.session.rollback()  # nothing of it was applied: its record locks go, the holder finishes
            except DBAPIError as exc:
                # PROTOCOL C4: a push that locks its records before the counter can meet a writer
                # that took them the other way round; PostgreSQL aborts one. Nothing was applied:
                # run the whole push again.
                if attempt == PUSH_ATTEMPTS or getattr(exc.orig, "sqlstate", None) not in RETRYABLE:
                    raise
                db.session.rollback()
    finally:
        db.session.info.pop(BUSY_ABORTS, None)
    return {"results": translate_results(results), "server_time": utcnow().isoformat().replace("+00:00", "Z")}


@blp.get("/pull")
@blp.arguments(PullArgs, location="query")
@blp.response(200)
@reads_one_snapshot
def pull_changes(args):
    """Changes of your scope after `since`, in change order, paged."""
    actor = current_actor()
    since = pull.parse_cursor(args["since"])
    limit = min(args["limit"], current_app.config["SYNC_PULL_MAX_LIMIT"])
    begin_snapshot()  # L1: one snapshot, begun before the token check (a no-op then); ended at teardown
    return pull.pull(session=db.session, actor=actor, since=since, limit=limit)


@blp.get("/conflicts")
@blp.response(200)
def list_conflicts():
    """Your values that lost a merge, newest first; restore any of them."""
    return conflicts.list_for(db.session, user_id=current_actor().id)


@blp.post("/conflicts/<string:conflict_id>/resolve")
@blp.arguments(ResolveSchema)
@blp.response(200)
def resolve_conflict(body, conflict_id):
    """Keep the lost value (applied as a new change) or the kept one."""
    outcome = conflicts.resolve(session=db.session, actor=current_actor(), conflict_id=conflict_id, keep=body["keep"])
    db.session.commit()
    return outcome

"""/api/sync/*: push, pull and the conflict log (sync/PROTOCOL.md)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from server.actor import Actor, current_actor
from server.db import utcnow
from server.errors import Problem, TooLarge, is_write_conflict, validation_errors
from server import faults
from server.extensions import begin_snapshot, db, limiter, reads_one_snapshot
from server.i18n import translate_results
from server.syncapi.schemas import PullArgs, PushSchema, ResolveSchema
from sync import allocation, clients, conflicts, pull, push, validate
from sync.changes import BUSY_ABORTS

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync")
push_schema = PushSchema()
PUSH_ATTEMPTS = 3


class MalformedEnvelope(Problem):
    status, kind, title = 400, "malformed", "Malformed sync envelope"


def _push_key() -> str:
    return f"push:{current_actor().id}"


@blp.post("/push")
@limiter.limit(lambda: current_app.config["PUSH_LIMIT_PER_USER"], key_func=_push_key)
@blp.response(200)
def push_mutations():
    """Apply the tablet's outbox: one result per mutation, in order; replays answer from the ledger."""
    received_at = utcnow()  # M2: the tablet's offset is taken from the arrival, whatever follows
    envelope = _load_envelope(request.get_json(silent=True))
    results = _apply_and_commit(session=db.session, actor=current_actor(), envelope=envelope,
                                received_at=received_at)
    return {"results": translate_results(results), "server_time": utcnow().isoformat().replace("+00:00", "Z")}


def _load_envelope(body: Any) -> dict[str, Any]:
    """The push's envelope, checked (P1): a JSON object of at most SYNC_MAX_MUTATIONS mutations."""
    if not isinstance(body, dict):
        raise MalformedEnvelope("The body must be a JSON object {client_id, mutations}.")
    mutations = body.get("mutations")
    limit = current_app.config["SYNC_MAX_MUTATIONS"]
    if isinstance(mutations, list) and len(mutations) > limit:  # P1
        raise TooLarge(f"At most {limit} mutations per push; send the rest in another batch.")
    try:
        return validate.load(push_schema, body)  # Schema.load's values and errors, faster
    except ValidationError as exc:
        raise MalformedEnvelope("The sync envelope is malformed.", errors=validation_errors(exc)) from None


def _apply_and_commit(*, session: Session, actor: Actor, envelope: dict[str, Any],
                      received_at: datetime) -> list[dict[str, Any]]:
    """Apply the push and commit it (P8): its results. An attempt the database undid whole
    (nothing of it applied) is rolled back and the push runs again, PUSH_ATTEMPTS in all;
    whatever the last attempt raises goes up to server/errors.py. sync/PROTOCOL.md:

    - IntegrityError, a constraint the checks did not foresee (P6: the same batch pushed
      twice at once, the other copy's rows): once, the whole push again with one savepoint
      per mutation, so the offending one alone is rejected and a replay answers from the
      other copy's ledger.
    - allocation.Busy (C5): the counter is held to a commit by a writer that may wait for a
      record this push locked, a cycle PostgreSQL cannot see. Give way (the rollback lets
      the holder finish) and run again. The last attempt does not give way (BUSY_ABORTS
      off): it waits its turn for the counter in its own transaction (C4).
    - A deadlock or a serialization failure (server/errors.py WRITE_CONFLICTS; C4): a
      writer that took the counter first met this push's record locks the other way
      round and PostgreSQL aborted one of the two. Run again; after the last attempt,
      503 write_conflict tells the tablet to send the same push again.
    """
    one_by_one = False
    try:
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            last = attempt == PUSH_ATTEMPTS
            session.info[BUSY_ABORTS] = not last
            try:
                clients.bind(session, client_id=envelope["client_id"], user_id=actor.id)
                results = push.push(session=session, actor=actor, client_id=envelope["client_id"],
                                    mutations=envelope["mutations"], sent_at=envelope["sent_at"],
                                    received_at=received_at, savepoint=False, one_by_one=one_by_one)
                session.flush()
                faults.point("push.before_commit")
                session.commit()  # P8
                return results
            except IntegrityError:
                if one_by_one or last:
                    raise
                one_by_one = True
            except allocation.Busy:
                if last:  # never: BUSY_ABORTS is off
                    raise
            except DBAPIError as exc:
                if last or not is_write_conflict(exc):
                    raise
            session.rollback()  # nothing of the attempt stays: its record locks go
    finally:
        session.info.pop(BUSY_ABORTS, None)
    raise AssertionError("unreachable: the last attempt returns or raises")  # for the type checker


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

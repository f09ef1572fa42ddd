"""GET /api/sync/snapshot: a tablet's first download, prepared (sync/snapshot.py, PROTOCOL S1–S5)."""
from __future__ import annotations

import gzip
import threading
from collections import defaultdict
from datetime import timedelta

from flask import Response, current_app, request
from flask_smorest import Blueprint

from server.actor import current_actor
from server.db import utcnow
from server.extensions import db, writing
from sync import snapshot

blp = Blueprint("sync_snapshot", __name__, url_prefix="/api/sync", description="Offline sync")

# One build per user at a time in this process: six tablets of one rep signing in together
# wait for the first build instead of making six (other processes may still make one each).
_building: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


@blp.get("/snapshot")
@blp.response(200, description="The pull page of `since=0` in full: `{changes, cursor, has_more: false}`, "
              "gzip-encoded when the request accepts it; ETag names the snapshot.")
@blp.alt_response(304, description="If-None-Match names the snapshot the server would send: keep yours.")
def first_download():
    """Your whole scope as one full-pull page with its cursor; continue with `/pull?since=<cursor>`.

    Exactly what paging `GET /api/sync/pull` from `since=0` returns (each record once, its
    latest state, no tombstones), possibly prepared up to SYNC_SNAPSHOT_MAX_AGE_S earlier:
    the incremental pull from its `cursor` brings every change made since, none skipped.
    """
    actor = current_actor()
    max_age = timedelta(seconds=current_app.config["SYNC_SNAPSHOT_MAX_AGE_S"])
    db.session.rollback()
    prepared = snapshot.kept(session=db.session, actor=actor, now=utcnow(), max_age=max_age)
    if prepared is None:
        with _building[actor.id]:
            db.session.rollback()
            prepared = snapshot.kept(session=db.session, actor=actor, now=utcnow(), max_age=max_age)
            if prepared is None:
                prepared = _build(actor)
    db.session.rollback()
    return _answer(prepared)


def _build(actor) -> snapshot.Prepared:
    db.session.rollback()  # S1: a fresh transaction in one snapshot, as a pull (PROTOCOL L1)
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    prepared = snapshot.build(session=db.session, actor=actor, dumps=current_app.json.dumps)
    db.session.rollback()
    with writing():
        snapshot.store(session=db.session, actor=actor, prepared=prepared, now=utcnow())
        db.session.commit()
    return prepared


def _answer(prepared: snapshot.Prepared) -> Response:
    # Cache-Control stays no-store (server/security.py): the tablet keeps the ETag itself and
    # sends it back, no HTTP cache holds scoped records.
    headers = {"ETag": prepared.etag, "Vary": "Accept-Encoding"}
    if request.if_none_match.contains(prepared.etag.strip('"')):
        return Response(status=304, headers=headers)
    if request.accept_encodings["gzip"]:
        return Response(prepared.body, mimetype="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(prepared.body), mimetype="application/json", headers=headers)

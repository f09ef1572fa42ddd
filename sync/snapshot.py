"""A user's first download, prepared: its whole scope as one gzipped pull page (PROTOCOL S1–S5).

A tablet's first sync used to page the full pull (`since=0`): thirty tablets signing in
at once in the morning each made the server read, encode and compress some 4,000
records, ~3 s apiece on two cores. The snapshot is that same full pull, made once per
user and kept compressed with its cursor; serving it is a read of one row. The tablet
then pulls incrementally from the snapshot's cursor, which brings everything written
while or after the snapshot was made (S3), so an older snapshot costs a longer catch-up,
never a lost change.
"""
from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import pull, registry
from sync.changes import horizon
from sync.models import ScopeSnapshot, Tombstone

# More records than any scope holds: the snapshot is one page (`has_more` false).
_ALL = 10**9


@dataclass(frozen=True)
class Prepared:
    cursor: int
    etag: str  # quoted, as sent in the ETag header
    records: int
    body: bytes  # gzip of the page's JSON


def scope_digest(actor) -> str:
    """What the snapshot's contents depend on besides the data: role, team, technical
    teams, and so the entities and tombstone scopes pulled (S4). 64 hex characters."""
    keys = registry.scope.actor_keys(actor)
    parts = [actor.id, actor.role, actor.team_id or "", ",".join(actor.tech_team_ids),
             "*" if keys is None else ",".join(keys), ",".join(registry.scope.entities_for(actor))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _etag(actor, digest: str, cursor: int) -> str:
    return '"' + hashlib.sha256(f"{actor.id}:{digest}:{cursor}".encode()).hexdigest()[:32] + '"'


def kept(*, session: Session, actor, now: datetime, max_age: timedelta) -> Prepared | None:
    """The stored snapshot when it may still be served (S4), else None.

    It may not when it is older than `max_age`, was made for another scope (a rep who
    became a manager), holds a record deleted or gone from the scope since, or its cursor
    can no longer be pulled from: below the pruned horizon, or above the counter (a
    database restored from a backup, PROTOCOL L2)."""
    row = session.scalars(select(ScopeSnapshot).where(ScopeSnapshot.user_id == actor.id)).one_or_none()
    if row is None:
        return None
    pruned_below, current = horizon(session)
    if (row.scope != scope_digest(actor) or not pruned_below <= row.cursor <= current
            or now - row.built_at > max_age or _left_since(session, actor, row.cursor)):
        return None
    return Prepared(row.cursor, row.etag, row.records, row.body)


def _left_since(session: Session, actor, cursor: int) -> bool:
    """Whether a record of the snapshot was deleted or left the scope after it was made:
    then it is made anew rather than hand the tablet a record it may no longer see (S4)."""
    keys = registry.scope.actor_keys(actor)
    stones = select(Tombstone.seq).where(Tombstone.seq > cursor)
    stones = stones.where(Tombstone.deleted.is_(True)) if keys is None else stones.where(Tombstone.scope.in_(keys))
    return session.scalar(stones.limit(1)) is not None


def build(*, session: Session, actor, dumps: Callable[[dict], str]) -> Prepared:
    """S1–S2: the full pull in one page, inside the caller's snapshot transaction
    (REPEATABLE READ on PostgreSQL, as for a pull: PROTOCOL L1). `dumps` is the API's
    JSON encoder, so records read exactly as the pull endpoint writes them."""
    page = pull.pull(session=session, actor=actor, since=0, limit=_ALL)
    cursor = int(page["cursor"])
    body = gzip.compress(dumps(page).encode(), compresslevel=6, mtime=0)
    return Prepared(cursor, _etag(actor, scope_digest(actor), cursor), len(page["changes"]), body)


def store(*, session: Session, actor, prepared: Prepared, now: datetime) -> None:
    """S5: keep it for the next first sync. Two workers building at once both store;
    the later cursor wins and an earlier one never replaces it."""
    values = {"user_id": actor.id, "scope": scope_digest(actor), "cursor": prepared.cursor, "etag": prepared.etag,
              "records": prepared.records, "body": prepared.body, "built_at": now}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(ScopeSnapshot).values(**values)
    table = ScopeSnapshot.__table__
    session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={name: stmt.excluded[name] for name in values if name != "user_id"},
        where=(table.c.cursor <= stmt.excluded.cursor) | (table.c.scope != stmt.excluded.scope)))

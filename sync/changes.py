"""Change numbers (PROTOCOL C1–C3) and tombstones (P9).

Every transaction that changes syncable records does so inside
`with change_numbers(session) as numbers:` and stamps each change with
`numbers.stamp(record, fields, ...)`. The counter row stays locked until commit.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from server.db import utcnow
from sync.models import ChangeCounter, Tombstone


def ensure_counter(session: Session) -> None:
    """The counter's single row exists (a fresh or emptied database lacks it)."""
    if session.get(ChangeCounter, 1) is None:
        dialect = session.get_bind().dialect.name
        stmt = insert(ChangeCounter).values(id=1, value=0, pruned_below=0)
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert
            stmt = pg_insert(ChangeCounter).values(id=1, value=0, pruned_below=0).on_conflict_do_nothing()
        else:
            stmt = stmt.prefix_with("OR IGNORE")
        session.execute(stmt)


class ChangeNumbers:
    """The counter, locked for this transaction, handing out consecutive numbers.

    One per transaction: `numbers_for(session)` returns the one already holding the lock.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.stamped: dict[int, int] = {}  # id(record) → version given in this transaction
        self.tombstoned: set[tuple[str, str]] = set()
        ensure_counter(session)
        # C1: lock first, hold to commit. SQLite has no FOR UPDATE; BEGIN IMMEDIATE
        # (server/extensions.py) already holds its write lock.
        row = session.execute(select(ChangeCounter.value, ChangeCounter.pruned_below)
                              .where(ChangeCounter.id == 1).with_for_update()).one()
        self.start = self.value = row.value
        self.pruned_below = row.pruned_below

    def next(self) -> int:
        self.value += 1
        return self.value

    def reserve(self, count: int) -> int:
        """A block of `count` numbers for set-based writes; returns the first."""
        first = self.value + 1
        self.value += count
        return first

    def stamp(self, record, fields: Iterable[str], *, time_ms: int, user_id: str | None,
              version: int | None = None, client_id: str | None = None) -> int:
        """C2, C3: the record's new version, and who/when/from which device for each changed field."""
        version = version or self.next()
        record.version = version
        self.stamped[id(record)] = version
        meta = dict(record.field_meta or {})
        for name in fields:
            meta[name] = [version, time_ms, user_id, client_id]
        record.field_meta = meta
        return version

    def tombstone(self, entity: str, record_id: str, scopes: Iterable[str], *, seq: int,
                  deleted: bool) -> None:
        self.tombstoned.add((entity, record_id))
        rows = [{"seq": seq, "entity": entity, "record_id": record_id, "scope": s,
                 "deleted": deleted, "at": utcnow()} for s in sorted(set(scopes))]
        if rows:
            self.session.execute(insert(Tombstone), rows)

    def flush(self) -> None:
        if self.value != self.start:
            self.session.execute(update(ChangeCounter).where(ChangeCounter.id == 1).values(value=self.value))
            self.start = self.value


def numbers_for(session: Session) -> ChangeNumbers:
    """This transaction's change numbers, locking the counter on first use (C1)."""
    numbers = session.info.get("change_numbers")
    if numbers is None:
        numbers = session.info["change_numbers"] = ChangeNumbers(session)
    return numbers


@contextmanager
def change_numbers(session: Session) -> Iterator[ChangeNumbers]:
    numbers = numbers_for(session)
    yield numbers
    numbers.flush()


def _forget(session: Session, *_args) -> None:
    session.info.pop("change_numbers", None)


def _stamp_unstamped(session: Session, _context, _instances) -> None:
    """A safety net under every ORM write: a syncable record changed without going
    through the engine (a dispatcher routing a quote, a factory in a test) still gets
    a new version and per-field metadata, so pulls never miss it (C2)."""
    from server.db import SyncMixin
    from sync import registry

    changed = [o for o in session.new if isinstance(o, SyncMixin)]
    changed += [o for o in session.dirty if isinstance(o, SyncMixin) and session.is_modified(o)]
    deleted = [o for o in session.deleted if isinstance(o, SyncMixin)]
    if not (changed or deleted):
        return
    numbers = numbers_for(session)
    for record in changed:
        if numbers.stamped.get(id(record)) == record.version and record.version:
            continue
        fields = [attr.key for attr in inspect(record).attrs
                  if attr.key not in _META_FIELDS and attr.history.has_changes()]
        numbers.stamp(record, fields, time_ms=now_ms(), user_id=None)
    for record in deleted:
        entity = record.__tablename__
        if (entity, record.id) in numbers.tombstoned or registry.scope is None:
            continue
        keys = registry.scope.record_keys(session, entity, record)
        numbers.tombstone(entity, record.id, keys, seq=numbers.next(), deleted=True)


def _flush_counter(session: Session) -> None:
    # Flush first: records changed since the last flush are stamped by the safety net
    # (before_flush) now, so the counter written back covers their numbers too. Written
    # back before that flush, it stayed below them and a pull from it never ended.
    session.flush()
    numbers = session.info.get("change_numbers")
    if numbers is not None:
        numbers.flush()
        session.flush()


_META_FIELDS = frozenset({"id", "version", "field_meta", "created_at", "updated_at"})


def install(session_class=Session) -> None:
    """Hook the safety net and the counter's write-back into every session (once)."""
    if event.contains(session_class, "before_flush", _stamp_unstamped):
        return
    event.listen(session_class, "before_flush", _stamp_unstamped)
    event.listen(session_class, "before_commit", _flush_counter)
    event.listen(session_class, "after_commit", _forget)
    event.listen(session_class, "after_rollback", _forget)


def now_ms() -> int:
    return int(utcnow().timestamp() * 1000)


def current_cursor(session: Session) -> int:
    ensure_counter(session)
    return session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0


def horizon(session: Session) -> tuple[int, int]:
    """(pruned_below, current) cursor bounds a pull can serve (PROTOCOL L2)."""
    ensure_counter(session)
    row = session.execute(select(ChangeCounter.pruned_below, ChangeCounter.value).where(ChangeCounter.id == 1)).one()
    return row.pruned_below, row.value


def deleted_ids(session: Session, entity: str, ids: Iterable[str]) -> set[str]:
    ids = list(ids)
    if not ids:
        return set()
    return set(session.scalars(select(Tombstone.record_id).where(
        Tombstone.entity == entity, Tombstone.deleted.is_(True), Tombstone.record_id.in_(ids))))


def json_value(value: Any) -> Any:
    """A value as it goes into the conflict log (JSON)."""
    from sync.registry import _plain
    return _plain(value)


def prune_tombstones(session: Session, *, older_than) -> int:
    """Drop tombstones older than `older_than` and raise the horizon under which a
    cursor is refused with 410 (PROTOCOL L2): such a tablet pulls again from 0."""
    from sqlalchemy import delete, func

    ensure_counter(session)
    newest = session.scalar(select(func.max(Tombstone.seq)).where(Tombstone.at < older_than))
    if newest is None:
        return 0
    removed = session.execute(delete(Tombstone).where(Tombstone.seq <= newest)).rowcount
    session.execute(update(ChangeCounter).where(ChangeCounter.id == 1,
                                                ChangeCounter.pruned_below <= newest)
                    .values(pruned_below=newest + 1))
    return removed

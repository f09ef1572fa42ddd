"""Change numbers (PROTOCOL C1–C3) and tombstones (P9).

Every transaction that changes syncable records does so inside
`with change_numbers(session) as numbers:` and stamps each change with
`numbers.stamp(record, fields, ...)`. The counter row stays locked until commit (C1),
except for a PostgreSQL push that takes its numbers in a transaction of their own (C5,
sync/allocation.py).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from sqlalchemy import BigInteger, bindparam, event, insert, inspect, literal_column, select, text, update
from sqlalchemy.orm import Session

from server.db import new_id, utcnow
from sync import allocation
from sync.models import ChangeCounter, Tombstone


def ensure_counter(session: Session) -> None:
    """The counter's single row exists (a fresh or emptied database lacks it)."""
    if session.get(ChangeCounter, 1) is None:
        _create_counter(session)


# The counter's single row for a database that lacks it; nothing if another transaction
# created it first. Text both databases read (SQLite since 3.24), sent on the session
# (`ensure_counter`) and on C5's allocation connection (`_allocate`), which cannot see
# the session's transaction. The epoch is the column's default, as the ORM would fill it.
_CREATE_COUNTER = text("INSERT INTO sync_counter (id, value, pruned_below, epoch) VALUES (1, 0, 0, :epoch) "
                       "ON CONFLICT (id) DO NOTHING")


def _create_counter(executor) -> None:
    """Run `_CREATE_COUNTER` on a session or a connection."""
    executor.execute(_CREATE_COUNTER, {"epoch": new_id()})


# Numbers handed out before the counter is taken (C4): above any number the counter will
# reach, so every comparison with stored versions (M1, M3) reads as it will once real.
# Versions are 32-bit integers on PostgreSQL: 2^31 − 2^24 leaves 16 million provisional
# numbers to a transaction, and two billion real ones to the database.
PROVISIONAL = (1 << 31) - (1 << 24)


# `session.info[BUSY_ABORTS] = True`: a C5 allocation that finds the counter held to a commit
# raises allocation.Busy, for a caller that rolls back and tries again (the push route: the
# holder may be waiting for a record this transaction locked). Otherwise the transaction
# waits for the counter in its own right (C4), where PostgreSQL breaks a deadlock.
BUSY_ABORTS = "change_numbers_busy_aborts"

# Where a transaction's numbers come from, as `ChangeNumbers.mode` says:
# - "locked": the counter, locked by this transaction and held to its commit (C1; C4 once
#   settled where C5 does not apply or gave way). `locked_at` says since when.
# - "provisional": the counter not taken yet; numbers from PROVISIONAL up, made real by
#   `settle()` (C4).
# - "allocated": taken in transactions of their own, up to `_written` (C5, sync/allocation.py);
#   the counter is not held.
# Strings, not an Enum: read for every number handed out, and an Enum member's lookup costs
# ten times a string's == on Python 3.11.
Mode = Literal["locked", "provisional", "allocated"]


class ChangeNumbers:
    """The counter, taken for this transaction, handing out consecutive numbers.

    One per transaction: `numbers_for(session)` returns the one already holding the lock.
    `last=True` (PROTOCOL C4) takes the counter last: numbers are provisional until
    `settle()` takes it and renumbers what was stamped, so the lock covers the numbering
    and the writes, not the loads, checks and merges before them; on PostgreSQL it takes
    the numbers in a transaction of their own instead (C5). `mode` says which holds now.
    """

    mode: Mode

    def __init__(self, session: Session, *, last: bool = False) -> None:
        self.session = session
        self.stamped: dict[int, int] = {}  # id(record) → version given in this transaction
        self.tombstoned: set[tuple[str, str]] = set()
        self.records: list[Any] = []  # what `settle()` renumbers (provisional numbers only)
        self.locked_at = 0.0  # "locked": since when (perf_counter seconds)
        self.xid = 0  # C5: this transaction's id, as `sync_in_flight` records it
        if last:
            self.mode = "provisional"
            self.start = self.value = PROVISIONAL
            self.pruned_below = 0
            self._seen: int | None = None  # the unlocked counter, read when `estimate` first needs it
            return
        self._lock()

    def _lock(self, advance: int = 0) -> None:
        """Lock the counter (held to commit, "locked") and read where it stands; with `advance`
        (C4, the count of numbers already handed out), move it on by that many in the same
        statement, an UPDATE … RETURNING: the lock and the write-back in one round trip.
        On PostgreSQL, `advance` takes the numbers in a transaction of their own (C5,
        "allocated"): the counter is not held to this transaction's commit."""
        # No autoflush: pending changes would be written before their numbers are real (C4),
        # then written again once they are.
        with self.session.no_autoflush:
            if advance and allocates_apart(self.session):
                self.xid = allocation.xid(self.session)
                try:
                    got = _allocate(self.session, advance, self.xid)
                except allocation.Busy:
                    if self.session.info.get(BUSY_ABORTS):
                        raise
                    got = None  # held to a commit: taken below, in this transaction (C4)
                if got is not None:
                    self.mode = "allocated"
                    self.start = self.value = got.value - advance
                    self.pruned_below = got.pruned_below
                    self._written = got.value  # the last number this transaction may use
                    return
            if advance:
                row = _advance_counter(self.session, advance)
                self.mode, self.locked_at = "locked", time.perf_counter()
                self.start = self.value = row.value - advance
                self.pruned_below = row.pruned_below
                self._written = row.value  # what the counter row now holds (`flush` writes past it)
                return
            # C1: lock first, hold to commit. SQLite has no FOR UPDATE; BEGIN IMMEDIATE
            # (server/extensions.py) already holds its write lock.
            row = _counter_row(self.session, COUNTER.c.value, COUNTER.c.pruned_below, for_update=True)
        self.mode, self.locked_at = "locked", time.perf_counter()
        self.start = self.value = self._written = row.value
        self.pruned_below = row.pruned_below

    @property
    def provisional(self) -> bool:
        """Numbers are provisional: `settle()` has not taken the counter yet (C4)."""
        return self.mode == "provisional"

    def next(self) -> int:
        if self.mode == "allocated" and self.value >= self._written:
            self._allocate_more(1)
        self.value += 1
        return self.value

    def reserve(self, count: int) -> int:
        """A block of `count` numbers for set-based writes; returns the first."""
        self.settle()  # rows written in bulk take real numbers
        if self.mode == "allocated" and self.value + count > self._written:
            self._allocate_more(count)
        first = self.value + 1
        self.value += count
        return first

    def _allocate_more(self, count: int) -> None:
        """C5: numbers wanted past the allocation (a record the safety net stamps, a
        tombstone) come from another one. The counter moved on meanwhile, so numbering
        goes on from the new block: numbers are ordered, never dense."""
        try:
            got = _allocate(self.session, count, self.xid)
        except allocation.Busy:  # held to a commit: from here on, the counter is ours to commit (C4)
            if self.session.info.get(BUSY_ABORTS):
                raise
            with self.session.no_autoflush:
                row = _advance_counter(self.session, count)
            self.mode, self.locked_at = "locked", time.perf_counter()
            self.value, self._written = row.value - count, row.value
            return
        self.value, self._written = got.value - count, got.value

    def real(self, number: int) -> int:
        """A number as it stands after `settle()` (a provisional one, renumbered)."""
        return number - PROVISIONAL + self._base if number > PROVISIONAL and self.mode != "provisional" else number

    def estimate(self, number: int) -> int:
        """A provisional number as it would be were no other push to commit first (M1 compares
        a client's base with it: a base above it comes from the future); a real one as is."""
        if number > PROVISIONAL and self.mode == "provisional":
            if self._seen is None:
                # What the real numbers would be if nobody committed before us. Read on first
                # need, not as the transaction begins: a batch of creates never needs it.
                self._seen = _counter_row(self.session, COUNTER.c.value)[0]
            return number - PROVISIONAL + self._seen
        return self.real(number)

    def settle(self) -> None:
        """C4: take the counter now, and give every provisional number its real one, in the
        order they were handed out. From here on, numbers are real ("locked" or "allocated")."""
        if self.mode != "provisional":
            return
        issued = self.value - PROVISIONAL
        self._lock(advance=issued)
        real_start = self._base = self.start  # real(p) = p - PROVISIONAL + the counter's value
        if real_start + issued >= PROVISIONAL:
            raise OverflowError("The change counter reached the provisional numbers (PROTOCOL C4).")
        self.value = real_start + issued
        # `real(p)` inlined (p + shift): a push renumbers a thousand records and more here.
        shift, stamped = real_start - PROVISIONAL, self.stamped
        for record in self.records:
            version = record.version
            if version and version > PROVISIONAL:
                record.version = version = version + shift
                stamped[id(record)] = version
            meta = record.field_meta
            if meta and any(entry and entry[0] > PROVISIONAL for entry in meta.values()):
                record.field_meta = {name: [entry[0] + shift, *entry[1:]] if entry and entry[0] > PROVISIONAL
                                     else entry for name, entry in meta.items()}
        self.records.clear()
        if self.tombstoned:
            ids = sorted({record_id for _entity, record_id in self.tombstoned})
            self.session.execute(update(Tombstone).where(Tombstone.record_id.in_(ids), Tombstone.seq > PROVISIONAL)
                                 .values(seq=Tombstone.seq - PROVISIONAL + real_start))

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
        if self.mode == "provisional":
            self.records.append(record)
        return version

    def tombstone(self, entity: str, record_id: str, scopes: Iterable[str], *, seq: int,
                  deleted: bool) -> None:
        self.tombstoned.add((entity, record_id))
        rows = [{"seq": seq, "entity": entity, "record_id": record_id, "scope": s,
                 "deleted": deleted, "at": utcnow()} for s in sorted(set(scopes))]
        if rows:
            self.session.execute(insert(Tombstone), rows)

    def flush(self) -> None:
        self.settle()
        if self.value != self._written and self.mode == "locked":  # "allocated": the allocations wrote it
            self.session.execute(_WRITE_BACK, {"value": self.value})
            self._written = self.value


def numbers_for(session: Session, *, last: bool = False) -> ChangeNumbers:
    """This transaction's change numbers, locking the counter on first use (C1), or at
    `settle()` when `last` (C4; only the first use of a transaction chooses)."""
    numbers = session.info.get("change_numbers")
    if numbers is None:
        numbers = session.info["change_numbers"] = ChangeNumbers(session, last=last)
    return numbers


@contextmanager
def change_numbers(session: Session, *, last: bool = False) -> Iterator[ChangeNumbers]:
    numbers = numbers_for(session, last=last)
    yield numbers
    numbers.flush()


# Observers of how long each transaction held the counter, in seconds, from its lock to
# its commit or rollback: server/metrics.py exports them. Write throughput is 1 ÷ this.
hold_observers: list[Callable[[float], None]] = []


def _forget(session: Session, *_args) -> None:
    numbers = session.info.pop("change_numbers", None)
    if numbers is not None and numbers.mode == "locked":
        held = time.perf_counter() - numbers.locked_at
        for observe in hold_observers:
            observe(held)


def _stamp_unstamped(session: Session, _context, _instances) -> None:
    """A safety net under every ORM write: a syncable record changed without going
    through the engine (a dispatcher routing a quote, a factory in a test) still gets
    a new version and per-field metadata, so pulls never miss it (C2)."""
    from server.db import SyncMixin
    from sync import registry

    numbers = session.info.get("change_numbers")
    stamped = numbers.stamped if numbers is not None else {}
    # Records the engine stamped are skipped before `is_modified` (a walk of every
    # attribute's history): a push's hundreds of edits are all stamped.
    changed = [o for o in session.new if isinstance(o, SyncMixin) and not _stamped(stamped, o)]
    changed += [o for o in session.dirty
                if isinstance(o, SyncMixin) and not _stamped(stamped, o) and session.is_modified(o)]
    deleted = [o for o in session.deleted if isinstance(o, SyncMixin)]
    if not (changed or deleted):
        return
    numbers = numbers_for(session)
    for record in changed:
        fields = [attr.key for attr in inspect(record).attrs
                  if attr.key not in _META_FIELDS and attr.history.has_changes()]
        numbers.stamp(record, fields, time_ms=now_ms(), user_id=None)
    for record in deleted:
        entity = record.__tablename__
        if (entity, record.id) in numbers.tombstoned or registry.scope is None:
            continue
        keys = registry.scope.record_keys(session, entity, record)
        numbers.tombstone(entity, record.id, keys, seq=numbers.next(), deleted=True)


def _stamped(stamped: dict[int, int], record) -> bool:
    """Stamped in this transaction, and not changed since (its version is the one given)."""
    version = record.__dict__.get("version")  # never a load: an expired version is not ours
    return bool(version) and stamped.get(id(record)) == version


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


def _counter_row(session: Session, *columns, for_update: bool = False):
    """The counter's row (the given columns), created first when a fresh database lacks it:
    one statement in the usual case, where `ensure_counter` first would cost two."""
    key = (*(column.key for column in columns), for_update)
    stmt = _COUNTER_READS.get(key)
    if stmt is None:
        stmt = select(*columns).where(COUNTER.c.id == 1)
        if for_update:
            stmt = stmt.with_for_update()
        _COUNTER_READS[key] = stmt
    row = session.execute(stmt).first()
    if row is None:
        ensure_counter(session)
        row = session.execute(stmt).one()
    return row


# Built once: every syncing write runs one of these (statement building is a visible share
# of a one-visit push's CPU).
# On the table, not the mapped class: an ORM-enabled UPDATE goes through the ORM's bulk-update
# machinery on every execution (a third of the counter's CPU), which a row never loaded as an
# object does not need.
COUNTER = ChangeCounter.__table__
_ADVANCE = (update(COUNTER).where(COUNTER.c.id == 1).values(value=COUNTER.c.value + bindparam("count"))
            .returning(COUNTER.c.value, COUNTER.c.pruned_below))
_WRITE_BACK = update(COUNTER).where(COUNTER.c.id == 1).values(value=bindparam("value"))
_COUNTER_READS: dict[tuple, Any] = {}
_SAFE_HORIZON = select(COUNTER.c.pruned_below, literal_column(allocation.SAFE_CURRENT, BigInteger).label("current")
                       ).where(COUNTER.c.id == 1)


def _advance_counter(session: Session, count: int):
    """UPDATE the counter by `count` and return its row as it now stands (value, pruned_below),
    creating it first when a fresh database lacks it."""
    row = session.execute(_ADVANCE, {"count": count}).first()
    if row is None:
        ensure_counter(session)
        row = session.execute(_ADVANCE, {"count": count}).one()
    return row


def allocates_apart(session: Session) -> bool:
    """C5 applies: PostgreSQL (SQLite's writers take turns on its one write lock anyway)."""
    return session.get_bind().dialect.name == "postgresql"


def _allocate(session: Session, count: int, transaction_id: int) -> allocation.Allocation:
    """C5's allocation, creating the counter row first when a fresh database lacks it
    (committed at once: the allocation's own transaction must see it)."""
    try:
        got = allocation.allocate(session, count, transaction_id)
    except LookupError:
        with allocation.engine_for(session).connect() as connection:  # autocommit (allocation.py)
            _create_counter(connection)
        got = allocation.allocate(session, count, transaction_id)
    for observe in hold_observers:
        observe(got.held_s)
    return got


def current_cursor(session: Session) -> int:
    return _counter_row(session, COUNTER.c.value)[0]


def horizon(session: Session) -> tuple[int, int]:
    """(pruned_below, current) cursor bounds a pull can serve (PROTOCOL L2); on PostgreSQL,
    `current` stops below the pushes this snapshot cannot see yet (C5)."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(_SAFE_HORIZON).first()
        if row is not None:
            return row.pruned_below, row.current
    row = _counter_row(session, COUNTER.c.pruned_below, COUNTER.c.value)
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

"""The sync engine's own tables: change counter, tombstones, mutation ledger,
conflict log, client bindings and the delivery outbox (see sync/PROTOCOL.md)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, new_id, utcnow


class ChangeCounter(Base):
    """A single row. Taking the next change number locks it until commit (PROTOCOL C1),
    so change numbers become visible in the order they were taken; or, for a PostgreSQL
    push, for one statement of its own, the push then listed in `sync_in_flight` (C5)."""

    __tablename__ = "sync_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    # Tombstones below this were pruned: a cursor under it cannot be served (410).
    pruned_below: Mapped[int] = mapped_column(BigInteger, default=0)
    # Changes when the database is recreated or restored: cursors from another epoch are refused.
    epoch: Mapped[str] = mapped_column(String(36), default=new_id)


class InFlight(Base):
    """Numbers a PostgreSQL transaction took in a transaction of their own (PROTOCOL C5):
    a pull stops below `first` until its snapshot sees `xid` committed (sync/allocation.py).
    Unused on SQLite, where one writer at a time holds the counter to its commit (C1)."""

    __tablename__ = "sync_in_flight"
    xid: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # xid8, as an integer
    first: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # the first number taken


class Tombstone(Base):
    """A record deleted, or one that left a scope (an account given to another rep)."""

    __tablename__ = "sync_tombstone"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(36))
    scope: Mapped[str] = mapped_column(String(50))  # "rep:<id>", "team:<id>", "tech:<id>"
    deleted: Mapped[bool] = mapped_column(default=False)  # True: gone for everyone
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_tombstone_scope_seq", "scope", "seq"),
                      Index("ix_tombstone_entity_record", "entity", "record_id"))


class RecordAlias(Base):
    """An id a tablet gave a record the server linked to an existing one (PROTOCOL P10):
    two tablets created the same company offline. Later mutations naming the alias apply
    to the record it points to."""

    __tablename__ = "sync_alias"
    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    alias_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class MutationRecord(Base):
    """The mutation ledger: the first result of every mutation, returned as is on replay."""

    __tablename__ = "sync_mutation"
    mutation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ConflictEntry(Base):
    """A value that lost a merge: kept so that nothing typed is ever lost."""

    __tablename__ = "sync_conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36), index=True)  # whose value lost
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    lost_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    kept_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[datetime | None]


class SyncClient(Base):
    """A tablet (or browser) install: bound to the first user that used it."""

    __tablename__ = "sync_client"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxEvent(Base):
    """Transactional outbox: written with the quote, delivered by the dispatcher (sync/dispatch.py)."""

    __tablename__ = "outbox_event"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))  # "quote_request.submitted"
    quote_id: Mapped[str] = mapped_column(ForeignKey("quote_request.id", ondelete="CASCADE"), index=True)
    webhook_id: Mapped[str] = mapped_column(String(40), unique=True)  # stable across retries
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, undeliverable
    team_id: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    first_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)  # technical detail, English (logs, admins)
    # Why it is not delivered (yet), as a code of sync/channels/reasons.py: what people are shown.
    last_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempt"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(10))
    ok: Mapped[bool] = mapped_column(default=False)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(40))  # sync/channels/reasons.py
    dispatcher: Mapped[str | None] = mapped_column(String(80))


class ScopeSnapshot(Base):
    """A user's whole scope as a full pull answers it, gzipped, with its cursor (sync/snapshot.py).

    Served to a tablet's first sync instead of paging the full pull; kept until it is
    older than SYNC_SNAPSHOT_MAX_AGE_S, the user's scope changes, or the change log it
    relies on is pruned."""

    __tablename__ = "sync_snapshot"
    user_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))  # a digest of the role and scope keys it was built for
    cursor: Mapped[int] = mapped_column(BigInteger)
    etag: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)  # the pull page's JSON, gzip-compressed
    built_at: Mapped[datetime] = mapped_column(default=utcnow)

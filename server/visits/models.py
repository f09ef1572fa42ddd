"""What reps did: visits (append-only) and the tasks that follow them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, SyncMixin

VISIT_KINDS = ("onsite", "phone", "video")
OUTCOMES = ("interested", "follow-up", "quote-requested", "order", "not-interested", "absent")
TASK_STATUSES = ("open", "done", "cancelled")


class Visit(SyncMixin, Base):
    __tablename__ = "visit"
    # Indexed by the composite indexes below, which start with them (one index fewer per visit written).
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"))
    appointment_id: Mapped[str | None] = mapped_column(String(36))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(10), default="onsite")
    outcome: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    maturity: Mapped[int | None] = mapped_column(SmallInteger)
    next_action: Mapped[str | None] = mapped_column(String(500))
    # Check-in position, when the tablet could give it; verified = within reach of the account.
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    verified: Mapped[bool | None]
    # Photos taken during the visit: ids of attachments (POST /api/attachments).
    attachment_ids: Mapped[list[Any] | None] = mapped_column(JSON, default=list)

    __table_args__ = (Index("ix_visit_rep_version", "rep_id", "version"),
                      Index("ix_visit_account_started", "account_id", "started_at"),
                      # KPIs (server/kpis) read visits by period, for everyone or for a team's reps.
                      # On PostgreSQL the period index covers what they read (index-only scans).
                      Index("ix_visit_started", "started_at",
                            postgresql_include=["account_id", "rep_id", "kind", "ended_at", "outcome"]),
                      Index("ix_visit_rep_started", "rep_id", "started_at"))


class Task(SyncMixin, Base):
    __tablename__ = "task"
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"), index=True)
    account_id: Mapped[str | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    # A task the system made (segmentation/followups.py TITLE_KEYS): the apps show its title in
    # the user's language; null for a title someone typed, shown as typed.
    title_key: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="todo")  # todo, call, email, visit
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="open")
    notes: Mapped[str | None] = mapped_column(Text)

"""Quote requests from the field, the technical teams that answer them, and how they are routed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, SyncMixin, new_id, utcnow

QUOTE_STATUSES = ("submitted", "routed", "in_progress", "quoted", "won", "lost", "cancelled", "undeliverable")
URGENCIES = ("normal", "urgent")
CHANNELS = ("webhook", "email", "inbox")


class QuoteRequest(SyncMixin, Base):
    __tablename__ = "quote_request"
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    visit_id: Mapped[str | None] = mapped_column(String(36))
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"), index=True)
    product_line: Mapped[str | None] = mapped_column(String(120))
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    notes: Mapped[str | None] = mapped_column(Text)
    attachment_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("technical_team.id"), index=True)
    # created_at (SyncMixin) is the tablet's creation time; received_at when it reached us.
    received_at: Mapped[datetime | None]
    routed_at: Mapped[datetime | None]
    in_progress_at: Mapped[datetime | None]
    quoted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    amount: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_quote_rep_version", "rep_id", "version"),
                      # KPIs (server/kpis) read quote requests by period.
                      Index("ix_quote_created", "created_at"), Index("ix_quote_closed", "closed_at"))

    @property
    def turnaround_hours(self) -> float | None:
        """Quote turnaround: from the tablet's creation time (clamped, M2) to the amount entered."""
        return _hours(self.created_at, self.quoted_at)

    @property
    def route_seconds(self) -> float | None:
        """Time to route: from the tablet's creation time to the technical team having it."""
        if self.created_at is None or self.routed_at is None:
            return None
        return round(max(0.0, (self.routed_at - self.created_at).total_seconds()), 3)


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max(0.0, (end - start).total_seconds()) / 3600, 2)


class TechnicalTeam(Base):
    __tablename__ = "technical_team"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10), default="inbox")
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    is_default: Mapped[bool] = mapped_column(default=False)
    # Set when the endpoint answered 410 Gone (Standard Webhooks): shown to the admin.
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its back-office users (written through User.technical_teams).
    members = relationship("User", secondary="user_technical_team", viewonly=True, lazy="selectin")

    @property
    def member_ids(self) -> list[str]:
        return [user.id for user in self.members]


class RoutingRule(Base):
    """First matching rule by priority (lowest first) wins; the default team catches the rest."""

    __tablename__ = "routing_rule"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("technical_team.id", ondelete="CASCADE"))
    product_line: Mapped[str | None] = mapped_column(String(120))
    postcode_prefix: Mapped[str | None] = mapped_column(String(10))
    urgency: Mapped[str | None] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuoteEvent(Base):
    """The quote's history: each step with who and when (turnaround is measured from it)."""

    __tablename__ = "quote_event"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quote_request.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    """A photo or document, stored on disk by content hash."""

    __tablename__ = "attachment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProductLine(Base):
    """A product line of the company's list (server/quotes/product_lines.py): a key, its labels
    in French and English, and the other spellings (`aliases`) that stored quotes, deals
    and routing rules used before the list existed ("Moteurs", "pièces"…)."""

    __tablename__ = "product_line"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"fr": "…", "en": "…"}
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

"""Appointments booked into a rep's agenda (by a telemarketer or by the rep)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, SyncMixin

APPOINTMENT_STATUSES = ("booked", "done", "cancelled")


class Appointment(SyncMixin, Base):
    __tablename__ = "appointment"
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    start: Mapped[datetime]
    end: Mapped[datetime]
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="booked")
    booked_by: Mapped[str | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (Index("ix_appointment_rep_start", "rep_id", "start"),)


ABSENCE_REASONS = ("leave", "training", "sick", "other")


class Absence(SyncMixin, Base):
    """Days a user does not work (leave, training, sickness): no tour, no slot offered.

    `first_day`..`last_day` are whole local days, both included (API.md → Working days
    names them `from` and `to`). Created by the user itself (offline too: it syncs like
    an appointment) or by its manager."""

    __tablename__ = "absence"
    user_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(12), default="leave")
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_absence_user_days", "user_id", "first_day", "last_day"),)

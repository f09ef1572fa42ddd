"""Appointments booked into a rep's agenda (by a telemarketer or by the rep)."""
from __future__ import annotations

from datetime import datetime

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

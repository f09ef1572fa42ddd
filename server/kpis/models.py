"""Individual action plans (PAC / PAM): a rep's targets per segment for a period."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, new_id, utcnow


class ActionPlan(Base):
    """Co-built by the manager and the rep; the KPIs measure the rep against it.

    `targets` = {"A": {"visits": 30, "calls": 20, "revenue": 120000.0}, "B": {…}, "C": {…}};
    the period is inclusive at both ends, in the rep's time zone. Two plans of one rep
    never overlap (service.py), so "the plan of a day" is always one plan or none.
    """

    __tablename__ = "action_plan"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_action_plan_rep_period", "rep_id", "period_start", "period_end"),)

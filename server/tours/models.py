"""A rep's planned day, kept once made so the tablet has it offline."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, SyncMixin, UTCDateTime


class TourPlan(SyncMixin, Base):
    __tablename__ = "tour_plan"
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"), index=True)
    date: Mapped[date]
    # The tour as API.md → Tours describes it (start, end, stops, unplanned, totals).
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    solver: Mapped[str | None]

    __table_args__ = (UniqueConstraint("rep_id", "date"),)


class TourPlanJob(Base):
    """A day to plan (again) in the background: one row per (rep, date), not synced.

    `requested_at` moves on each request, so a request made while the day is being
    planned is not lost; `claimed_by` / `lease_until` are the planner's lease
    (server/tours/worker.py), left to expire when a planner dies.
    """

    __tablename__ = "tour_plan_job"
    rep_id: Mapped[str] = mapped_column(String(36), ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[date] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True))

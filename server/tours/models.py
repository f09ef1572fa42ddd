"""A rep's planned day, kept once made so the tablet has it offline."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, SyncMixin


class TourPlan(SyncMixin, Base):
    __tablename__ = "tour_plan"
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"), index=True)
    date: Mapped[date]
    # The tour as API.md → Tours describes it (start, end, stops, unplanned, totals).
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    solver: Mapped[str | None]

    __table_args__ = (UniqueConstraint("rep_id", "date"),)

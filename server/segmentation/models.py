"""The commercial model: criteria, weights, thresholds, cadence and time split, versioned."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, new_id, utcnow


class CommercialModel(Base):
    """One version of the model. The active one segments accounts; old ones stay for history.

    `definition` holds criteria (key, label, axis, source, bands, weight), thresholds,
    the A/B/C mapping, cadence per segment and the time split; its shape is
    validated by server/segmentation/schemas.py.
    """

    __tablename__ = "commercial_model"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(unique=True)
    active: Mapped[bool] = mapped_column(default=False, index=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))

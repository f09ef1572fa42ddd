"""The rate-limit counters when they live in the database (server/ratelimits/storage.py)."""
from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class RateLimitCounter(Base):
    """One fixed-window counter: `count` hits until `expires_at` (Unix seconds)."""

    __tablename__ = "rate_limit_counter"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)

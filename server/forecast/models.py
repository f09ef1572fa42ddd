"""Opportunities a rep opens on site, and what managers add to the computed forecast.

A quote request *is* an opportunity (server/forecast/deals.py reads both); an
`Opportunity` row exists when a rep opened one without a quote yet, or to carry the
forecast fields of a quote request (`quote_id`): the rep's estimate, the expected
close date and the forecast category, with the manager's override beside them.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, SyncMixin, new_id, utcnow

CATEGORIES = ("pipeline", "best_case", "commit")
OUTCOMES = ("won", "lost")


class Opportunity(SyncMixin, Base):
    __tablename__ = "opportunity"
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id"), index=True)
    # The quote request that carries this opportunity, once the rep asked for one.
    quote_id: Mapped[str | None] = mapped_column(ForeignKey("quote_request.id", ondelete="SET NULL"), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    product_line: Mapped[str | None] = mapped_column(String(120))
    # The rep's estimate on site, in euros; a quoted amount replaces it.
    amount: Mapped[float | None] = mapped_column(Float)
    expected_close: Mapped[date | None]
    category: Mapped[str] = mapped_column(String(10), default="pipeline")
    # {"category", "reason", "by", "at"}: the manager's word, kept apart from the rep's.
    category_override: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Project maturity (seed 004: 1 need not identified … 5 internal launch) when opened.
    maturity: Mapped[int | None] = mapped_column(SmallInteger)
    # Without a quote, the rep closes the opportunity itself.
    outcome: Mapped[str | None] = mapped_column(String(8))
    closed_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_opportunity_rep_version", "rep_id", "version"),)

    @property
    def forecast_category(self) -> str:
        """The category the forecast counts: the manager's override when there is one."""
        return (self.category_override or {}).get("category") or self.category


class ForecastAdjustment(Base):
    """A manager's adjustment of a rep's forecast for a month, with its reason, never mixed
    into the computed figures (the forecast shows both)."""

    __tablename__ = "forecast_adjustment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rep_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    amount: Mapped[float] = mapped_column(Float)  # euros added (negative: removed)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_forecast_adjustment_month", "month", "rep_id"),)


class ForecastSnapshot(Base):
    """The forecast as it stood in a week, for a scope and a month: what we said then."""

    __tablename__ = "forecast_snapshot"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    week: Mapped[date]  # the Monday of the ISO week it was taken in
    scope: Mapped[str] = mapped_column(String(80))  # "all", "team:<id>" or "rep:<id>"
    month: Mapped[str] = mapped_column(String(7))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ux_forecast_snapshot", "week", "scope", "month", unique=True),)

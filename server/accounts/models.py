"""Accounts (the companies a rep visits) and their contacts."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.common.search import searchable
from server.db import Base, SyncMixin

# The built-in statuses, used while the company has not defined its own (server/accounts/statuses.py).
ACCOUNT_STATUSES = ("client", "prospect", "former_client", "competitor", "partner")
# The lifecycle kinds KPIs and tours read; every status, built-in or custom, maps to one.
LIFECYCLE_KINDS = ("prospect", "client", "former_client", "competitor", "other")
SEGMENTS = ("A", "B", "C")
CONTACT_ROLES = ("decision_maker", "billing", "technical", "purchasing", "user", "other")


@searchable("name", "city", "postcode", "external_ref")
class Account(SyncMixin, Base):
    __tablename__ = "account"
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(40), default="prospect")
    # Computed by the commercial model (server/segmentation); reps set an override instead.
    segment: Mapped[str] = mapped_column(String(1), default="C")
    computed_segment: Mapped[str] = mapped_column(String(1), default="C")
    segment_override: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    weight_score: Mapped[float | None] = mapped_column(Float)
    potential_score: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[int | None]
    owner_id: Mapped[str] = mapped_column(ForeignKey("user.id"))  # indexed by ix_account_owner_* below
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    address: Mapped[str | None] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # How the position was found: "address", "street", "commune" (geocoded), "manual"
    # (set by a person, never overwritten by geocoding) or None (no usable position).
    geo_precision: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Company-specific fields and criteria data (revenue_last_year, employees, sector…).
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Photos of the account (the storefront…): ids of attachments (POST /api/attachments).
    attachment_ids: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    # {"mon": ["08:00", "12:00", "14:00", "18:00"], …}: when the account receives visits.
    opening_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_visit_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # fold(name, city, postcode, external_ref), kept by server/common/search.py for `q`
    search: Mapped[str | None] = mapped_column(String(420))

    __table_args__ = (Index("ix_account_owner_version", "owner_id", "version"),
                      # A rep's page of the account list (GET /api/accounts): its ids in list order, the
                      # folded `search` (Émilie beside Emile, before Thomas, on both databases).
                      Index("ix_account_owner_search", "owner_id", "search", "id"),
                      # KPIs (server/kpis): accounts and coverage per owner and segment, index-only on PostgreSQL.
                      Index("ix_account_owner_segment", "owner_id", "segment", postgresql_include=["last_visit_at"]),
                      # KPIs: a year of visits or quotes joined to their accounts' segments builds its
                      # hash from this (index-only on PostgreSQL, a few MB) instead of the wide table.
                      Index("ix_account_id_segment", "id", "segment"),
                      # `q` (server/common/search.py): on PostgreSQL trigrams answer LIKE '%…%' from a side
                      # table (server/accounts/search_table.py: not on this row, which every edit rewrites);
                      # on SQLite a search scans this narrow index instead of the table: it holds
                      # what the count and the page's sort read, in list order (docs/benchmarks.md, bench_search).
                      Index("ix_account_search_sorted", "search", "id").ddl_if(dialect="sqlite"),
                      # SQLite's plain B-tree of what was the trigram index (migration i14c3a9e5f1d07 made it
                      # on both databases); only a rename or a move writes it there.
                      Index("ix_account_search", "search").ddl_if(dialect="sqlite"))


@searchable("name")
class Contact(SyncMixin, Base):
    __tablename__ = "contact"
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    # Values of the company's contact fields (server/customfields), by key.
    custom: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    # The day the contact left the company: kept for history, no longer offered.
    left_at: Mapped[date | None]
    search: Mapped[str | None] = mapped_column(String(200))  # fold(name): server/common/search.py

    __table_args__ = (Index("ix_contact_search", "search", postgresql_using="gin", postgresql_ops={"search": "gin_trgm_ops"}),)


class AccountStatus(Base):
    """A status of the company's own list (PRODUCT.md: statuses are customizable), labelled
    in French and English and mapped to the lifecycle kind that KPIs and tours read."""

    __tablename__ = "account_status"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"fr": "…", "en": "…"}
    kind: Mapped[str] = mapped_column(String(20))  # one of LIFECYCLE_KINDS
    position: Mapped[int] = mapped_column(default=0)


class DuplicateDismissal(Base):
    """Two accounts a person said are different companies (server/accounts/merging.py): the
    pair is no longer suggested for a merge. Stored with the smaller id first."""

    __tablename__ = "duplicate_dismissal"
    first_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    second_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dismissed_by: Mapped[str] = mapped_column(ForeignKey("user.id"))
    dismissed_at: Mapped[datetime]

"""People and their teams, and the token families that keep them signed in."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.common.search import searchable
from server.db import Base, new_id, utcnow

ROLES = ("rep", "telemarketer", "backoffice", "manager", "admin")

user_technical_team = Table(
    "user_technical_team",
    Base.metadata,
    Column("user_id", String(36), ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("technical_team_id", String(36), ForeignKey("technical_team.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    """A sales team: a manager, its reps and telemarketers."""

    __tablename__ = "team"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    # The public-holiday calendar its members do not work: a country or subdivision code
    # of the `holidays` package ("FR", "FR-57" for Moselle…), see server/agenda/workdays.py.
    holidays: Mapped[str] = mapped_column(String(16), default="FR", server_default="FR")
    # The manager who leads it (a user of role manager). No foreign key: team and user
    # point at each other, and a cycle of constraints would need deferred creation.
    manager_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@searchable("name", "email")
class User(Base):
    __tablename__ = "user"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("team.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Where a rep's day starts and ends, and when it works (tours, slots).
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)
    home_address: Mapped[str | None] = mapped_column(String(255))
    home_postcode: Mapped[str | None] = mapped_column(String(10))
    home_city: Mapped[str | None] = mapped_column(String(120))
    # The language the user chose for its messages, e-mails and files ("fr" or "en"); None
    # until it chooses one: its browser's Accept-Language then decides, else French.
    locale: Mapped[str | None] = mapped_column(String(5))
    # {"mon": ["08:30", "18:00"], …, "lunch": ["12:00", "14:00", 60]}
    working_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # SHA-256 of the ICS feed's secret (server/tours/ics_tokens.py): the secret itself is never stored.
    ics_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    search: Mapped[str | None] = mapped_column(String(400))  # fold(name, email): server/common/search.py

    technical_teams = relationship("TechnicalTeam", secondary=user_technical_team, lazy="selectin")

    @property
    def ics_token(self) -> None:
        """Write-only: the feed's secret is kept as its hash alone."""
        raise AttributeError("the ICS token is not stored; only its hash is (ics_token_hash)")

    @ics_token.setter
    def ics_token(self, token: str | None) -> None:
        from server.tours.ics_tokens import token_hash
        self.ics_token_hash = token_hash(token) if token else None
    __table_args__ = (Index("ix_user_search", "search", postgresql_using="gin", postgresql_ops={"search": "gin_trgm_ops"}),)


class TokenFamily(Base):
    """One sign-in on one device: its refresh tokens rotate, it is revoked as a whole.

    The last pair issued is kept for `REFRESH_GRACE_SECONDS` so that a tablet whose
    refresh response was lost gets the same pair again instead of being logged out.
    """

    __tablename__ = "token_family"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    current_jti: Mapped[str] = mapped_column(String(36))
    previous_jti: Mapped[str | None] = mapped_column(String(36))
    rotated_at: Mapped[datetime | None]
    last_pair: Mapped[str | None] = mapped_column(Text)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class LinkToken(Base):
    """A single-use link sent by e-mail: an invitation (choose a password) or a reset.

    Only the SHA-256 of the token is kept, so a copy of the database opens no account.
    """

    __tablename__ = "link_token"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))  # "invitation" | "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthEpoch(Base):
    """One row: a number raised by every change that can end or alter a sign-in (a family
    revoked, a user changed or deleted), in the same transaction. Workers keep the signed-in
    actors they checked while it stays the same (server/users/revocation.py)."""

    __tablename__ = "auth_epoch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)

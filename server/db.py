"""The typed declarative base and the column types every domain shares."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import uuid6
from sqlalchemy import JSON, DateTime, Integer, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry


def new_id() -> str:
    """UUIDv7 as text: time-ordered, so indexes stay compact; tablets create them too."""
    return str(uuid6.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both databases (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# The form every id is written in (ours and the tablets'): recognised without building a
# UUID object, which a push did several times per mutation.
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: Any) -> bool:
    """Whether `value` reads as a UUID (`uuid.UUID` accepts it: hyphens, braces, urn: prefix…)."""
    if isinstance(value, str) and _CANONICAL_UUID.fullmatch(value) is not None:
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class Base(DeclarativeBase):
    # An explicit registry: Flask-SQLAlchemy subclasses Base, which a per-class
    # type_annotation_map does not survive.
    registry = registry(type_annotation_map={datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON})


class SyncMixin:
    """Columns that every record a tablet can change carries (see sync/PROTOCOL.md).

    `version` is the change number of the record's last change, taken from the
    global change counter, so it strictly increases and doubles as the pull cursor.
    `field_meta` maps each field to [version, client time in ms] of its last change:
    the merge compares it with a mutation's `base_version`.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, index=True, default=0)
    field_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

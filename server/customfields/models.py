"""Custom field definitions: the company's own fields on accounts and contacts (API.md → Custom fields)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, new_id, utcnow

ENTITIES = ("account", "contact")
TYPES = ("text", "number", "choice", "choices", "date", "boolean")


class CustomField(Base):
    """One definition. Values live in the records' `custom` under `key`.

    Removing a definition only sets `removed_at`: the stored values stay (exports still
    show them) until a manager purges them explicitly (service.purge)."""

    __tablename__ = "custom_field"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(20))
    label: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"fr": "…", "en": "…"}
    type: Mapped[str] = mapped_column(String(20))
    options: Mapped[list[Any] | None] = mapped_column(JSON)
    # {option value: {"fr", "en"}}: what screens show for a value; the stored value stays the option
    option_labels: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("entity", "key", name="uq_custom_field_entity_key"),)

"""Which stored account an import line names when it has no `external_ref`: its `id`.

An account created on a tablet or through REST has no external reference; the export
writes every account's `id`, so that the file imports back onto the same accounts
(API.md → Account files: every export re-imports unchanged).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account


def line_key(values: dict[str, Any]) -> str | None:
    """The key a line is matched on: its `external_ref`, else its `id`."""
    return values.get("external_ref") or values.get("id")


def stored_by_id(session: Session, lines: list[tuple[int, dict[str, Any]]], columns) -> dict[str, dict[str, Any]]:
    """id → the stored account's `columns`, for the lines that name an `id` and no `external_ref`."""
    ids = sorted({v["id"] for _, v in lines if "id" in v and "external_ref" not in v})
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(select(*columns).where(Account.id.in_(ids[start:start + 500]))):
            found[row.id] = dict(row._mapping)
    return found

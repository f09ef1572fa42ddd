"""Import and export of account files: what the route and the `tournee import-accounts`
command share (file limits, mapping, choosing accounts or contacts, export rows)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.csvfile import DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES, read_table
from server.accounts.imports import ACCOUNT_COLUMNS, Outcome, import_accounts
from server.accounts.models import Account
from server.actor import Actor
from server.errors import Invalid
from server.scope import condition
from server.users.models import User

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_LINES", "export_accounts", "parse_mapping", "run_import"]


def parse_mapping(text: str | None) -> dict[str, str | None]:
    """`{"CSV column": "field" | null}` from JSON text."""
    if not text:
        return {}
    try:
        mapping = json.loads(text) if len(text) <= 100_000 else None
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep (server/bounds.py)
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                                 for k, v in mapping.items()):
        raise Invalid("The mapping must be a JSON object {\"CSV column\": \"field\" or null}.",
                      errors={"mapping": ["Invalid mapping."]})
    return mapping


def run_import(*, session: Session, actor: Actor, data: bytes, kind: str = "accounts",
               mapping: dict[str, str | None] | None = None, dry_run: bool = False,
               max_bytes: int = DEFAULT_MAX_BYTES, max_lines: int = DEFAULT_MAX_LINES,
               default_owner_id: str | None = None) -> Outcome:
    """Read, validate and (unless a dry run) write a file; raises ImportRejected (422) or TooLarge (413).

    `default_owner_id` (accounts only): the rep new accounts without one on their line go to;
    not a rep the caller may give accounts to → Invalid (422, `default_owner_id`)."""
    from server.segmentation.service import require_staff
    require_staff(actor)
    if kind == "contacts" and default_owner_id is not None:  # contacts belong to their account
        raise Invalid("A contacts file takes no default rep.",
                      errors={"default_owner_id": ["A contacts file takes no default rep."]})
    table = read_table(data, max_bytes=max_bytes, max_lines=max_lines)
    if kind == "contacts":
        from server.accounts.contact_imports import import_contacts
        return import_contacts(session=session, actor=actor, table=table, mapping=mapping, dry_run=dry_run)
    return import_accounts(session=session, actor=actor, table=table, mapping=mapping, dry_run=dry_run,
                           default_owner_id=default_owner_id)


_BASE = ("id", "external_ref", "name", "status", "segment", "computed_segment", "weight_score", "potential_score",
         "override_segment", "override_reason", "owner_email", "address", "postcode", "city", "lat", "lon", "phone",
         "email", "tags", "last_visit_at", "next_due_at", "notes")


def export_accounts(*, session: Session, actor: Actor) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (typed values, for server/common/spreadsheet.py) of the caller's accounts;
    custom fields as `custom.<key>` columns; `id` lets an account without `external_ref` be matched on import."""
    columns = [getattr(Account, c) for c in ACCOUNT_COLUMNS]
    stmt = (select(Account.id, *columns, Account.segment, Account.computed_segment, Account.weight_score,
                   Account.potential_score, Account.segment_override, Account.last_visit_at, Account.next_due_at,
                   Account.custom, User.email.label("owner_email"))
            .join(User, User.id == Account.owner_id).where(condition("account", actor)).order_by(Account.name, Account.id))
    records = [row._mapping for row in session.execute(stmt)]
    keys = sorted({k for r in records for k in (r["custom"] or {}) if k != "answers"})
    header = [*_BASE, *(f"custom.{k}" for k in keys)]
    rows = []
    for r in records:
        override = r["segment_override"] or {}
        base = {**r, "override_segment": override.get("segment"), "override_reason": override.get("reason"),
                "tags": "|".join(r["tags"] or [])}
        rows.append([base.get(name) for name in _BASE] + [(r["custom"] or {}).get(k) for k in keys])
    return header, rows

"""Which stored account an import line names when it has no `external_ref`: its `id`, or,
in a file with neither column, its name and postcode (its name alone without a postcode column).

An account created on a tablet or through REST has no external reference; the export
writes every account's `id`, so that the file imports back onto the same accounts
(API.md → Account files: every export re-imports unchanged).

An old CRM's export often has no customer reference at all. Such a file creates its
accounts the first time; imported again, each line finds the account of the same name
and postcode — the name folded like a search (case, accents, spacing: "GARAGE ÉTIENNE"
is "Garage Etienne"), the postcode without spaces — and updates it instead of adding a
twin. A file without a postcode column either (`postcode=False`) finds it by the name
alone, whatever the stored postcode: otherwise it would match only the accounts without
one and add a twin of every other. Two stored accounts of that name (and postcode) are
ambiguous: the line is refused and asks for a column that tells them apart, rather than
guessing which one is meant.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.common.search import fold


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


def name_key(values: dict[str, Any], *, postcode: bool = True) -> str | None:
    """'garage etienne|21000' for a line (or stored account) without a reference, 'garage etienne'
    with `postcode=False` (a file without a postcode column); None without a name."""
    name = fold(values.get("name"))
    if not name or not postcode:
        return name or None
    return f"{name}|{(values.get('postcode') or '').replace(' ', '').upper()}"


def stored_by_name(session: Session, lines: list[tuple[int, dict[str, Any]]], columns, *,
                   postcode: bool = True) -> dict[str, list[dict[str, Any]]]:
    """name_key → the stored accounts (their `columns`, which include `id`, `name` and `postcode`)
    of that name and postcode (of that name alone with `postcode=False`), whoever's they are.

    Read by postcode (indexed); lines without a postcode read the accounts without one. By the
    name alone, every account's name is read once (no index finds a folded name)."""
    keys = {k for _, v in lines if (k := name_key(v, postcode=postcode))}
    if not postcode:
        return _stored_by_name_alone(session, keys, columns)
    postcodes = sorted({k.split("|", 1)[1] for k in keys})
    found: dict[str, list[dict[str, Any]]] = {}
    stored_postcodes = [p for p in postcodes if p]
    selects = [select(*columns).where(Account.postcode.in_(stored_postcodes[i:i + 500]))
               for i in range(0, len(stored_postcodes), 500)]
    if "" in postcodes:
        selects.append(select(*columns).where((Account.postcode.is_(None)) | (Account.postcode == "")))
    for stmt in selects:
        for row in session.execute(stmt):
            key = name_key(row._mapping)
            if key in keys:
                found.setdefault(key, []).append(dict(row._mapping))
    return found


def _stored_by_name_alone(session: Session, keys: set[str], columns) -> dict[str, list[dict[str, Any]]]:
    # Two reads: every id and name, narrow; then the whole rows of the few whose name is wanted.
    found: dict[str, list[dict[str, Any]]] = {}
    if not keys:
        return found
    wanted = {account_id: key for account_id, name in session.execute(select(Account.id, Account.name))
              if (key := fold(name)) in keys}
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        for row in session.execute(select(*columns).where(Account.id.in_(ids[start:start + 500]))):
            found.setdefault(wanted[row.id], []).append(dict(row._mapping))
    return found

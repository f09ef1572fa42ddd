"""Contact import: the same file rules as accounts (imports.py), all or nothing.

Columns: `account_ref` (the account's `external_ref`) or `account_id` (the account's
id, for accounts made on a tablet, which have no reference): one of them, the account
in the caller's scope; `name` (required), `roles` (separated by `|` or `,`; French
names accepted: décideur, facturation, technique, achats, utilisateur), `phone`,
`email`, the contact custom fields (headed by key, `custom.<key>` or label; a required
one is owed by every line that creates a contact), and `id`. A line with an `id`
updates that contact; otherwise a contact is upserted by its account and e-mail when
the line has one, else by its account and name (case-insensitive); the same key twice
in the file is an error.

The contacts export (server/common/exports.py) is such a file, headed in French or in
English, so it imports back unchanged (API.md → Account files): its `Account` column,
the account's name, is for the reader and ignored.
"""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from server.accounts.csvfile import ImportRejected, Issue, Table
from server.accounts.imports import Outcome, label_aliases, resolve_columns
from server.accounts.models import CONTACT_ROLES, Account, Contact
from server.actor import Actor
from server.customfields.values import definitions_by_key, from_cell, missing_required
from server.db import new_id, utcnow
from server.scope import condition

CONTACT_COLUMNS = ("account_ref", "account_id", "id", "name", "roles", "phone", "email")
# Header keys (headers.header_key) → field, None to skip: the export's own headers in both
# languages (CONTACT_HEADER through the catalogues) and what contact files usually say.
HEADER_ALIASES: dict[str, str | None] = {
    "id": "id", "identifiant": "id", "contact_id": "id", "id_contact": "id",
    "account_id": "account_id", "identifiant_du_compte": "account_id",
    "account_ref": "account_ref", "account_reference": "account_ref", "reference_du_compte": "account_ref",
    "ref_client": "account_ref", "code_client": "account_ref", "reference": "account_ref",
    "account": None, "compte": None, "account_name": None,
    "name": "name", "nom": "name", "roles": "roles", "role": "roles", "fonction": "roles",
    "phone": "phone", "telephone": "phone", "tel": "phone", "mobile": "phone", "portable": "phone",
    "email": "email", "e_mail": "email", "courriel": "email", "mail": "email",
}
ROLE_ALIASES = {"décideur": "decision_maker", "decideur": "decision_maker", "facturation": "billing",
                "technique": "technical", "achats": "purchasing", "achat": "purchasing", "utilisateur": "user",
                "autre": "other", "decision maker": "decision_maker"}
LIMITS = {"account_ref": 80, "account_id": 36, "id": 36, "name": 160, "phone": 40, "email": 254}
_email = validate.Email()


def _convert(target: str, raw: str, line: int, column: str, issues: list[Issue], types: dict[str, Any]) -> Any:
    if target.startswith("custom."):
        definition = types.get(target[7:])
        value, reason = from_cell(definition, raw) if definition else (None, "Unknown custom field.")
        if reason:
            issues.append(Issue(line, column, reason))
        return value
    if target == "roles":
        roles = []
        for part in raw.replace("|", ",").split(","):
            key = part.strip().casefold()
            if not key:
                continue
            role = ROLE_ALIASES.get(key, key.replace(" ", "_"))
            if role not in CONTACT_ROLES:
                issues.append(Issue(line, column, f"Unknown role {part.strip()!r}."))
                return None
            roles.append(role)
        return sorted(set(roles))
    if len(raw) > LIMITS[target]:
        issues.append(Issue(line, column, f"Longer than {LIMITS[target]} characters."))
        return None
    if target == "email":
        try:
            _email(raw)
        except ValidationError:
            issues.append(Issue(line, column, f"Not a valid email: {raw!r}."))
            return None
    return raw


def import_contacts(*, session: Session, actor: Actor, table: Table, mapping: dict[str, str | None] | None = None,
                    dry_run: bool = False) -> Outcome:
    from sync.changes import change_numbers, now_ms
    outcome, issues = Outcome("contacts", dry_run, lines=len(table.rows)), list(table.issues)
    with change_numbers(session) as numbers:
        types = definitions_by_key(session, "contact")
        targets = resolve_columns(table, mapping or {}, set(CONTACT_COLUMNS), issues, custom_keys=set(types),
                                  labels=label_aliases(types), aliases=HEADER_ALIASES)
        columns = {target: table.header[i] for i, target in targets.items()}
        if issues:  # a bad header would make every line wrong: report the header alone
            raise ImportRejected(issues, **outcome.counts())
        lines = []
        for line, cells in table.rows:
            values = {}
            for i, target in targets.items():
                raw = cells[i].strip() if i < len(cells) else ""
                if raw:
                    value = _convert(target, raw, line, table.header[i], issues, types)
                    if value is not None:
                        values[target] = value
            lines.append((line, values))
        accounts = _accounts_in_scope(session, actor, lines)
        by_id = _contacts_by_id(session, actor, sorted({v["id"] for _, v in lines if "id" in v}))
        existing = _existing(session, sorted(set(accounts.values())))
        seen: dict[tuple[str, str], int] = {}
        inserts, changes = [], []
        for line, values in lines:
            if "name" not in values:
                issues.append(Issue(line, "name", "Missing: every line needs one.", column=columns.get("name")))
            if "id" in values:  # the contact itself (an export read back): its account is its own
                current = by_id.get(values["id"])
                if current is None:
                    issues.append(Issue(line, "id", "No contact with this id in your scope.", column=columns.get("id")))
                    continue
                account_id = current["account_id"]
            else:
                current = None
                account_id = _account_of(values, accounts, line, issues, columns)
            if account_id is None or "name" not in values:
                continue
            key = (account_id, "@" + values["email"].casefold() if "email" in values else values["name"].casefold())
            if current is not None:
                key = (account_id, "#" + current["id"])
            if key in seen:
                named = "id" if "id" in values else "email" if "email" in values else "name"
                issues.append(Issue(line, named, f"Duplicate of line {seen[key]}.", column=columns.get(named)))
                continue
            seen[key] = line
            current = current or existing.get(key)
            fields = {k: v for k, v in values.items()
                      if k not in ("account_ref", "account_id", "id") and not k.startswith("custom.")}
            custom = {k[7:]: v for k, v in values.items() if k.startswith("custom.")}
            if current is None:
                for key in missing_required(types, values):  # as REST and sync creates owe them
                    column = columns.get(f"custom.{key}", key)
                    if not any(i.line == line and i.field == column for i in issues):
                        issues.append(Issue(line, column, "Missing: this field is required."))
                inserts.append({"account_id": account_id, "roles": [], "phone": None, "email": None, **fields,
                                "custom": custom, "_custom": [f"custom.{k}" for k in custom]})
            else:
                written = [k for k, v in fields.items() if _stored(current, k) != v]
                # custom keys merge one by one, as the sync engine does (PROTOCOL M7)
                written += [f"custom.{k}" for k, v in custom.items() if (current["custom"] or {}).get(k) != v]
                fields["custom"] = {**(current["custom"] or {}), **custom}
                if written:
                    changes.append((current, fields, written))
        if issues:
            raise ImportRejected(issues, **outcome.counts())
        outcome.created, outcome.updated = len(inserts), len(changes)
        outcome.unchanged = len(lines) - len(inserts) - len(changes)
        if dry_run or not (inserts or changes):
            return outcome
        version, now, ms = numbers.reserve(len(inserts) + len(changes)), utcnow(), now_ms()
        rows = []
        for row in inserts:
            stamped = [f for f in row if f not in ("custom", "_custom")] + row.pop("_custom")
            rows.append({**row, "id": new_id(), "version": version, "created_at": now, "updated_at": now,
                         "field_meta": {f: [version, ms, actor.id] for f in stamped}})
            version += 1
        for start in range(0, len(rows), 1000):
            session.execute(insert(Contact), rows[start:start + 1000])
        updates = []
        for current, fields, written in changes:
            meta = {**(current["field_meta"] or {}), **{f: [version, ms, actor.id] for f in written}}
            row = {k: fields.get(k, current[k]) for k in ("name", "roles", "phone", "email", "custom")}
            updates.append({**row, "id": current["id"], "version": version, "updated_at": now, "field_meta": meta})
            version += 1
        for start in range(0, len(updates), 1000):
            session.execute(update(Contact), updates[start:start + 1000])
    return outcome


def _stored(current: dict[str, Any], key: str) -> Any:
    """A stored value as a line gives it: roles as a sorted list (the order means nothing)."""
    return sorted(current["roles"] or []) if key == "roles" else current[key]


def _accounts_in_scope(session: Session, actor: Actor, lines) -> dict[tuple[str, str], str]:
    """("ref", external_ref) and ("id", account id) → the account id, for the lines' accounts in scope."""
    found: dict[tuple[str, str], str] = {}
    for kind, column, field in (("ref", Account.external_ref, "account_ref"), ("id", Account.id, "account_id")):
        keys = sorted({v[field] for _, v in lines if field in v})
        for start in range(0, len(keys), 500):
            stmt = select(column, Account.id).where(column.in_(keys[start:start + 500]), condition("account", actor))
            found.update({(kind, key): account_id for key, account_id in session.execute(stmt)})
    return found


def _account_of(values: dict[str, Any], accounts: dict[tuple[str, str], str], line: int,
                issues: list[Issue], columns: dict[str, str]) -> str | None:
    """The line's account (by reference, else by id), or None with an issue filed under the
    file's own column (`columns`: field → header)."""
    if "account_ref" in values:
        found = accounts.get(("ref", values["account_ref"]))
        if found is None:
            issues.append(Issue(line, "account_ref", "No account with this external_ref in your scope.",
                                column=columns.get("account_ref")))
        return found
    if "account_id" in values:
        found = accounts.get(("id", values["account_id"]))
        if found is None:
            issues.append(Issue(line, "account_id", "No account with this id.", column=columns.get("account_id")))
        return found
    issues.append(Issue(line, "account_ref", "Missing: every line needs one.",
                        column=columns.get("account_ref") or columns.get("account_id")))
    return None


def _contacts_by_id(session: Session, actor: Actor, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        stmt = select(Contact.id, Contact.account_id, Contact.name, Contact.roles, Contact.phone, Contact.email,
                      Contact.custom, Contact.field_meta).where(Contact.id.in_(ids[start:start + 500]), condition("contact", actor))
        found.update({row.id: dict(row._mapping) for row in session.execute(stmt)})
    return found


def _existing(session: Session, account_ids: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored contacts of these accounts, by both their keys (e-mail and name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(account_ids), 500):
        stmt = select(Contact.id, Contact.account_id, Contact.name, Contact.roles, Contact.phone, Contact.email,
                      Contact.custom, Contact.field_meta).where(Contact.account_id.in_(account_ids[start:start + 500]))
        for row in session.execute(stmt):
            data = dict(row._mapping)
            if row.email:
                found.setdefault((row.account_id, "@" + row.email.casefold()), data)
            found.setdefault((row.account_id, row.name.casefold()), data)
    return found

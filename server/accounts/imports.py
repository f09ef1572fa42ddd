"""Account import: a CSV file upserted by `external_ref`, all or nothing.

Used by `tournee import-accounts` and `POST /api/accounts/import` (contacts: see
contact_imports.py). The rules:

- Columns are matched by name whatever their case, accents and punctuation, French or
  English (headers.py: "Raison sociale", "CP", "Tél.", "Commercial"…): the fields of ACCOUNT_COLUMNS,
  `owner_email` (alias `owner`), `custom.<key>` for company fields, and the bare key
  of any criterion of the active model (`revenue_last_year`), or its label ("Chiffre d'affaires
  N-1 (€)"). A `mapping` (`{"CSV column": "field"}`, or `null` to ignore a column) renames the
  others, to whatever a header may name (column_target: a criterion's key too).
  Export-only columns (segment, scores, due dates) are ignored, so an export can be
  imported back. Any other column is an error: nothing is guessed.
- Every line needs `external_ref` (or the `id` an export writes); a file with neither
  column matches its lines on name and postcode instead (on the name alone without a
  postcode column: matching.py), so that an old CRM's export creates its accounts once and
  updates them when imported again; such a file without a name column is refused on its
  header, naming the column to add (NAME_COLUMN). A new account needs `name` and an owner
  (a rep of the caller's team, by e-mail; any rep for an admin): its line's rep, else the
  `default_owner_id` the caller chose for lines without one (a CRM export rarely names the
  rep). A line that names its rep keeps it; an update keeps its owner.
  An empty cell leaves the stored value as it is (an import never erases data by omission).
- Numbers take French decimal commas and spaces ("182 000,50"); criteria values are
  typed as the model says (number, boolean oui/non, category).
- One bad line and nothing is written: the report lists every `{line, field, reason}`
  (422), `column` naming the file's own header and a rep quoted as the cell writes it. A
  dry run validates and counts without writing. Warnings (`Outcome.warnings`, same shape)
  never refuse: a line that repeats an earlier one exactly is skipped, while the same
  reference with other values is refused; a postcode that places nothing (import_warnings.py).
  Phones are kept as written (at most 40 characters), as REST and sync keep them.
- Writes are set-based: one read of the existing accounts, chunked inserts and
  executemany updates, versions from one reserved block; accounts are segmented by
  the active model as they are written; an owner change leaves tombstones (P9).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, validate
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from server.accounts.csvfile import ImportRejected, Issue, Table
from server.accounts.matching import line_key, name_key, stored_by_id, stored_by_name
from server.accounts.headers import NAME_COLUMN, OWNER_COLUMN, field_for, header_key
from server.accounts.import_warnings import postcode_warnings, unusable_postcodes
from server.accounts.models import ACCOUNT_STATUSES, Account, Contact
from server.accounts.statuses import by_label
from server.customfields.values import definitions_by_key, missing_required
from server.actor import Actor
from server.agenda.workdays import DueDays
from server.common.fields import valid_postcode
from server.db import new_id, utcnow
from server.errors import Invalid
from server.geo.locate import locate_many
from server.i18n import language
from server.scope import condition
from server.segmentation import cadence
from server.segmentation.scoring import parse_bool, parse_number
from server.users.models import User

ACCOUNT_COLUMNS = ("external_ref", "name", "status", "address", "postcode", "city", "lat", "lon", "phone", "email",
                   "tags", "notes")
EXPORT_ONLY = frozenset({"segment", "computed_segment", "weight_score", "potential_score", "model_version",
                         "override_segment", "override_reason", "last_visit_at", "next_due_at"})
STATUS_ALIASES = {"ancien client": "former_client", "ancien_client": "former_client", "concurrent": "competitor",
                  "partenaire": "partner", "former client": "former_client"}
LIMITS = {"external_ref": 80, "name": 200, "address": 255, "city": 120, "phone": 40, "email": 254, "notes": 20000}
# The owners' key of the rep a line without one is given (no e-mail or name key starts so).
_DEFAULT_OWNER = "default:"
OWNER_MISSING = ("Missing: a new account needs a rep. Add this column (the rep's e-mail or name), "
                 "or choose a rep for the new accounts without one.")
# …and when the file has the rep column but this line's cell is empty.
OWNER_CELL_EMPTY = ("Missing: a new account needs a rep. Fill in this cell (the rep's e-mail or name), "
                    "or choose a rep for the new accounts without one.")
NAME_COLUMN_MISSING = ("Missing: without a customer reference, the accounts are found and created by their name. "
                       "Add this column.")
_email = validate.Email()
_postcode = valid_postcode


@dataclass
class Outcome:
    kind: str
    dry_run: bool
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)
    # What the import did but the reader should know, line by line; never a refusal (import_warnings.py).
    warnings: list[Issue] = field(default_factory=list)
    # How the file's accounts are placed: {"address": n, "street": n, "commune": n, "manual": n, "none": n}.
    located: dict[str, int] = field(default_factory=dict)
    # The accounts of the file left without a position, named: [{"name", "postcode", "city"}].
    unlocated: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {"kind": self.kind, "dry_run": self.dry_run, "lines": self.lines, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "located": self.located,
                "unlocated": self.unlocated, "warnings": [w.as_dict() for w in sorted(self.warnings, key=_by_line)]}

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts(), "report": [i.as_dict() for i in self.issues]}


def _by_line(issue: Issue) -> tuple[int, str]:
    return issue.line, issue.field


def label_aliases(types: dict[str, Any]) -> dict[str, str]:
    """Column headers that name a custom field by its French or English label → its key."""
    return {_slug(label): key for key, kind in types.items() if isinstance(kind, dict) and "labels" in kind
            for label in kind["labels"] if label}


def _slug(name: str) -> str:
    return name.casefold().strip().replace(" ", "_").replace("-", "_")


def column_target(target: str, known: set[str], custom_keys: set[str] = frozenset()) -> str | None:
    """The field a column fills when it is headed or mapped `target`, or None when the import may
    not fill `target`: the key of a company field or of a criterion of the active model (bare or
    as `custom.<key>`) → `custom.<key>`; a field of `known` as is; any other `custom.<key>` as is
    (kept untyped, as an export's columns are). The header path and the mapping path both ask it."""
    if target in custom_keys:
        return f"custom.{target}"
    if target in known or (target.startswith("custom.") and len(target) > 7):
        return target
    return None


def resolve_columns(table: Table, mapping: dict[str, str | None], known: set[str], issues: list[Issue],
                    *, custom_keys: set[str] = frozenset(), labels: dict[str, str] | None = None,
                    aliases: dict[str, str | None] | None = None) -> dict[int, str]:
    """Column index → target field; unknown columns are reported on line 1.

    Headers and the mapping's keys match whatever their case, accents and punctuation
    (headers.py), French or English names alike; a custom field's column may be headed by
    its key, `custom.<key>`, or its label. `aliases` (header key → field, or None for a column
    to skip) win over the accounts' ones: a contacts file's "Identifiant" is the contact's id.
    """
    lowered = {header_key(k): v for k, v in mapping.items()}
    targets: dict[int, str] = {}
    for i, name in enumerate(table.header):
        key = header_key(name)
        if key in lowered:
            target = lowered[key]
            if target is None:
                continue
            field = column_target(target, known, custom_keys)
            if field is None:
                issues.append(Issue(1, name, f"Mapped to unknown field {target!r}."))
                continue
            target = field
        else:
            # the company's own fields (by label or key) are more specific than the generic
            # header names: a contact field keyed "fonction" is not the contacts' roles
            own = (labels or {}).get(_slug(name)) or (labels or {}).get(header_key(name))
            if own is None and field_for(name) in custom_keys:
                own = field_for(name)
            if own is not None:
                target = own
            elif aliases is not None and key in aliases:
                target = aliases[key]
            else:
                target = field_for(name)
            if target is None or target in EXPORT_ONLY:
                continue
            field = column_target(target, known, custom_keys)
            if field is None:
                # "or ignore it": null in the API's mapping, « Ignorer cette colonne » on the screen
                issues.append(Issue(1, name, "Unknown column: map it to a field, or ignore it."))
                continue
            target = field
        if target in targets.values():
            issues.append(Issue(1, name, f"A second column maps to {target}."))
            continue
        targets[i] = target
    return targets


def criterion_types(definition: dict[str, Any]) -> dict[str, str]:
    return {c["field"]: c["type"] for c in definition["criteria"] if c["source"] == "custom"}


def criterion_labels(definition: dict[str, Any]) -> dict[str, str]:
    """Column headers that name a criterion of the model by its label, French or English, whatever
    their case, accents and punctuation ("CHIFFRE D'AFFAIRES N-1") → the `custom` key it reads."""
    out: dict[str, str] = {}
    for criterion in definition["criteria"]:
        if criterion["source"] != "custom":
            continue
        label = criterion.get("label")
        for text in (label.values() if isinstance(label, dict) else [label]):
            if isinstance(text, str) and header_key(text):
                out[header_key(text)] = criterion["field"]
    return out


def convert(target: str, raw: str, types: dict[str, str], line: int, issues: list[Issue], column: str) -> Any:
    """A cell as the field's value, or None with an issue filed."""
    def bad(reason: str) -> None:
        issues.append(Issue(line, column, reason))

    if target.startswith("custom."):
        kind = types.get(target[7:])
        if isinstance(kind, dict):  # a custom field definition (server/customfields)
            from server.customfields.values import from_cell
            value, reason = from_cell(kind, raw)
            return bad(reason) if reason else value
        if kind == "number":
            number = parse_number(raw)
            if number is None:
                return bad(f"Not a number: {raw!r}.")
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "boolean":
            flag = parse_bool(raw)
            return flag if flag is not None else bad(f"Not yes/no: {raw!r}.")
        return raw
    if target in ("lat", "lon"):
        number, limit = parse_number(raw), 90 if target == "lat" else 180
        if number is None or not -limit <= number <= limit:
            return bad(f"Not a {'latitude' if target == 'lat' else 'longitude'}: {raw!r}.")
        return number
    if target == "status":
        known = types.get("@statuses") or {s: s for s in ACCOUNT_STATUSES}
        status = known.get(raw.casefold()) or known.get(STATUS_ALIASES.get(raw.casefold(), raw.casefold().replace(" ", "_")))
        return status if status is not None else bad(f"Unknown status {raw!r}.")
    if target == "tags":
        return list(dict.fromkeys(t.strip() for t in raw.replace("|", ",").split(",") if t.strip()))  # as exported
    if target in LIMITS and len(raw) > LIMITS[target]:
        return bad(f"Longer than {LIMITS[target]} characters.")
    try:
        if target == "email" or (target == "owner_email" and "@" in raw):
            _email(raw)
        elif target == "postcode":
            _postcode(raw)
    except ValidationError:
        if target == "postcode":
            return bad(f"Not a postcode: {raw!r} (2 to 10 letters, digits, spaces or hyphens, with at least one digit).")
        return bad(f"Not a valid {target.replace('_', ' ')}: {raw!r}.")
    if target == "owner_email":  # a rep's e-mail, or its name as the old CRM wrote it
        return raw.casefold() if "@" in raw else "name:" + header_key(raw)
    return raw


def parse_lines(table: Table, targets: dict[int, str], types: dict[str, str], issues: list[Issue],
                *, key: str, by_name: bool = False,
                warnings: list[Issue] | None = None) -> list[tuple[int, dict[str, Any]]]:
    """Each line as {field: value} (empty cells left out); duplicates of `key` reported
    (`by_name`: of name and postcode, for an accounts file without reference nor id).

    A line that repeats an earlier one exactly (every value read from it equal: a copy pasted
    twice) is left out with a warning in `warnings` (not a refusal); one that shares the key
    with different values is a conflict that no rule settles: refused, naming the key's column."""
    out, first_seen = [], {}
    columns = {target: table.header[i] for i, target in targets.items()}
    name_column = columns.get("name", NAME_COLUMN)
    key_column = columns.get(key) or columns.get("id", key)
    for line, cells in table.rows:
        values: dict[str, Any] = {}
        for i, target in targets.items():
            raw = cells[i].strip() if i < len(cells) else ""
            if raw:
                value = convert(target, raw, types, line, issues, table.header[i])
                if value is not None:
                    values[target] = value
        ref = (name_key(values) if by_name else line_key(values)) if key == "external_ref" else values.get(key)
        if ref is None and by_name:
            issues.append(Issue(line, "name", "Missing: a line without a customer reference needs the account's name.",
                                column=name_column))
        elif ref is None:
            issues.append(Issue(line, key, "Missing: every line needs one (or the account's id).", column=key_column))
        elif ref in first_seen and first_seen[ref][1] == values and warnings is not None:
            warnings.append(Issue(line, "name" if by_name else key, f"Same as line {first_seen[ref][0]}: skipped.",
                                  column=name_column if by_name else key_column))
            continue
        elif ref in first_seen:
            issues.append(Issue(line, "name" if by_name else key, f"Duplicate of line {first_seen[ref][0]}.",
                                column=name_column if by_name else key_column))
        else:
            first_seen[ref] = (line, values)
        out.append((line, values))
    return out


def reps_by_email(session: Session, actor: Actor, emails: set[str]) -> dict[str, tuple[str, str | None]]:
    """E-mail (or "name:<key>" of a rep's name) → (rep id, team id) for the reps the caller
    may give accounts to. A name that two such reps share matches neither."""
    if not emails:
        return {}
    names = {e for e in emails if e.startswith("name:")}
    stmt = select(User.email, User.name, User.id, User.team_id).where(User.role == "rep")
    stmt = stmt.where(User.email.in_(sorted(emails - names))) if not names else stmt
    if actor.role != "admin":
        stmt = stmt.where(User.team_id == actor.team_id)
    found: dict[str, tuple[str, str | None]] = {}
    shared: set[str] = set()
    for email, name, uid, team in session.execute(stmt):
        found[email.casefold()] = (uid, team)
        key = "name:" + header_key(name)
        if key in found:
            shared.add(key)
        found[key] = (uid, team)
    return {k: v for k, v in found.items() if k not in shared and (k in emails)}


def default_owner(session: Session, actor: Actor, user_id: str) -> tuple[str, str | None]:
    """(rep id, team id) of the active rep `user_id` the caller may give accounts to (its team's;
    any for an admin); else Invalid (422) naming `default_owner_id`."""
    stmt = select(User.id, User.team_id).where(User.id == user_id, User.role == "rep", User.active.is_(True))
    if actor.role != "admin":
        stmt = stmt.where(User.team_id == actor.team_id)
    row = session.execute(stmt).first()
    if row is None:
        raise Invalid("No active rep with this id in your team.",
                      errors={"default_owner_id": ["No active rep with this id in your team."]})
    return row.id, row.team_id


def import_accounts(*, session: Session, actor: Actor, table: Table, mapping: dict[str, str | None] | None = None,
                    dry_run: bool = False, default_owner_id: str | None = None) -> Outcome:
    """Validate every line, then upsert all of them or none (raises ImportRejected).

    `default_owner_id`: the rep (a user id) new accounts go to when their line names none;
    not a rep the caller may give accounts to → Invalid (422, `default_owner_id`)."""
    from server.segmentation.service import ensure_stored
    from sync.changes import change_numbers
    fallback = default_owner(session, actor, default_owner_id) if default_owner_id is not None else None
    outcome, issues = Outcome("accounts", dry_run, lines=len(table.rows)), list(table.issues)
    with change_numbers(session) as numbers:  # C1: lock before reading what we may write
        model = ensure_stored(session) if not dry_run else _active(session)
        types: dict[str, Any] = {**criterion_types(model.definition), **definitions_by_key(session, "account")}
        custom_keys = set(types)
        types["@statuses"] = by_label(session)  # the company's statuses by key or label
        known = set(ACCOUNT_COLUMNS) | {"owner_email", "id"}
        # the company's own field labels before the criteria's (more specific, as in resolve_columns)
        labels = {**criterion_labels(model.definition), **label_aliases(types)}
        targets = resolve_columns(table, mapping or {}, known, issues, custom_keys=custom_keys, labels=labels)
        by_name = not {"external_ref", "id"} & set(targets.values())
        if by_name and "name" not in targets.values():  # every line would be a create without a name
            issues.append(Issue(1, "name", NAME_COLUMN_MISSING, column=NAME_COLUMN, suggested=True))
        if issues:  # a bad header would make every line wrong: report the header alone
            raise ImportRejected(issues, **outcome.counts())
        by_postcode = "postcode" in targets.values()  # else lines are matched by name alone
        lines = parse_lines(table, targets, types, issues, key="external_ref", by_name=by_name,
                            warnings=outcome.warnings)
        columns = {target: table.header[i] for i, target in targets.items()}
        postcodes = unusable_postcodes(lines, columns)
        typed_owner = _typed_cells(table, targets, "owner_email")  # a report quotes the rep as the file writes it
        existing = _existing(session, [v["external_ref"] for _, v in lines if "external_ref" in v])
        owners = reps_by_email(session, actor, {v["owner_email"] for _, v in lines if "owner_email" in v})
        if fallback is not None:
            owners[_DEFAULT_OWNER] = fallback
        by_id = stored_by_id(session, lines, _EXISTING)
        named = stored_by_name(session, lines, _EXISTING, postcode=by_postcode) if by_name else {}
        in_scope = _in_scope(session, actor, [row["id"] for row in (
            *existing.values(), *by_id.values(), *(r for rows in named.values() for r in rows))])
        creates, updates = [], []
        for line, values in lines:
            ref = values.get("external_ref")
            if by_name:
                twins = named.get(name_key(values, postcode=by_postcode) or "", [])
                refused = _twins_issue(line, twins, in_scope, by_postcode=by_postcode, column=columns["name"])
                if refused is not None:
                    issues.append(refused)
                    continue
                current = twins[0] if twins else None
            else:
                current = existing.get(ref) if ref else by_id.get(values.get("id"))
            if ref is None and "id" in values and (current is None or current["id"] not in in_scope):
                issues.append(Issue(line, "id", "No account with this id.", column=columns.get("id")))
                continue
            if current is None and fallback is not None and "owner_email" not in values:
                values["owner_email"] = _DEFAULT_OWNER
            owner = values.get("owner_email")
            if owner is not None and owner not in owners:
                who = typed_owner.get(line) or owner
                issues.append(Issue(line, "owner_email", f"No rep {who} in your team (or several of that name).",
                                    column=columns.get("owner_email")))
            if current is None:
                if "name" not in values and not by_name:  # by name, parse_lines told it already
                    issues.append(Issue(line, "name", "Missing: a new account needs it.",
                                        column=columns.get("name", NAME_COLUMN), suggested="name" not in columns))
                if "owner_email" not in values:  # named as the column the import reads, not the key
                    issues.append(Issue(line, "owner_email",
                                        OWNER_CELL_EMPTY if "owner_email" in columns else OWNER_MISSING,
                                        column=columns.get("owner_email", OWNER_COLUMN),
                                        suggested="owner_email" not in columns))
                for key in missing_required(types, values):  # as REST and sync creates owe them
                    column = columns.get(f"custom.{key}", key)
                    if not any(i.line == line and i.field == column for i in issues):  # not a bad cell, told already
                        # a column the file lacks is named by the field's label, in the reader's language
                        issues.append(Issue(line, column, "Missing: this field is required.",
                                            column=columns.get(f"custom.{key}") or _label(types[key], key)))
                creates.append((line, values))
            elif current["id"] not in in_scope:
                issues.append(Issue(line, "external_ref", "Used by an account outside your scope.",
                                    column=columns.get("external_ref") or columns.get("id")))
            else:
                updates.append((line, current, values))
        if issues:
            outcome.warnings += postcode_warnings(postcodes)
            raise ImportRejected(issues, **outcome.counts())
        plan = _plan(creates, updates, owners, model, DueDays(session, absences=False))
        outcome.warnings += postcode_warnings(postcodes, plan.precision)
        outcome.located = _located_counts(plan)
        outcome.unlocated = [{k: row.get(k) for k in ("name", "postcode", "city")}
                             for row in (*plan.inserts, *(row for _c, row, _w in plan.changes))
                             if row.get("lat") is None or row.get("lon") is None]
        outcome.created, outcome.updated = len(plan.inserts), len(plan.changes)
        outcome.unchanged = len(updates) - len(plan.changes)
        if not dry_run:
            _write(session, numbers, actor, plan)
    return outcome


def _typed_cells(table: Table, targets: dict[int, str], target: str) -> dict[int, str]:
    """Line → the cell of `target`'s column as the file writes it (empty cells left out)."""
    index = next((i for i, t in targets.items() if t == target), None)
    if index is None:
        return {}
    return {line: cells[index].strip() for line, cells in table.rows if index < len(cells) and cells[index].strip()}


def _twins_issue(line: int, twins: list[dict[str, Any]], in_scope: set[str], *, by_postcode: bool,
                 column: str) -> Issue | None:
    """Why a line matched by name (matching.py) cannot take its stored twin: there are several
    (of its name and postcode, or of its name alone in a file without postcodes), or the one
    is outside the caller's scope. None when the line may go on."""
    if len(twins) > 1 and by_postcode:
        return Issue(line, "name", "Several accounts have this name and postcode: add a column with their customer "
                                   "reference or id.", column=column)
    if len(twins) > 1:
        return Issue(line, "name", "Several accounts have this name: add a column with their postcode, customer "
                                   "reference or id.", column=column)
    if twins and twins[0]["id"] not in in_scope and by_postcode:
        return Issue(line, "name", "An account of this name and postcode is outside your scope.", column=column)
    if twins and twins[0]["id"] not in in_scope:
        return Issue(line, "name", "An account of this name is outside your scope.", column=column)
    return None


def _active(session):
    from server.segmentation.service import active_model
    return active_model(session)


_EXISTING = (Account.id, Account.external_ref, Account.owner_id, Account.field_meta, Account.custom,
             Account.segment_override, Account.last_visit_at, Account.next_due_at, Account.segment,
             Account.computed_segment, Account.weight_score, Account.potential_score, Account.model_version,
             Account.geo_precision, *(getattr(Account, c) for c in ACCOUNT_COLUMNS if c != "external_ref"))


def _existing(session: Session, refs: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(refs), 500):
        stmt = select(*_EXISTING).where(Account.external_ref.in_(refs[start:start + 500]))
        for row in session.execute(stmt):
            found[row.external_ref] = dict(row._mapping)
    return found


def _in_scope(session: Session, actor: Actor, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for start in range(0, len(ids), 500):
        seen |= set(session.scalars(select(Account.id).where(Account.id.in_(ids[start:start + 500]),
                                                             condition("account", actor))))
    return seen


@dataclass
class Plan:
    inserts: list[dict[str, Any]]
    changes: list[tuple[dict[str, Any], dict[str, Any], list[str]]]  # (current, new row, fields written)
    teams: dict[str, str | None]
    precision: dict[int, str | None]  # line → its account's geo_precision once located


def _segment(model, row: dict[str, Any], override, days: DueDays) -> dict[str, Any]:
    weight, potential, computed = model.scorer.score(row["custom"], row)
    segment = override["segment"] if override else computed
    out = {"computed_segment": computed, "weight_score": weight, "potential_score": potential,
           "model_version": model.version, "segment": segment, "next_due_at": row.get("next_due_at")}
    if row.get("last_visit_at") is not None:
        out["next_due_at"] = cadence.next_due_at(model.definition["cadence"], segment, row["last_visit_at"],
                                                 days=days, owner_id=row["owner_id"])
    return out


def _plan(creates, updates, owners, model, days: DueDays) -> Plan:
    """The rows to write: `creates` as [(line, values)], `updates` as [(line, stored, values)]."""
    days.load({owners[v["owner_email"]][0] if "owner_email" in v else current["owner_id"]  # one read, not one per owner
               for _line, current, v in updates if current["last_visit_at"] is not None})
    inserts, lines = [], []
    for line, values in creates:
        row = {c: values.get(c) for c in ACCOUNT_COLUMNS}
        row["tags"] = row["tags"] or []
        row["status"] = row["status"] or "prospect"
        row["owner_id"] = owners[values["owner_email"]][0]
        row["custom"] = {k[7:]: v for k, v in values.items() if k.startswith("custom.")}
        row.update(_segment(model, row, None, days))
        # custom keys are stamped one by one, as the sync engine merges them (PROTOCOL M7)
        row["_fields"] = [k for k in values if k != "owner_email"] + ["owner_id"]
        row["_fields"] += _locate(row, values, None)
        inserts.append(row)
        lines.append(line)
    built = []
    for line, current, values in updates:
        row = {c: current[c] for c in ACCOUNT_COLUMNS}
        row.update({k: v for k, v in values.items() if k in ACCOUNT_COLUMNS})
        row["owner_id"] = owners[values["owner_email"]][0] if "owner_email" in values else current["owner_id"]
        row["custom"] = {**(current["custom"] or {}), **{k[7:]: v for k, v in values.items() if k.startswith("custom.")}}
        row["last_visit_at"], row["next_due_at"] = current["last_visit_at"], current["next_due_at"]
        row.update(_segment(model, row, current["segment_override"], days))
        row["geo_precision"] = current["geo_precision"]
        _locate(row, values, current)
        built.append((current, row))
        lines.append(line)
    _locate_pending([*inserts, *(row for _c, row in built)])
    precision = {line: row.get("geo_precision") for line, row in zip(lines, [*inserts, *(row for _c, row in built)],
                                                                  strict=True)}
    changes = []
    for current, row in built:
        written = [k for k in (*ACCOUNT_COLUMNS, "owner_id", "geo_precision") if row[k] != current[k]]
        before = current["custom"] or {}
        written += [f"custom.{k}" for k, v in row["custom"].items() if before.get(k) != v]  # per key (M7)
        scored = ("segment", "computed_segment", "weight_score", "potential_score", "model_version", "next_due_at")
        if written or any(row[k] != current[k] for k in scored):
            changes.append((current, row, written))
    teams = {uid: team for uid, team in owners.values()}
    return Plan(inserts, changes, teams, precision)


def _locate(row: dict[str, Any], values: dict[str, Any], current: dict[str, Any] | None) -> list[str]:
    """Place the row: the file's lat/lon ("manual": given by the company), else its address
    located offline (server/geo), never over a stored manual position. The fields written."""
    if "lat" in values and "lon" in values:
        if current is not None and (values["lat"], values["lon"]) == (current["lat"], current["lon"]):
            return []  # the stored position sent back (an export imported again): not a new one
        row["geo_precision"] = "manual"
        return ["geo_precision"]
    if current is not None and (current["geo_precision"] == "manual" or not any(
            k in values and values[k] != current[k] for k in ("address", "postcode", "city"))):
        return []
    row["_locate"] = True  # located together, in one batch (_locate_pending)
    return ["lat", "lon", "geo_precision"]


def _locate_pending(rows: list[dict[str, Any]]) -> None:
    pending = [row for row in rows if row.pop("_locate", False)]
    positions = locate_many([(row.get("address"), row.get("postcode"), row.get("city")) for row in pending])
    for row, position in zip(pending, positions, strict=True):
        row["lat"], row["lon"] = (position.lat, position.lon) if position else (None, None)
        row["geo_precision"] = position.precision if position else None


def _located_counts(plan: Plan) -> dict[str, int]:
    counts = {"address": 0, "street": 0, "commune": 0, "manual": 0, "none": 0}
    rows = [*plan.inserts, *(row for _c, row, _w in plan.changes)]
    for row in rows:
        counts[row.get("geo_precision") or "none"] += 1
    return counts


def _write(session: Session, numbers, actor: Actor, plan: Plan) -> None:
    from sync.changes import now_ms
    now, ms = utcnow(), now_ms()
    total = len(plan.inserts) + len(plan.changes)
    if not total:
        return
    version = numbers.reserve(total)
    rows = []
    for row in plan.inserts:
        fields = row.pop("_fields")
        rows.append({**row, "id": new_id(), "version": version, "created_at": now, "updated_at": now,
                     "segment_override": None, "opening_hours": None, "last_visit_at": None,
                     "field_meta": {f: [version, ms, actor.id] for f in fields}})
        version += 1
    for start in range(0, len(rows), 1000):
        session.execute(insert(Account), rows[start:start + 1000])
    updates, moved = [], []
    for current, row, written in plan.changes:
        meta = dict(current["field_meta"] or {})
        meta.update({f: [version, ms, actor.id] for f in written})
        row.pop("last_visit_at", None)
        updates.append({**row, "id": current["id"], "version": version, "updated_at": now, "field_meta": meta})
        if row["owner_id"] != current["owner_id"]:
            moved.append((current["id"], current["owner_id"], row["owner_id"], version))
        version += 1
    for start in range(0, len(updates), 1000):
        session.execute(update(Account), updates[start:start + 1000])
    if moved:
        _leave_scopes(session, numbers, moved, plan.teams)
    _stale_tours(session, numbers, actor, plan, now=now, time_ms=ms)


def _stale_tours(session: Session, numbers, actor: Actor, plan: Plan, *, now, time_ms: int) -> None:
    """The kept tours of every rep the import gave, took or changed accounts of go stale from
    yesterday on (a day of slack for the reps' time zones): their due lists changed."""
    from types import SimpleNamespace

    from server.tours.service import portfolios_changed
    reps = {row["owner_id"] for row in plan.inserts}
    reps |= {owner for current, row, _w in plan.changes for owner in (current["owner_id"], row["owner_id"])}
    ctx = SimpleNamespace(session=session, numbers=numbers, time_ms=time_ms, actor=actor)
    portfolios_changed(ctx, {r for r in reps if r}, since=now.date() - timedelta(days=1))


def _leave_scopes(session: Session, numbers, moved: list[tuple[str, str, str, int]], teams) -> None:
    """P9: an account given to another rep leaves tombstones where it was; its contacts follow."""
    old_owners = {old for _, old, _, _ in moved}
    teams = {**teams, **dict(session.execute(select(User.id, User.team_id).where(User.id.in_(old_owners))).all())}
    left_of: dict[str, set[str]] = {}
    for account_id, old, new, version in moved:
        before = {f"rep:{old}", f"team:{teams.get(old)}"}
        after = {f"rep:{new}", f"team:{teams.get(new)}"}
        left_of[account_id] = {k for k in before - after if not k.endswith(":None")}
        numbers.tombstone("account", account_id, left_of[account_id], seq=version, deleted=False)
    contacts = session.execute(select(Contact.id, Contact.account_id).where(Contact.account_id.in_(list(left_of)))).all()
    if contacts:
        first = numbers.reserve(len(contacts))
        rows = [{"id": cid, "version": first + i} for i, (cid, _a) in enumerate(contacts)]
        session.execute(update(Contact), rows)
        for (cid, account_id), row in zip(contacts, rows, strict=True):
            numbers.tombstone("contact", cid, left_of[account_id], seq=row["version"], deleted=False)


def _label(definition: dict[str, Any], key: str) -> str:
    """A custom field's label in the request's language (definitions_by_key's [fr, en]), else its key."""
    french, english = definition.get("labels") or ("", "")
    return (english if language() == "en" and english else french) or key

"""Checking `custom` values against their definitions (API.md → Custom fields).

The known keys of an entity are its active definitions, plus (for accounts) the
criteria of the active commercial model that read `custom` and are not defined as
fields yet: the model's data stays writable as it always was, typed by its criterion.
`answers` (the questionnaire answers criteria may read, source "answer") stays an
object of its own.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.customfields.models import CustomField

# criterion type (server/segmentation/schemas.py TYPES) → the field type it behaves as
_CRITERION_TYPES = {"number": "number", "category": "text", "boolean": "boolean"}
_TEXT_MAX = 2000


def known_fields(session: Session, entity: str) -> dict[str, dict[str, Any]]:
    """key → {"type", "options", "required"} of what `custom` of `entity` may hold."""
    known: dict[str, dict[str, Any]] = {}
    if entity == "account":
        from server.segmentation.service import active_model
        for criterion in active_model(session).definition["criteria"]:
            if criterion.get("source", "custom") == "custom":
                known[criterion["field"]] = {"type": _CRITERION_TYPES.get(criterion.get("type") or "number", "text"),
                                             "options": None, "required": False}
        known["answers"] = {"type": "object", "options": None, "required": False}
    for definition in session.scalars(select(CustomField).where(CustomField.entity == entity,
                                                                CustomField.removed_at.is_(None))):
        known[definition.key] = {"type": definition.type, "options": definition.options,
                                 "required": definition.required}
    return known


def check(values: dict[str, Any], known: dict[str, dict[str, Any]], *, creating: bool) -> dict[str, list[str]]:
    """Errors by `custom.<key>`: unknown keys, wrong types, options not offered, required ones missing."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        definition = known.get(key)
        if definition is None:
            if value is not None:  # clearing a key nobody defines (any more) is always allowed
                errors[f"custom.{key}"] = ["Unknown custom field."]
        elif value is None:
            if definition["required"]:
                errors[f"custom.{key}"] = ["This field is required."]
        else:
            reason = _type_error(definition, value)
            if reason:
                errors[f"custom.{key}"] = [reason]
    if creating:
        for key, definition in known.items():
            if definition["required"] and values.get(key) is None:
                errors.setdefault(f"custom.{key}", ["This field is required."])
    return errors


def _type_error(definition: dict[str, Any], value: Any) -> str | None:
    kind, options = definition["type"], definition.get("options") or []
    if kind == "text":
        return None if isinstance(value, str) and len(value) <= _TEXT_MAX else "Not a valid text."
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
        return None if ok else "Not a valid number."
    if kind == "boolean":
        return None if isinstance(value, bool) else "Not a valid yes/no value."
    if kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return "Not a valid date (YYYY-MM-DD)."
        return None if len(value) == 10 else "Not a valid date (YYYY-MM-DD)."
    if kind == "choice":
        return None if value in options else "Not one of the offered choices."
    if kind == "choices":
        ok = isinstance(value, list) and all(item in options for item in value) and len(set(map(str, value))) == len(value)
        return None if ok else "Not a list of offered choices."
    if kind == "object":
        return None if isinstance(value, dict) else "Not a valid object."
    return "Unknown field type."


def from_cell(definition: dict[str, Any], raw: str) -> tuple[Any, str | None]:
    """A spreadsheet cell as the field's value: `(value, None)`, or `(None, reason)`.

    Dates as `YYYY-MM-DD` or French `DD/MM/YYYY`; choices matched whatever their case;
    multiple choices separated by `|` or `,`; yes/no as import reads them elsewhere."""
    from server.segmentation.scoring import parse_bool, parse_number
    kind, options = definition["type"], definition.get("options") or []
    if kind == "number":
        number = parse_number(raw)
        if number is None:
            return None, f"Not a number: {raw!r}."
        return (int(number) if number.is_integer() and abs(number) < 2**53 else number), None
    if kind == "boolean":
        flag = parse_bool(raw)
        return (flag, None) if flag is not None else (None, f"Not yes/no: {raw!r}.")
    if kind == "date":
        day, month, year = (raw.split("/") + ["", ""])[:3] if "/" in raw else ("", "", "")
        text = f"{year}-{month.zfill(2)}-{day.zfill(2)}" if "/" in raw else raw
        return (text, None) if _type_error(definition, text) is None else (None, f"Not a date: {raw!r}.")
    if kind in ("choice", "choices"):
        by_fold = {str(o).casefold(): o for o in options}
        parts = [p.strip() for p in raw.replace("|", ",").split(",") if p.strip()] if kind == "choices" else [raw]
        chosen = [by_fold.get(p.casefold()) for p in parts]
        if None in chosen:
            return None, f"Not one of the offered choices: {raw!r}."
        return (chosen if kind == "choices" else chosen[0]), None
    return raw, (None if len(raw) <= _TEXT_MAX else f"Longer than {_TEXT_MAX} characters.")


def definitions_by_key(session: Session, entity: str) -> dict[str, dict[str, Any]]:
    """The active definitions of `entity` as import reads them: key → {type, options, labels}."""
    return {d.key: {"type": d.type, "options": d.options, "required": d.required,
                    "labels": [d.label.get("fr", ""), d.label.get("en", "")]}
            for d in session.scalars(select(CustomField).where(CustomField.entity == entity,
                                                               CustomField.removed_at.is_(None)))}


def missing_required(types: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """The required custom fields (`types` as definitions_by_key gives them) that an imported
    line creating a record leaves without a value (`values` keyed `custom.<key>`), by key."""
    return [key for key, kind in types.items()
            if isinstance(kind, dict) and kind.get("required") and values.get(f"custom.{key}") is None]

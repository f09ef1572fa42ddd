"""Field-level merge of one mutation against the stored record (PROTOCOL M1–M7).

Pure: reads the record's current values and `field_meta`, decides per field (per
key for map fields such as `custom`), and returns what to write, which field names
to stamp, and what was in conflict. The caller writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.registry import MAP, SET, split_field

@dataclass
class FieldConflict:
    field: str
    yours: Any
    theirs: Any
    kept: str  # "yours" | "theirs"
    theirs_author: str | None

    def as_result(self, plain) -> dict[str, Any]:
        return {"field": self.field, "yours": plain(self.yours), "theirs": plain(self.theirs), "kept": self.kept}

@dataclass
class MergeOutcome:
    writes: dict[str, Any] = field(default_factory=dict)
    # the names whose field_meta the write stamps: fields, and "field.key" for map keys (M7)
    stamps: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)
    others_changed: bool = False  # another field changed since base_version

    @property
    def status(self) -> str:
        if self.conflicts:
            return "conflict"
        return "merged" if self.others_changed else "applied"

def apply_set_op(current: list[Any] | None, op: dict[str, list[Any]]) -> list[Any]:
    """M6: tags and other set fields: add then remove, order of first appearance kept."""
    result = list(current or [])
    for item in op.get("add", []):
        if item not in result:
            result.append(item)
    removed = set(op.get("remove", []))
    return [item for item in result if item not in removed]

def apply_map_op(current: dict[str, Any] | None, op: dict[str, Any]) -> dict[str, Any]:
    """M7: a map field changes only the keys named; `None` removes a key."""
    result = dict(current or {})
    for key, value in op.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def stamp_names(values: dict[str, Any], policies: dict[str, str]) -> list[str]:
    """The field_meta names a create writes: each map key on its own (M7)."""
    names: list[str] = []
    for name, value in values.items():
        if policies.get(name) == MAP and isinstance(value, dict):
            names.extend(f"{name}.{key}" for key in value)
        else:
            names.append(name)
    return names


def read(record, name: str) -> Any:
    """The stored value of a field, or of one key of a map field (`custom.k`)."""
    field_name, key = split_field(name)
    value = getattr(record, field_name)
    return (value or {}).get(key) if key is not None else value


def as_changes(name: str, value: Any) -> dict[str, Any]:
    """A field name as the conflict log holds it, back into a mutation's changes."""
    field_name, key = split_field(name)
    return {field_name: {key: value}} if key is not None else {field_name: value}


def merge(*, record, values: dict[str, Any], policies: dict[str, str], base_version: int | None,
          time_ms: int, client_id: str | None = None, real_version: int | None = None) -> MergeOutcome:
    """`real_version`: the record's version as a change number, when `record.version` is a
    provisional one (C4); a base above it comes from the future."""
    meta: dict[str, list] = record.field_meta or {}
    # M1: no base (online edit) or a base from the future: the record as it is now.
    now = record.version if real_version is None else real_version
    base = record.version if base_version is None or base_version > now else base_version
    outcome = MergeOutcome()
    touched: set[str] = set()
    for name, value in values.items():
        touched.add(name)
        if policies.get(name) == SET:  # M6: both sides' additions and removals are kept
            outcome.others_changed |= _concurrent(meta.get(name), base, client_id)
            current = getattr(record, name)
            new = apply_set_op(current, value)
            if new != list(current or []):
                outcome.writes[name] = new
                outcome.stamps.append(name)
            continue
        if policies.get(name) == MAP:  # M7: every key is a field of its own
            new = dict(getattr(record, name) or {})
            for key, sub_value in value.items():
                sub = f"{name}.{key}"
                touched.add(sub)
                if _merge_value(outcome, meta, sub, sub_value, new.get(key), base, time_ms, client_id):
                    new = apply_map_op(new, {key: sub_value})
                    outcome.stamps.append(sub)
            if new != (getattr(record, name) or {}):
                outcome.writes[name] = new
            continue
        if _merge_value(outcome, meta, name, value, getattr(record, name), base, time_ms, client_id):
            outcome.writes[name] = value
            outcome.stamps.append(name)
    for name, last in meta.items():
        if name not in touched and _concurrent(last, base, client_id):
            outcome.others_changed = True
            break
    return outcome


def _merge_value(outcome: MergeOutcome, meta: dict[str, list], name: str, value: Any, current: Any,
                 base: int, time_ms: int, client_id: str | None) -> bool:
    """M3, M4 for one field or map key: whether `value` is written."""
    last = meta.get(name)
    if not _concurrent(last, base, client_id):  # M3
        return value != current
    if value == current:  # both sides typed the same thing: nothing to decide
        outcome.others_changed = True
        return False
    # M4: later clamped client time wins; a tie keeps the server's value.
    yours_wins = time_ms > last[1]
    outcome.conflicts.append(FieldConflict(name, value, current, "yours" if yours_wins else "theirs",
                                           last[2] if len(last) > 2 else None))
    return yours_wins


def _concurrent(last: list | None, base: int, client_id: str | None) -> bool:
    """Changed since the client's base by someone else. A device's own earlier mutations
    came before this one in its outbox, so they are not concurrent with it (C3)."""
    if not last or last[0] <= base:
        return False
    return client_id is None or len(last) < 4 or last[3] != client_id

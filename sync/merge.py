"""Field-level merge of one mutation against the stored record (PROTOCOL M1–M6).

Pure: reads the record's current values and `field_meta`, decides per field,
and returns what to write and what was in conflict. The caller writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.registry import SET

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

def merge(*, record, values: dict[str, Any], policies: dict[str, str], base_version: int | None,
          time_ms: int, client_id: str | None = None) -> MergeOutcome:
    meta: dict[str, list] = record.field_meta or {}
    # M1: no base (online edit) or a base from the future: the record as it is now.
    base = record.version if base_version is None or base_version > record.version else base_version
    outcome = MergeOutcome()
    for name, value in values.items():
        current = getattr(record, name)
        last = meta.get(name)
        changed_since = _concurrent(last, base, client_id)
        if policies.get(name) == SET:  # M6: both sides' additions and removals are kept
            outcome.others_changed |= changed_since
            new = apply_set_op(current, value)
            if new != list(current or []):
                outcome.writes[name] = new
            continue
        if not changed_since:  # M3
            if value != current:
                outcome.writes[name] = value
            continue
        if value == current:  # both sides typed the same thing: nothing to decide
            outcome.others_changed = True
            continue
        # M4: later clamped client time wins; a tie keeps the server's value.
        yours_wins = time_ms > last[1]
        outcome.conflicts.append(FieldConflict(name, value, current, "yours" if yours_wins else "theirs",
                                               last[2] if len(last) > 2 else None))
        if yours_wins:
            outcome.writes[name] = value
    for name, last in meta.items():
        if name not in values and _concurrent(last, base, client_id):
            outcome.others_changed = True
            break
    return outcome


def _concurrent(last: list | None, base: int, client_id: str | None) -> bool:
    """Changed since the client's base by someone else. A device's own earlier mutations
    came before this one in its outbox, so they are not concurrent with it (C3)."""
    if not last or last[0] <= base:
        return False
    return client_id is None or len(last) < 4 or last[3] != client_id

"""Linking a create to the record it duplicates (PROTOCOL P10).

Two tablets created the same company offline: the second create does not make a second
record. Its id becomes an alias of the first record, its values fill what the record
lacks, and each value that differs is filed in the conflict log (M5), so nothing typed is
lost and the rep sees, and may restore, what the merge set aside.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from server.db import utcnow
from sync.conflicts import file_lost_values
from sync.merge import FieldConflict, apply_map_op, apply_set_op
from sync.models import RecordAlias
from sync.registry import MAP, SET, EntitySpec, _plain

# Fields a linked create never changes on the record it joins: who owns it, where it stands.
_KEPT = frozenset({"owner_id", "status"})


def link(ctx, spec: EntitySpec, mutation: dict[str, Any], values: dict[str, Any], record) -> dict[str, Any]:
    """Make the mutation's id an alias of `record` and merge its values in; the result names
    the record (`id`) and the alias (`linked_from`)."""
    ctx.session.execute(insert(RecordAlias), [{"entity": spec.name, "alias_id": mutation["id"],
                                               "record_id": record.id, "at": utcnow()}])
    ctx.known[(spec.name, mutation["id"])] = record
    ctx.taken_ids.add((spec.name, mutation["id"]))
    writes, stamps, conflicts = _fill(spec, record, values)
    for name, value in writes.items():
        setattr(record, name, value)
    # A new version even when nothing was added: the linking tablet pulls the record it joined.
    ctx.numbers.stamp(record, stamps, time_ms=ctx.time_ms, user_id=ctx.actor.id, client_id=ctx.client_id)
    if spec.after_change and writes:
        spec.after_change(ctx, record, "update")
    file_lost_values(ctx.session, entity=spec.name, record_id=record.id, actor_id=ctx.actor.id,
                     mutation_id=mutation["mutation_id"], conflicts=conflicts)
    result = {"mutation_id": mutation["mutation_id"], "status": "conflict" if conflicts else "merged",
              "id": record.id, "version": record.version, "linked_from": mutation["id"]}
    if conflicts:
        result["conflicts"] = [c.as_result(_plain) for c in conflicts]
    return result


def _fill(spec: EntitySpec, record, values: dict[str, Any]):
    """What the create adds to the record: empty fields and absent keys take its values; sets
    are united; a different value already there stays, and the create's goes to the log."""
    writes: dict[str, Any] = {}
    stamps: list[str] = []
    conflicts: list[FieldConflict] = []
    for name, value in values.items():
        if name in _KEPT or name not in spec.policies or value in (None, "", [], {}):
            continue
        current = getattr(record, name)
        policy = spec.policies[name]
        if policy == SET:
            new = apply_set_op(current, {"add": list(value)})
            if new != list(current or []):
                writes[name] = new
                stamps.append(name)
        elif policy == MAP:
            merged = dict(current or {})
            for key, sub in value.items():
                if merged.get(key) is None:
                    merged = apply_map_op(merged, {key: sub})
                    stamps.append(f"{name}.{key}")
                elif merged[key] != sub:
                    conflicts.append(FieldConflict(f"{name}.{key}", sub, merged[key], "theirs", None))
            if merged != (current or {}):
                writes[name] = merged
        elif current in (None, ""):
            writes[name] = value
            stamps.append(name)
        elif current != value:
            conflicts.append(FieldConflict(name, value, current, "theirs", None))
    return writes, stamps, conflicts

"""Custom field definitions: list, define, change, remove, and purge the stored values of a removed one."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.customfields.models import CustomField
from server.db import utcnow
from server.errors import IdConflict, Invalid, NotFound
from server.segmentation.service import NotAllowed


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotAllowed("Only managers and admins manage custom fields.")


def definitions(session: Session, *, entity: str | None = None) -> list[CustomField]:
    """The active definitions, in display order."""
    stmt = select(CustomField).where(CustomField.removed_at.is_(None))
    if entity:
        stmt = stmt.where(CustomField.entity == entity)
    return list(session.scalars(stmt.order_by(CustomField.entity, CustomField.position, CustomField.key)))


def find(session: Session, ref: str, entity: str | None = None) -> CustomField:
    """An active definition by id, or by key (with `entity` when both entities use the key)."""
    stmt = select(CustomField).where(CustomField.removed_at.is_(None))
    found = session.scalars(stmt.where(CustomField.id == ref)).first()
    if found is not None:
        return found
    matches = list(session.scalars(stmt.where(CustomField.key == ref)))
    if entity:
        matches = [m for m in matches if m.entity == entity]
    if len(matches) > 1:
        raise Invalid("Both accounts and contacts have this key: say which.", errors={"entity": ["Required."]})
    if not matches:
        raise NotFound(f"No custom field {ref}.")
    return matches[0]


def create(*, session: Session, actor: Actor, data: dict[str, Any]) -> CustomField:
    """A new definition; a key already defined for the entity → 409 (`id_conflict`).

    A key removed earlier but not purged comes back with its stored values."""
    require_staff(actor)
    existing = session.scalars(select(CustomField).where(CustomField.entity == data["entity"],
                                                         CustomField.key == data["key"])).first()
    if existing is not None and existing.removed_at is None:
        raise IdConflict(f"The {data['entity']} field {data['key']} exists.", errors={"key": ["Already defined."]})
    if existing is None:
        existing = CustomField(**data)
        session.add(existing)
    else:
        for name, value in data.items():
            setattr(existing, name, value)
        existing.removed_at = None
    session.flush()
    return existing


def update(*, session: Session, actor: Actor, definition: CustomField, data: dict[str, Any]) -> CustomField:
    """Apply `data` (the PATCH fields) once the whole result is checked: nothing changes on a refusal (422).

    Options changed without `option_labels`: the labels of the options dropped go with them."""
    require_staff(actor)
    state = {name: getattr(definition, name) for name in ("type", "options", "option_labels")} | data
    if state["type"] not in ("choice", "choices"):
        state["options"] = state["option_labels"] = None
    elif not state["options"]:
        raise Invalid("A choice field needs its options.", errors={"options": ["Required."]})
    labels = state["option_labels"]
    if "option_labels" not in data and labels:
        labels = state["option_labels"] = {o: v for o, v in labels.items() if o in state["options"]} or None
    if labels and set(labels) - set(state["options"] or []):
        raise Invalid("Labels only for the offered options.", errors={"option_labels": ["Not one of the options."]})
    for name, value in (data | state).items():
        setattr(definition, name, value)
    session.flush()
    return definition


def remove(*, session: Session, actor: Actor, definition: CustomField) -> None:
    """The field is no longer offered nor accepted; stored values stay readable (exports) until purged."""
    require_staff(actor)
    definition.removed_at = utcnow()


def purge(*, session: Session, actor: Actor, entity: str, key: str) -> int:
    """Remove the stored values of a removed field from every record in the caller's scope,
    through the sync engine (each record gets a new version, so tablets drop the key too).
    Returns the number of records changed."""
    require_staff(actor)
    from server.scope import scoped
    from sync.push import apply_online

    definition = session.scalars(select(CustomField).where(CustomField.entity == entity,
                                                           CustomField.key == key)).first()
    if definition is not None and definition.removed_at is None:
        raise Invalid("Remove the field before purging its values.", errors={"key": ["Still defined."]})
    records = [r for r in session.scalars(scoped(entity, actor)) if key in (r.custom or {})]
    for record in records:
        apply_online(session=session, actor=actor, entity=entity, op="update", record_id=record.id,
                     changes={"custom": {key: None}})
    if definition is not None:
        session.delete(definition)
    return len(records)

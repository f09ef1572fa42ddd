"""The commercial model's rules: versions, explanation, coverage and segment overrides.

- The active model is the one version with `active = true`. With none stored yet, the
  default (defaults.py plus schemas.DEFAULT_FOLLOW_UPS) is shown as version 1 and stored as
  version 1 on the first write, so version numbers never jump.
- `put_model` validates, stores a new version, activates it, keeps the old ones and
  recomputes every account (recompute.py) in the same transaction.
- Roles: every role reads the model; only managers and admins change it or manage
  overrides. Any other role gets **403** (`NotAllowed`): the action is forbidden, no
  object is being probed (objects outside the caller's scope still answer 404).
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from marshmallow import ValidationError
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session, scoped_session

from server.accounts.models import Account
from server.actor import Actor
from server.agenda.workdays import DueDays
from server.db import utcnow
from server.errors import Invalid, NotFound, Problem, validation_errors
from server.i18n import localized
from server.scope import condition, get_in_scope
from server.segmentation import cadence
from server.segmentation.defaults import default_definition
from server.segmentation.models import CommercialModel
from server.segmentation.schemas import FIELD_SOURCES, load_definition, normalise
from server.segmentation.scoring import Scorer, is_present, read_value
from server.users import revocation

# Account fields the segment depends on: a change to one of them rescores the account.
SCORED_FIELDS = ("custom", "segment_override", *FIELD_SOURCES)
_CACHE = "segmentation.active_model"


class NotAllowed(Problem):
    """An action the caller's role may not take (a rep changing the model)."""

    status, kind, title = 403, "forbidden", "Forbidden"


class NoOverride(Problem):
    status, kind, title = 409, "no_override", "No segment override"


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise NotAllowed("Only managers and admins may do this.")


class StoredModel(NamedTuple):
    """The stored row of a model version, as plain values: an `ActiveModel` is shared
    between requests (each worker keeps one, see `active_model`), an ORM instance is not."""

    id: str
    definition: dict[str, Any]  # as stored (`ActiveModel.definition` is its normalised form)
    created_at: datetime
    created_by: str | None
    note: str | None


@dataclass(frozen=True)
class ActiveModel:
    version: int
    definition: dict[str, Any]
    scorer: Scorer
    stored: StoredModel | None  # None: the default model, not stored yet


def initial_definition() -> dict[str, Any]:
    """defaults.py's model, with the default follow-up (schemas.DEFAULT_FOLLOW_UPS)."""
    return normalise(default_definition())


# Built once: a visit's push reads it (its follow-ups and cadence).
_ACTIVE = (select(CommercialModel.version, CommercialModel.id, CommercialModel.definition, CommercialModel.created_at,
                  CommercialModel.created_by, CommercialModel.note)
           .where(CommercialModel.active.is_(True)).order_by(CommercialModel.version.desc()).limit(1))


def active_model(session: Session) -> ActiveModel:
    """The active model, compiled: the one this transaction read already, else the one this
    worker keeps for the sign-in epoch its request read (server/users/revocation.py: every
    change to a model row raises that epoch), else read from the database.

    Reading it (a row with the whole definition, decoded) was about a millisecond of CPU,
    an eighth of a one-visit push (bench_writes); a model changes a few times a year."""
    session = _real(session)
    model = cached_active_model(session)
    if model is not None:
        return model
    row = session.execute(_ACTIVE).first()
    stored = StoredModel(row.id, row.definition, row.created_at, row.created_by, row.note) if row else None
    definition, scorer = _compiled(stored.definition if stored else None)
    model = ActiveModel(row.version if row else 1, definition, scorer, stored)
    session.info[_CACHE] = (session.get_transaction(), model)
    revocation.keep_model(model)
    return model


def cached_active_model(session: Session) -> ActiveModel | None:
    """The active model if this transaction has read it already (`active_model`) or the
    worker keeps it for the epoch this request read, else None (no query)."""
    session = _real(session)
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE)
    if transaction is not None and cached is not None and cached[0] is transaction:
        return cached[1]
    model = revocation.kept_model()
    if model is not None and transaction is not None:
        session.info[_CACHE] = (transaction, model)
    return model


# The last definitions compiled by this process, keyed by their stored JSON: normalising
# one (a marshmallow load of every criterion) and building its scorer cost more than the
# rest of a one-visit push together, and the stored definition changes only with a new
# model version. Keyed by content, not by version, so no write can leave it stale.
_compiled_cache: dict[bytes, tuple[dict[str, Any], Scorer]] = {}
_compiled_lock = threading.Lock()


def _compiled(stored_definition: dict[str, Any] | None) -> tuple[dict[str, Any], Scorer]:
    """(normalised definition, scorer) for a stored definition (None: the default one).
    Shared between requests: callers read them and never change them in place."""
    try:
        key = orjson.dumps(stored_definition, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson refuses (an integer past 64 bits): the standard library's text
        key = json.dumps(stored_definition, sort_keys=True).encode()
    found = _compiled_cache.get(key)
    if found is None:
        definition = normalise(stored_definition) if stored_definition is not None else initial_definition()
        found = (definition, Scorer(definition))
        with _compiled_lock:
            if len(_compiled_cache) >= 8:  # a few versions at once (tests, a model change)
                _compiled_cache.clear()
            _compiled_cache[key] = found
    return found


def forget_cached_model(session: Session) -> None:
    _real(session).info.pop(_CACHE, None)


def _real(session) -> Session:
    """The Session behind Flask-SQLAlchemy's scoped proxy (it lacks get_transaction)."""
    return session() if isinstance(session, scoped_session) else session


def ensure_stored(session: Session) -> ActiveModel:
    """The active model, stored as version 1 first when the database has none."""
    model = active_model(session)
    if model.stored is None:
        session.add(CommercialModel(version=1, active=True, definition=model.definition, note="Modèle par défaut"))
        session.flush()
        forget_cached_model(session)
        model = active_model(session)
    return model


def model_document(model: ActiveModel) -> dict[str, Any]:
    """What GET /api/commercial-model answers: the definition, with its version on top.

    The definition is the one to edit: each criterion's `label` as the model keeps it (one
    text, or `{"fr", "en"}` so that an editor shows both), not resolved for the reader."""
    stored = model.stored
    meta = {"version": model.version, "active": True,
            "created_at": _iso(stored.created_at) if stored else None,
            "created_by": stored.created_by if stored else None, "note": stored.note if stored else None}
    return {**meta, **model.definition}


def candidate_definition(session: Session, body: Any) -> tuple[dict[str, Any], str | None]:
    """A definition sent by a client, validated against the active one; and its note."""
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.", errors={"_schema": ["Expected an object."]})
    body = dict(body)
    note = body.pop("note", None)
    if note is not None and (not isinstance(note, str) or len(note) > 500):
        raise Invalid("The note must be text of at most 500 characters.", errors={"note": ["Invalid note."]})
    try:
        return load_definition(body, base=active_model(session).definition), note
    except ValidationError as exc:
        raise Invalid("The commercial model has invalid fields.", errors=validation_errors(exc)) from None


def put_model(*, session: Session, actor: Actor, body: Any) -> tuple[ActiveModel, dict[str, Any]]:
    """Store a new version, activate it (old versions stay) and recompute every account."""
    from server.segmentation.recompute import recompute
    require_staff(actor)
    definition, note = candidate_definition(session, body)
    from sync.changes import numbers_for
    numbers_for(session)  # C1: lock the counter first; concurrent PUTs take turns here
    ensure_stored(session)
    latest = session.scalar(select(func.max(CommercialModel.version))) or 0
    session.execute(update(CommercialModel).where(CommercialModel.active.is_(True)).values(active=False))
    session.add(CommercialModel(version=latest + 1, active=True, definition=definition,
                                created_by=actor.id, note=note))
    session.flush()
    forget_cached_model(session)
    model = active_model(session)
    summary = recompute(session=session, model=model)
    return model, summary


def versions(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(CommercialModel).order_by(CommercialModel.version.desc()))
    out = [{"version": m.version, "active": m.active, "created_at": _iso(m.created_at),
            "created_by": m.created_by, "note": m.note} for m in rows]
    if not out:  # nothing stored: the default, as GET shows it
        out = [{"version": 1, "active": True, "created_at": None, "created_by": None, "note": "Modèle par défaut"}]
    return out


def columns_of(account: Account) -> dict[str, Any]:
    return {name: getattr(account, name) for name in FIELD_SOURCES}


def explanation(*, session: Session, actor: Actor, account_id: str) -> dict[str, Any]:
    """Why an account is in its segment (API.md → Commercial model), from the active model:
    `{account_id, segment, computed_segment, override, model_version, axes, criteria: [{key,
    label, axis, value, points, max_points, weight, contribution}]}`, each `label` a text in the
    reader's language (i18n.localized). An account outside the caller's scope → NotFound (404)."""
    account = get_in_scope(session, "account", account_id, actor)
    if account is None:
        raise NotFound(f"No account {account_id}.")
    model = active_model(session)
    scored = model.scorer.explain(account.custom, columns_of(account))
    override = account.segment_override or None
    thresholds = model.scorer.thresholds
    return {
        "account_id": account.id,
        "segment": override["segment"] if override else scored.segment,
        "computed_segment": scored.segment,
        "override": override,
        "model_version": model.version,
        "axes": {axis: {"score": getattr(scored, axis), "threshold": thresholds[axis]}
                 for axis in ("weight", "potential")},
        "criteria": [{"key": c.key, "label": localized(c.label), "axis": c.axis, "value": c.value, "points": c.points,
                      "max_points": c.max_points, "weight": c.weight, "contribution": c.contribution}
                     for c in scored.criteria],
    }


def coverage(*, session: Session, actor: Actor) -> dict[str, Any]:
    """Per criterion, the share of the caller's accounts that have the data (one query):
    `{model_version, accounts, criteria: [{key, label, axis, present, share}]}`, each `label` a
    text in the reader's language (i18n.localized)."""
    model = active_model(session)
    criteria = model.definition["criteria"]
    needed = sorted({c["field"] for c in criteria if c["source"] == "field"})
    stmt = select(Account.custom, *(getattr(Account, n) for n in needed)).where(condition("account", actor))
    present, total = [0] * len(criteria), 0
    for row in session.execute(stmt):
        total += 1
        columns = dict(zip(needed, row[1:], strict=True))
        for i, criterion in enumerate(criteria):
            if is_present(read_value(criterion, row[0], columns)):
                present[i] += 1
    return {"model_version": model.version, "accounts": total, "criteria": [
        {"key": c["key"], "label": localized(c["label"]), "axis": c["axis"], "present": present[i],
         "share": round(present[i] / total, 4) if total else 0.0} for i, c in enumerate(criteria)]}


def rescore(session: Session, account: Account, days: DueDays | None = None) -> bool:
    """Score one account with the active model; True when something changed.

    Sets `computed_segment`, the axis scores and `model_version`; `segment` is the
    override's when there is one; `next_due_at` follows the segment's cadence, on a day
    the owner works (`days`: a push passes its own, read once; else one is made).
    """
    model = active_model(session)
    weight, potential, computed = model.scorer.score(account.custom, columns_of(account))
    override = account.segment_override
    values = {"computed_segment": computed, "weight_score": weight, "potential_score": potential,
              "model_version": model.version, "segment": override["segment"] if override else computed}
    if account.last_visit_at is not None:
        values["next_due_at"] = cadence.next_due_at(model.definition["cadence"], values["segment"],
                                                    account.last_visit_at, owner_id=account.owner_id,
                                                    days=days or DueDays(session, absences=False))
    changed = False
    for name, value in values.items():
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed = True
    return changed


def scored_fields_changed(account: Account) -> bool:
    state = inspect(account)
    return state.pending or any(state.attrs[name].history.has_changes() for name in SCORED_FIELDS)


def overrides(*, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Accounts of the manager's team (all, for an admin) whose segment a rep overrode."""
    require_staff(actor)
    stmt = (select(Account.id, Account.name, Account.owner_id, Account.segment, Account.computed_segment,
                   Account.segment_override, Account.weight_score, Account.potential_score)
            .where(condition("account", actor), Account.segment_override.is_not(None)).order_by(Account.name))
    out = []
    for row in session.execute(stmt):
        if not row.segment_override:  # JSON null stored as 'null' on some backends
            continue
        out.append({"account_id": row.id, "name": row.name, "owner_id": row.owner_id, "segment": row.segment,
                    "computed_segment": row.computed_segment, "override": row.segment_override,
                    "weight_score": row.weight_score, "potential_score": row.potential_score,
                    "accepted": bool(row.segment_override.get("accepted_at"))})
    return out


def accept_override(*, session: Session, actor: Actor, account_id: str) -> Account:
    """The manager agrees with the rep: the override stays, marked accepted."""
    require_staff(actor)
    account = _overridden(session, actor, account_id)
    account.segment_override = {**account.segment_override, "accepted_by": actor.id, "accepted_at": _iso(utcnow())}
    session.flush()  # the ORM safety net gives the change its version (sync/changes.py)
    return account


def revert_override(*, session: Session, actor: Actor, account_id: str) -> Account:
    """The manager disagrees: the override goes, through the sync engine, and the computed segment applies."""
    from sync.push import apply_online
    require_staff(actor)
    account = _overridden(session, actor, account_id)
    apply_online(session=session, actor=actor, entity="account", op="update", record_id=account.id,
                 changes={"segment_override": None})
    return account


def _overridden(session: Session, actor: Actor, account_id: str) -> Account:
    account = get_in_scope(session, "account", account_id, actor, for_update=True)
    if account is None:
        raise NotFound(f"No account {account_id}.")
    if not account.segment_override:
        raise NoOverride("This account's segment is not overridden.")
    return account


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None

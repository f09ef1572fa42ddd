"""Is this sign-in still good? One tiny read per request instead of a join.

Every request with a token used to load the user, its family and its technical teams
(an ORM join: a quarter of a hot read's CPU). Now each worker keeps, per token
family, the actor it last checked, and trusts it while the sign-in epoch has not
moved: one primary-key read of one integer.

The epoch (`auth_epoch`, one row) is raised in the same transaction as every change
that can end or alter a sign-in: a family revoked (logout, refresh reuse, password
change, deactivation: `bump` from server/users/tokens.py) and any change to a user
row (role, team, technical teams, active, password: `_bump_on_kept_change`, a
before_flush hook). So a revocation committed by any worker, on any host, is seen by
the very next request everywhere, without a shared cache: that request reads the new
epoch, drops its kept actors and checks the database again. Kept actors also expire
after AUTH_CACHE_SECONDS, a bound on anything changed behind the application's back.

The same epoch guards each worker's copy of the active commercial model
(server/segmentation/service.py `active_model`): a change to a model row raises it too,
and a request uses the kept model only when the epoch it read is the one the model was
kept under. A transaction that raises the epoch stops trusting the one it read.

A missing row (a database emptied by hand) reads as 0; `bump` creates it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from server.actor import Actor
from server.segmentation.models import CommercialModel
from server.users.models import AuthEpoch, TokenFamily, User

_READ = select(AuthEpoch.value).where(AuthEpoch.id == 1)  # built once: no per-request construction
_RAISE = update(AuthEpoch).where(AuthEpoch.id == 1).values(value=AuthEpoch.value + 1)
MAX_KEPT = 10_000  # families kept per worker; past it the cache starts again empty
_EPOCH_READ = "auth_epoch"  # flask.g: the epoch this request read first


@dataclass
class Kept:
    user_id: str
    family_created_at: datetime
    actor: Actor
    until: float  # time.monotonic() after which the database is asked again


@dataclass
class SignIns:
    """One worker's kept sign-ins, and its active commercial model, valid for one epoch."""

    epoch: int = -1
    families: dict[str, Kept] = field(default_factory=dict)
    model: tuple[Any, float] | None = None  # (ActiveModel, time.monotonic() it expires at)


def read_epoch(session: Session) -> int:
    """The current epoch (0 when the row is missing), read on the session's connection."""
    return session.connection().execute(_READ).scalar() or 0


def bump(session: Session) -> None:
    """Raise the epoch in the caller's transaction: every worker's kept sign-ins (and model)
    are dropped at the first request after the commit. This request no longer trusts the
    epoch it read: what it changed is not what was kept under it."""
    if has_app_context():
        g.pop(_EPOCH_READ, None)
    if session.execute(_RAISE).rowcount == 0:
        stmt = insert(AuthEpoch).values(id=1, value=1)
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert
            stmt = pg_insert(AuthEpoch).values(id=1, value=1).on_conflict_do_nothing()
        else:
            stmt = stmt.prefix_with("OR IGNORE")
        if session.execute(stmt).rowcount == 0:  # another transaction created it meanwhile
            session.execute(_RAISE)


def sign_ins(app: Flask) -> SignIns:
    return app.extensions.setdefault("tournee_sign_ins", SignIns())


def kept_actor(session: Session, *, family_id: str, user_id: str) -> tuple[int, Actor | None, datetime | None]:
    """(epoch, actor, family's creation) of a kept sign-in still valid; actor None when the
    database must be asked (then `keep` with the epoch returned here, read before that check)."""
    epoch = read_epoch(session)
    setattr(g, _EPOCH_READ, epoch)  # what this request may trust kept values for (kept_model)
    app = current_app._get_current_object()
    cache = sign_ins(app)
    if cache.epoch != epoch:
        app.extensions["tournee_sign_ins"] = SignIns(epoch=epoch)
        return epoch, None, None
    kept = cache.families.get(family_id)
    if kept is None or kept.user_id != user_id or kept.until < time.monotonic():
        return epoch, None, None
    return epoch, kept.actor, kept.family_created_at


def keep(*, epoch: int, family_id: str, user_id: str, family_created_at: datetime, actor: Actor) -> None:
    """Remember a sign-in checked against the database while the epoch was `epoch`."""
    app = current_app._get_current_object()
    cache = sign_ins(app)
    if cache.epoch != epoch:
        return  # the epoch moved while checking: keep nothing from an older state
    if len(cache.families) >= MAX_KEPT:
        cache.families.clear()
    cache.families[family_id] = Kept(user_id, family_created_at, actor,
                                     time.monotonic() + app.config["AUTH_CACHE_SECONDS"])


def kept_model() -> Any:
    """The active commercial model this worker keeps for the epoch this request read, or
    None (outside a request with a token, after the epoch moved, or past AUTH_CACHE_SECONDS)."""
    if not has_app_context():
        return None
    epoch = g.get(_EPOCH_READ)
    kept = sign_ins(current_app).model
    if epoch is None or kept is None or sign_ins(current_app).epoch != epoch or kept[1] < time.monotonic():
        return None
    return kept[0]


def keep_model(model: Any) -> None:
    """Keep `model` (read after this request read the epoch) for that epoch."""
    if not has_app_context() or (epoch := g.get(_EPOCH_READ)) is None:
        return
    app = current_app._get_current_object()
    cache = sign_ins(app)
    if cache.epoch == epoch:
        cache.model = (model, time.monotonic() + app.config["AUTH_CACHE_SECONDS"])


def _bump_on_kept_change(session: Session, _context, _instances) -> None:
    """A user changed or deleted, a family revoked through the ORM, or a commercial model
    stored or changed: raise the epoch."""
    if any(isinstance(obj, CommercialModel) for obj in (*session.new, *session.dirty, *session.deleted)):
        return bump(session)
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, User) and (obj in session.deleted or session.is_modified(obj)):
            return bump(session)
        if isinstance(obj, TokenFamily) and (obj in session.deleted
                                             or inspect(obj).attrs.revoked_at.history.has_changes()):
            return bump(session)


def install(session_class=Session) -> None:
    """Hook the epoch into every session's flush (once)."""
    if not event.contains(session_class, "before_flush", _bump_on_kept_change):
        event.listen(session_class, "before_flush", _bump_on_kept_change)

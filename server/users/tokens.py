"""Token families: issue, rotate and revoke JWT pairs; the JWT callbacks.

A family is one sign-in on one device. Every token carries the family id (`fam`);
revoking the family row (in the database, so every worker sees it) ends both the
access and the refresh tokens of that sign-in. Refresh tokens rotate: the family
keeps the jti of the only refresh token that may be used next.

Tokens are signed here with PyJWT, with the claims flask-jwt-extended reads back
(`sub`, `type`, `jti`, `fresh`), so that a pair can be signed again byte for byte.
"""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import jwt as pyjwt
from flask import current_app, g
from flask_jwt_extended import JWTManager
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from server.actor import Actor
from server.db import utcnow
from server.errors import PROBLEM_BASE, Unauthorized, problem_response
from server.extensions import db
from server.users import revocation
from server.users.models import TokenFamily, User


def issue_pair(*, session, user: User) -> dict[str, str]:
    """Start a new family for `user` and return its first pair (the caller commits)."""
    recipe = _new_recipe()
    family = TokenFamily(user_id=user.id, current_jti=recipe["refresh_jti"], generation=0)
    session.add(family)
    session.flush()
    return _encode_pair(user_id=user.id, family_id=family.id, **recipe)


def rotate(*, session, family_id: str, jti: str) -> dict[str, str]:
    """Spend refresh token `jti` of the family: a new pair, the same pair again, or theft."""
    recipe = _new_recipe()
    family = session.get(TokenFamily, family_id)
    pair = _encode_pair(user_id=family.user_id, family_id=family_id, **recipe)
    # Conditional UPDATE: of two requests presenting the same token, only one
    # matches `current_jti`; the other waits for its commit and then matches nothing.
    rotated = session.execute(
        update(TokenFamily)
        .where(TokenFamily.id == family_id, TokenFamily.current_jti == jti, TokenFamily.revoked_at.is_(None))
        .values(current_jti=recipe["refresh_jti"], previous_jti=jti, rotated_at=utcnow(), last_pair=json.dumps(recipe),
                generation=TokenFamily.generation + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if rotated == 1:
        session.commit()
        return pair

    family = session.execute(select(TokenFamily).where(TokenFamily.id == family_id)
                             .execution_options(populate_existing=True)).scalar_one()
    grace = timedelta(seconds=current_app.config["REFRESH_GRACE_SECONDS"])
    if (family.revoked_at is None and family.previous_jti == jti and family.rotated_at is not None
            and utcnow() - family.rotated_at <= grace and family.last_pair):
        # The answer to the first use was lost on the way (flaky network): same pair again.
        session.rollback()
        return _encode_pair(user_id=family.user_id, family_id=family_id, **json.loads(family.last_pair))

    revoke_family(session=session, family_id=family_id, reason="refresh_reuse")
    session.commit()
    raise Unauthorized("This refresh token was already used; the sign-in has been closed. Sign in again.")


def revoke_family(*, session, family_id: str, reason: str) -> None:
    """Revoke one family; every worker refuses its tokens from the commit on (the epoch)."""
    revocation.bump(session)  # first: every transaction takes the epoch's lock before family rows (no deadlock)
    session.execute(update(TokenFamily)
                    .where(TokenFamily.id == family_id, TokenFamily.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), revoked_reason=reason)
                    .execution_options(synchronize_session=False))


def revoke_other_families(*, session, user_id: str, keep_family_id: str | None, reason: str) -> None:
    """Revoke every live family of the user except `keep_family_id` (the caller's own)."""
    revocation.bump(session)  # first, as in revoke_family
    session.execute(update(TokenFamily)
                    .where(TokenFamily.user_id == user_id, TokenFamily.id != (keep_family_id or ""),
                           TokenFamily.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), revoked_reason=reason)
                    .execution_options(synchronize_session=False))


def _new_recipe() -> dict:
    return {"issued_at": int(utcnow().timestamp()), "access_jti": str(uuid.uuid4()), "refresh_jti": str(uuid.uuid4())}


def _encode_pair(*, user_id: str, family_id: str, issued_at: int, access_jti: str, refresh_jti: str) -> dict[str, str]:
    """Sign a pair from its recipe. HS256 is deterministic: the same recipe gives the
    same tokens, so `last_pair` keeps the recipe, never a usable token."""
    config = current_app.config

    def encode(token_type: str, jti: str, lifetime: timedelta) -> str:
        claims = {"iss": config["JWT_ENCODE_ISSUER"], "aud": config["JWT_ENCODE_AUDIENCE"], "sub": user_id,
                  "type": token_type, "fresh": False, "jti": jti, "fam": family_id, "iat": issued_at,
                  "nbf": issued_at, "exp": issued_at + int(lifetime.total_seconds())}
        return pyjwt.encode(claims, config["JWT_SECRET_KEY"], algorithm=config["JWT_ALGORITHM"])

    return {"access_token": encode("access", access_jti, config["JWT_ACCESS_TOKEN_EXPIRES"]),
            "refresh_token": encode("refresh", refresh_jti, config["JWT_REFRESH_TOKEN_EXPIRES"])}


def init_jwt(jwt: JWTManager) -> None:
    """Register the callbacks: revocation from the database, every JWT error as a 401 problem."""
    revocation.install()
    jwt.token_in_blocklist_loader(_is_revoked)
    # no credentials at all, or not where they belong: the reader needs to sign in, nothing more
    jwt.unauthorized_loader(lambda _reason: _unauthorized("Sign in first."))
    jwt.invalid_token_loader(lambda reason: _unauthorized(f"The token is not valid: {reason}."))
    jwt.expired_token_loader(lambda _h, _d: _unauthorized("The token has expired; refresh it or sign in again."))
    jwt.revoked_token_loader(lambda _h, _d: _unauthorized("The session has been closed; sign in again."))
    jwt.needs_fresh_token_loader(lambda _h, _d: _unauthorized("This action needs a fresh sign-in."))
    jwt.user_lookup_error_loader(lambda _h, _d: _unauthorized("The user of this token no longer exists."))
    jwt.token_verification_failed_loader(lambda _h, _d: _unauthorized("The token was refused."))


def _is_revoked(_header: dict, claims: dict) -> bool:
    """Blocklist check; on success the request knows its actor.

    A sign-in checked before in this worker, while the sign-in epoch has not moved, costs
    one read of that epoch; otherwise one query for user and family (server/users/revocation.py)."""
    family_id, user_id = claims.get("fam"), claims.get("sub")
    if not isinstance(family_id, str) or not isinstance(user_id, str):
        return True
    epoch, actor, created_at = revocation.kept_actor(db.session, family_id=family_id, user_id=user_id)
    if actor is None:
        row = db.session.execute(
            select(User, TokenFamily)
            .join(TokenFamily, TokenFamily.user_id == User.id)
            .where(TokenFamily.id == family_id, User.id == user_id)
            .options(joinedload(User.technical_teams))
        ).unique().first()
        if row is None:
            return True
        user, family = row
        if family.revoked_at is not None or not user.active:
            return True
        actor, created_at = Actor.of(user), family.created_at
        revocation.keep(epoch=epoch, family_id=family_id, user_id=user_id, family_created_at=created_at, actor=actor)
    # An absolute lifetime: renewing the refresh token every month does not keep a sign-in forever.
    if created_at + current_app.config["SESSION_MAX_AGE"] <= utcnow():
        return True
    g.actor = actor
    return False


def _unauthorized(detail: str):
    doc = {"type": PROBLEM_BASE + "unauthorized", "title": Unauthorized.title, "status": 401, "detail": detail}
    return problem_response(doc, 401, {"WWW-Authenticate": "Bearer"})

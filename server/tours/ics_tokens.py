"""The ICS feed's secret: stored as a hash, revoked with the sessions, rotatable.

A calendar application holds the feed URL `…/agenda.ics?token=…` for months and
sends no other credential, so the token is a password of its own:

- only its SHA-256 is stored (`user.ics_token_hash`): a copy of the database or a
  backup gives no working feed URL. The token is 32 random bytes, so a fast hash is
  enough (nothing to brute-force);
- it is revoked (the feed answers 404 until a new one is made) when the rep's
  password changes, when it signs out everywhere, when its password is reset and
  when it is deactivated (`revoke`);
- the rep itself, the manager of its team and an admin can rotate it (`rotate`),
  which makes every earlier feed URL answer 404;
- the feed's query string is never written to an access log
  (server/accesslog.py).
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from server.actor import Actor
from server.db import is_uuid
from server.errors import NotFound
from server.users.models import User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def rep_for_feed(session: Session, *, rep_id: str, token: str | None) -> User:
    """The rep whose feed `token` opens; 404 for a wrong, missing, revoked token or an unknown rep."""
    rep = session.get(User, rep_id) if is_uuid(rep_id) else None
    if (rep is None or not rep.active or not rep.ics_token_hash or not token
            or not secrets.compare_digest(rep.ics_token_hash, token_hash(token))):
        raise NotFound("No such calendar.")
    return rep


def rotate(*, session: Session, actor: Actor, rep_id: str) -> str:
    """A new secret for the rep's feed (the rep, its team's manager, an admin); earlier URLs stop working.

    The new token is answered once, here; only its hash is kept."""
    rep = session.get(User, rep_id) if is_uuid(rep_id) else None
    allowed = rep is not None and rep.role == "rep" and (
        actor.role == "admin" or actor.id == rep.id
        or (actor.role == "manager" and actor.team_id is not None and actor.team_id == rep.team_id))
    if not allowed:
        raise NotFound(f"No rep {rep_id}.")
    token = secrets.token_urlsafe(32)
    rep.ics_token_hash = token_hash(token)
    return token


def revoke(session: Session, *, user_id: str) -> None:
    """The feed stops answering (password changed, signed out everywhere, deactivated)."""
    user = session.get(User, user_id)
    if user is not None:
        user.ics_token_hash = None

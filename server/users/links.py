"""Single-use links sent by e-mail: an invitation (7 days) or a password reset (1 hour).

The token travels in the link only; the database keeps its SHA-256. Redeeming a link
sets the password, spends the link (and every other unspent link of that user), and
closes every sign-in the user had (API.md → Company set-up).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update

from server.db import utcnow
from server.errors import Invalid, Problem
from server.users import password_rules, passwords, tokens
from server.users.models import LinkToken, TokenFamily, User

LIFETIMES = {"invitation": timedelta(days=7), "reset": timedelta(hours=1)}


class BadLink(Problem):
    status, kind, title = 400, "bad_link", "Link not valid"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(*, session, user: User, purpose: str) -> str:
    """A new link token for `user` (flushed, not committed); the clear token is returned once."""
    return issue_until(session=session, user=user, purpose=purpose)[0]


def issue_until(*, session, user: User, purpose: str) -> tuple[str, datetime]:
    """As `issue`, with the instant the link expires (an invitation handed on by hand says it)."""
    token = secrets.token_urlsafe(32)
    link = LinkToken(user_id=user.id, purpose=purpose, token_hash=_digest(token), expires_at=utcnow() + LIFETIMES[purpose])
    session.add(link)
    session.flush()
    return token, link.expires_at


def signed_in_yet():
    """SQL, correlated on `User.id`: the user has chosen a password (a link redeemed), signed in
    (a token family), or was never invited (its password set by `tournee demo` or `tournee
    create-user`: a password link is what it may need, not an invitation). Its negation is
    PersonSchema's `invitation_pending`, read in the list's own query."""
    return or_(exists().where(LinkToken.user_id == User.id, LinkToken.used_at.is_not(None)),
               exists().where(TokenFamily.user_id == User.id),
               ~exists().where(LinkToken.user_id == User.id, LinkToken.purpose == "invitation"))


def never_signed_in(*, session, user_ids: list[str]) -> set[str]:
    """Those of `user_ids` that were invited and never chose a password (no link redeemed) nor
    signed in (no token family): the users an invitation may be sent again to."""
    ids = list(dict.fromkeys(user_ids))
    pending: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        pending |= set(session.scalars(select(User.id).where(User.id.in_(chunk), ~signed_in_yet())))
    return pending


def redeem(*, session, token: str, password: str) -> User:
    """Set the password of the link's user; BadLink when spent, expired or unknown.

    The link is spent by a conditional UPDATE, so two clicks racing set one password.
    """
    link = session.scalar(select(LinkToken).where(LinkToken.token_hash == _digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise BadLink("This link is spent, expired or unknown; ask for a new one.")
    user = session.get(User, link.user_id)
    if not user.active:
        raise BadLink("This link is spent, expired or unknown; ask for a new one.")
    broken = password_rules.problems(password, email=user.email, name=user.name)
    if broken:
        raise Invalid("This password does not follow the rules.", errors={"password": broken})
    spent = session.execute(update(LinkToken).where(LinkToken.id == link.id, LinkToken.used_at.is_(None))
                            .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if spent != 1:
        raise BadLink("This link is spent, expired or unknown; ask for a new one.")
    session.execute(update(LinkToken).where(LinkToken.user_id == user.id, LinkToken.used_at.is_(None))
                    .values(used_at=utcnow()).execution_options(synchronize_session=False))
    user.password_hash = passwords.hash_password(password)
    tokens.revoke_other_families(session=session, user_id=user.id, keep_family_id=None, reason="password_reset")
    from server.tours import ics_tokens
    ics_tokens.revoke(session, user_id=user.id)  # the calendar feed's secret goes with the old password
    return user

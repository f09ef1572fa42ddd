"""The rules of users and sign-in: create a user, log in, log out, change a password.

Keyword-only services (STYLE habit 5); they own the transaction and raise typed errors.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from server.actor import Actor
from server.agenda import workdays
from server.errors import Invalid, Unauthorized
from server.users import password_rules, passwords, tokens
from server.tours import ics_tokens
from server.users.models import ROLES, Team, User

BAD_CREDENTIALS = "Wrong e-mail or password."
# How far ahead `GET /api/me` tells a tablet its days off: a plan is fetched a week at a time,
# and a tablet may stay offline for weeks; holidays further on wait for the next start online.
CALENDAR_AHEAD_DAYS = 120


def create_user(*, session, email: str, name: str, role: str, team_id: str | None = None,
                password: str, **profile) -> User:
    """Add a user (flushed, not committed); the e-mail is stored lower-cased and must be unique."""
    email = normalise_email(email)
    if role not in ROLES:
        raise Invalid(f"Unknown role {role!r}.", errors={"role": [f"Must be one of: {', '.join(ROLES)}."]})
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Invalid("This e-mail is already used.", errors={"email": ["Already used by another user."]})
    user = User(email=email, name=name, role=role, team_id=team_id,
                password_hash=passwords.hash_password(password), **profile)
    session.add(user)
    session.flush()
    return user


def login(*, session, email: str, password: str) -> tuple[User, dict[str, str]]:
    """Check the credentials and open a new token family; same error for every failure."""
    found = session.execute(select(User.id, User.password_hash, User.active)
                            .where(User.email == normalise_email(email))).first()
    _end_read(session)
    if found is None:
        passwords.spend_dummy_verification(password)  # same time as a known e-mail
        raise Unauthorized(BAD_CREDENTIALS)
    if not passwords.verify_password(found.password_hash, password) or not found.active:
        raise Unauthorized(BAD_CREDENTIALS)
    user = session.get(User, found.id)
    if passwords.needs_rehash(found.password_hash):
        user.password_hash = passwords.hash_password(password)
    pair = tokens.issue_pair(session=session, user=user)
    session.commit()
    return user, pair


def logout(*, session, family_id: str) -> None:
    """Close the sign-in: its access and refresh tokens stop working."""
    tokens.revoke_family(session=session, family_id=family_id, reason="logout")
    session.commit()


class WrongPassword(Invalid):
    """The current password given to change it is wrong: the one failure the route throttles."""


def change_password(*, session, actor: Actor, family_id: str, current_password: str, new_password: str) -> None:
    """Set a new password and close every other sign-in of the user (this one stays); the ICS feed's secret is revoked.

    The new password follows the rules of a chosen one (password_rules: Invalid on
    `new_password`, checked first, without the cost of a hash); WrongPassword on
    `current_password`."""
    current = session.execute(select(User.password_hash, User.email, User.name).where(User.id == actor.id)).one()
    _end_read(session)
    broken = password_rules.problems(new_password, email=current.email, name=current.name)
    if broken:
        raise Invalid("This password does not follow the rules.", errors={"new_password": broken})
    if not passwords.verify_password(current.password_hash, current_password):
        raise WrongPassword("The current password is wrong.", errors={"current_password": ["Wrong password."]})
    new_hash = passwords.hash_password(new_password)
    session.get(User, actor.id).password_hash = new_hash
    tokens.revoke_other_families(session=session, user_id=actor.id, keep_family_id=family_id,
                                 reason="password_change")
    ics_tokens.revoke(session, user_id=actor.id)  # a feed URL is a credential too
    session.commit()


def logout_everywhere(*, session, actor: Actor) -> None:
    """Close every sign-in of the user, this one included, and revoke its ICS feed's secret."""
    tokens.revoke_other_families(session=session, user_id=actor.id, keep_family_id=None, reason="logout_everywhere")
    ics_tokens.revoke(session, user_id=actor.id)
    session.commit()


def get_user(*, session, actor: Actor) -> User:
    return session.get(User, actor.id)


def calendar_ahead(*, session, user: User, now: datetime) -> dict:
    """The user's days off around now, for a tablet to know offline which days are worked:
    `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "days_off": [workdays.days_off items]}` from a
    week before the user's local today to CALENDAR_AHEAD_DAYS after (both included). A date
    outside [from, to] is unknown to the tablet, not worked-or-not."""
    today = now.astimezone(ZoneInfo(user.timezone or "Europe/Paris")).date()
    first, last = today - timedelta(days=7), today + timedelta(days=CALENDAR_AHEAD_DAYS)
    calendar = workdays.load_calendar(session, user)
    return {"from": first.isoformat(), "to": last.isoformat(), "days_off": workdays.days_off(calendar, first, last)}


def manager_of(*, session, user: User) -> dict | None:
    """{"name", "email"} of the active manager leading the user's team, or None (no team, no
    manager, or one deactivated): whom a rep asks for accounts (the tablet's empty tour)."""
    if user.team_id is None:
        return None
    row = session.execute(select(User.name, User.email).join(Team, Team.manager_id == User.id)
                          .where(Team.id == user.team_id, User.active.is_(True))).first()
    return {"name": row.name, "email": row.email} if row else None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _end_read(session) -> None:
    """End the transaction before hashing: on SQLite a POST holds the write lock
    (BEGIN IMMEDIATE) from its first query, and argon2 takes tens of milliseconds,
    which would make every sign-in of every worker wait in line."""
    session.rollback()

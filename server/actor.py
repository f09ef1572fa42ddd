"""Who is calling: a plain, detached snapshot of the signed-in user.

Services take an `Actor`, not an ORM object, so a rollback or a new transaction
(a pull switching to REPEATABLE READ) never expires it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_jwt_extended import get_jwt

from server.errors import Unauthorized


@dataclass(frozen=True)
class Actor:
    id: str
    role: str
    name: str
    email: str
    team_id: str | None
    tech_team_ids: tuple[str, ...] = ()
    timezone: str = "Europe/Paris"
    locale: str | None = None  # "fr" | "en": the language of its messages (server/i18n.py)

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(id=user.id, role=user.role, name=user.name, email=user.email, team_id=user.team_id,
                   tech_team_ids=tuple(sorted(t.id for t in user.technical_teams)), timezone=user.timezone,
                   locale=getattr(user, "locale", None))

    @property
    def is_staff(self) -> bool:
        """Managers and admins see and steer others' work."""
        return self.role in ("manager", "admin")


def current_actor() -> Actor:
    """The caller of this request; set by the JWT loader in server/users/tokens.py."""
    actor = g.get("actor")
    if actor is None:
        raise Unauthorized("Sign in first.")
    return actor


def current_family_id() -> str | None:
    return get_jwt().get("fam")

"""HTTP routes of company set-up: users and teams (API.md → Company set-up, stable).

Thin routes (STYLE habit 3); scope and rules in server/users/people.py.
"""
from __future__ import annotations

import logging

from flask import request
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select

from server.common.fields import UUID

from server.actor import current_actor
from server.errors import NotFound, Problem
from server.extensions import db
from server.users import links, mail, people
from server.common.search import fold, matches
from server.users.models import User
from server.users.people_schemas import (
    InvitedPersonSchema, ResetLinkSchema, PersonInSchema, PersonListArgs, PersonListSchema, PersonPatchSchema, PersonSchema, SalesTeamInSchema, SalesTeamListSchema,
    SalesTeamPatchSchema, SalesTeamSchema,
)


class AlreadySignedIn(Problem):
    status, kind, title = 409, "already_signed_in", "Password already chosen"


class Inactive(Problem):
    status, kind, title = 409, "inactive", "User deactivated"


log = logging.getLogger(__name__)


blp = Blueprint("people", __name__, url_prefix="/api", description="Users and teams of the company.")


def link_url(token: str) -> str:
    """The page of the PWA where a link's holder chooses a password."""
    return f"{request.host_url}#/password/{token}"


def _invite(user: User) -> User:
    """Issue an invitation link, commit, and e-mail it; `user.invitation` says whether it left.

    When no relay took it, the answer carries the link for the caller (an admin or manager
    who may manage this user) to pass on by hand: the same link, valid as long, single use."""
    user.invitation = _send_or_hand_over(user, "invitation")
    user.invitation_pending = True
    return user


def _send_or_hand_over(user: User, purpose: str) -> dict:
    """Issue a `purpose` link ("invitation" | "reset"), commit, and e-mail it when a relay is set:
    `{"sent": true}`, else `{"sent": false, "reason": "not_configured" | "failed", "link",
    "expires_at"}` for the caller to pass on by hand (the same link, single use)."""
    token, expires_at = links.issue_until(session=db.session, user=user, purpose=purpose)
    db.session.commit()
    link = link_url(token)
    if mail.send_link(user=user, purpose=purpose, link=link):  # False at once when no relay is set
        return {"sent": True}
    return {"sent": False, "reason": "failed" if mail.configured() else "not_configured",
            "link": link, "expires_at": expires_at}


def _with_pending(users: list[User]) -> list[User]:
    """Mark which users have yet to choose a password (PersonSchema.invitation_pending)."""
    pending = links.never_signed_in(session=db.session, user_ids=[u.id for u in users])
    for user in users:
        user.invitation_pending = user.id in pending
    return users


def _listed(query) -> list[User]:
    """The users `query` selects, each with its `invitation_pending` read in that same query."""
    rows = db.session.execute(query.add_columns(~links.signed_in_yet())).all()
    for user, pending in rows:
        user.invitation_pending = bool(pending)
    return [user for user, _pending in rows]


@blp.get("/users")
@blp.arguments(PersonListArgs, location="query", unknown=RAISE)  # a misspelt filter is refused
@blp.response(200, PersonListSchema)
def list_users(args):
    """Users in the caller's scope: an admin all, a manager its team, others themselves.

    `q`: every word appears in the name or e-mail, whatever its case, accents or Unicode
    normalisation (server/common/search.py). `page`, `per_page` / `limit` page the list as
    elsewhere (50 a page once `page` alone is given); without them every user comes back.
    → `{"items": [user], "total": n}`, `total` counting every match."""
    query = people.visible_users(current_actor())
    if args.get("q"):
        query = query.where(matches(User.search, args["q"]))
    if "page" not in args and "per_page" not in args:
        items = _listed(query)
        return {"items": items, "total": len(items)}
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = _listed(query.limit(per_page).offset((page - 1) * per_page))
    return {"items": items, "total": total}


@blp.post("/users")
@blp.arguments(PersonInSchema)
@blp.response(201, InvitedPersonSchema)
def create_user(values):
    """Create a user; it receives an invitation e-mail with a link valid 7 days. 409 on a used e-mail.

    → the user and `invitation`: `{"sent": true}` when the relay took the e-mail, else
    `{"sent": false, "reason": "not_configured" | "failed", "link": "https://…/#/password/…",
    "expires_at": "…"}` (no relay set in `SMTP_URL`, or it did not take the e-mail), the link for the
    caller to pass on by hand (the user is created either way)."""
    user = people.create_person(session=db.session, actor=current_actor(), values=values)
    return _invite(user)


@blp.get("/users/<string:user_id>")
@blp.response(200, PersonSchema)
def get_user(user_id):
    """One user in the caller's scope."""
    return _with_pending([people.get_person(session=db.session, actor=current_actor(), user_id=user_id)])[0]


@blp.patch("/users/<string:user_id>")
@blp.arguments(PersonPatchSchema(partial=True))
@blp.response(200, PersonSchema)
def update_user(values, user_id):
    """Change a user; `active: false` signs it out everywhere at once."""
    user = people.update_person(session=db.session, actor=current_actor(), user_id=user_id, values=values)
    db.session.commit()
    return _with_pending([user])[0]


@blp.post("/users/<string:user_id>/invitation")
@blp.response(202, InvitedPersonSchema)
def resend_invitation(user_id):
    """Send a new invitation link (the user lost it, or it expired); earlier links stay valid until used.

    → the user and `invitation`, as `POST /api/users` answers. 404 outside the caller's scope
    (or a user it may not manage); 409 `already_signed_in` once the user has chosen a password
    or signed in ("Mot de passe oublié ?" on the sign-in screen sends it a reset link)."""
    actor = current_actor()
    user = people.get_person(session=db.session, actor=actor, user_id=user_id)
    if actor.role != "admin":
        if user.id == actor.id:
            raise NotFound(f"No user {user_id}.")
        people.check_may_manage(db.session, actor, role=user.role, team_id=user.team_id)
    if user.id not in links.never_signed_in(session=db.session, user_ids=[user.id]):
        raise AlreadySignedIn("This user has already chosen a password: it can ask for a new one on the sign-in screen.")
    return _invite(user)


@blp.post("/users/<string:user_id>/password-reset")
@blp.response(202, ResetLinkSchema)
def issue_reset(user_id):
    """Issue a password-reset link for an active user (admin): e-mailed when a relay takes it.

    The link is the one `POST /api/auth/password-reset` e-mails: single use, valid 1 hour,
    confirmed by `POST /api/auth/password-reset/confirm`. → `{"sent": true}`, or
    `{"sent": false, "reason": "not_configured" | "failed", "link", "expires_at"}` for the
    admin to pass on by hand (no relay set in `SMTP_URL`, or the relay did not take it).
    404 for a non-admin caller or an unknown user; 409 `inactive` for a deactivated user."""
    actor = current_actor()
    if actor.role != "admin":
        raise NotFound(f"No user {user_id}.")
    user = people.get_person(session=db.session, actor=actor, user_id=user_id)
    if not user.active:
        raise Inactive("This user is deactivated: reactivate it before sending it a new password link.")
    answer = _send_or_hand_over(user, "reset")
    # Who gave whom a way into an account: the request log has the path, not whether the link left.
    log.info("password-reset link for user %s issued by admin %s: %s", user.id, actor.id,
             "e-mailed" if answer["sent"] else f"handed to the admin ({answer['reason']})")
    return answer


class ReassignSchema(Schema):
    to = fields.List(UUID(), required=True, validate=validate.Length(min=1, max=50))


@blp.post("/users/<string:user_id>/reassign")
@blp.arguments(ReassignSchema)
@blp.response(200)
def reassign(body, user_id):
    """Give all accounts of a (leaving) rep to the reps in `to`, by blocks of postcodes: `{"moved": n}`."""
    moved = people.reassign_accounts(session=db.session, actor=current_actor(), user_id=user_id, to_ids=body["to"])
    db.session.commit()
    return {"moved": moved}


@blp.get("/teams")
@blp.response(200, SalesTeamListSchema)
def list_teams():
    """Teams in the caller's scope: an admin all, others their own."""
    items = sorted(db.session.scalars(people.visible_teams(current_actor())), key=lambda team: (fold(team.name), team.id))
    return {"items": items, "total": len(items)}


@blp.post("/teams")
@blp.arguments(SalesTeamInSchema)
@blp.response(201, SalesTeamSchema)
def create_team(values):
    """Create a sales team with its manager and public-holiday calendar (admin)."""
    team = people.create_team(session=db.session, actor=current_actor(), values=values)
    db.session.commit()
    return team


@blp.patch("/teams/<string:team_id>")
@blp.arguments(SalesTeamPatchSchema(partial=True))
@blp.response(200, SalesTeamSchema)
def update_team(values, team_id):
    """Change a team's name, manager or public-holiday calendar (admin)."""
    team = people.update_team(session=db.session, actor=current_actor(), team_id=team_id, values=values)
    db.session.commit()
    return team


@blp.delete("/teams/<string:team_id>")
@blp.response(204)
def delete_team(team_id):
    """Delete a sales team that has no member (admin); 409 `team_has_members` while it has one."""
    people.delete_team(session=db.session, actor=current_actor(), team_id=team_id)
    db.session.commit()

"""Password reset by e-mail, and the confirm call that invitations use too (API.md → Company set-up).

Public paths (server/gate.py). The request answers 202 whatever the e-mail, so nobody
learns who has an account; it is rate-limited per address and per e-mail.
"""
from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from server.extensions import db, limiter
from server.users import links, mail
from server.users.models import User
from server.users.people_routes import link_url
from server.users.service import normalise_email

blp = Blueprint("password_reset", __name__, url_prefix="/api/auth", description="Forgotten passwords.")


class ResetRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class ResetRequestedSchema(Schema):
    """Out: whether the server can send e-mail at all (a relay is configured), the same for every
    e-mail asked about, so it says nothing of who has an account."""

    by_email = fields.Boolean(required=True)


class ResetConfirmSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


def _email_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return "reset-email:" + (normalise_email(email) if isinstance(email, str) else "-")


@blp.post("/password-reset")
@limiter.limit(lambda: current_app.config.get("RESET_LIMIT_PER_EMAIL", "3 per hour"), key_func=_email_key)
@limiter.limit(lambda: current_app.config.get("RESET_LIMIT_PER_ADDRESS", "20 per hour"), key_func=get_remote_address)
@blp.arguments(ResetRequestSchema)
@blp.response(202, ResetRequestedSchema)
def request_reset(body):
    """Ask for a reset link; 202 whether or not the e-mail has an account.

    → `{"by_email": bool}`: false when no mail relay is configured (`SMTP_URL` empty), and then
    no e-mail can come: the page says to ask an administrator (`POST /api/users/{id}/password-reset`)."""
    answer = {"by_email": mail.configured()}
    user = db.session.scalar(select(User).where(User.email == normalise_email(body["email"]), User.active.is_(True)))
    if user is None or not answer["by_email"]:
        return answer
    token = links.issue(session=db.session, user=user, purpose="reset")
    db.session.commit()
    mail.send_link(user=user, purpose="reset", link=link_url(token))
    return answer


def _failed(response) -> bool:
    """Only refused tries count: an office choosing the passwords of several new reps from one
    address spends none of its quota, a guesser of tokens or passwords does."""
    return response.status_code != 204


@blp.post("/password-reset/confirm")
@limiter.limit(lambda: current_app.config.get("RESET_LIMIT_PER_ADDRESS", "20 per hour"), key_func=get_remote_address,
               deduct_when=_failed)
@blp.arguments(ResetConfirmSchema)
@blp.response(204)
def confirm_reset(body):
    """Choose a password with a link's token; every sign-in of the user is closed. 400 on a bad link.

    `429` (with `Retry-After`, and the wait in the detail) after too many refused tries (a bad
    link, a password the rules refuse) from the client's address; successful ones are not counted."""
    links.redeem(session=db.session, **body)
    db.session.commit()

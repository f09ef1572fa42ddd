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
@blp.response(202)
def request_reset(body):
    """Ask for a reset link; 202 whether or not the e-mail has an account."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(body["email"]), User.active.is_(True)))
    if user is None:
        return
    token = links.issue(session=db.session, user=user, purpose="reset")
    db.session.commit()
    mail.send_link(user=user, purpose="reset", link=link_url(token))


@blp.post("/password-reset/confirm")
@limiter.limit(lambda: current_app.config.get("RESET_LIMIT_PER_ADDRESS", "20 per hour"), key_func=get_remote_address)
@blp.arguments(ResetConfirmSchema)
@blp.response(204)
def confirm_reset(body):
    """Choose a password with a link's token; every sign-in of the user is closed. 400 on a bad link."""
    links.redeem(session=db.session, **body)
    db.session.commit()

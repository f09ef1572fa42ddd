"""HTTP routes of sign-in and of the signed-in user (API.md, "Auth (stable)").

Routes are thin (STYLE habit 3): parse with a schema, call a service, dump with a schema.
"""
from __future__ import annotations

from flask import current_app, request
from flask_jwt_extended import get_jwt, jwt_required
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from server.actor import current_actor
from server.errors import Unauthorized
from server.extensions import db, limiter
from server.ratelimits import backoff
from server.users import service, tokens
from server.users.schemas import LoginResultSchema, LoginSchema, MeSchema, PasswordChangeSchema, TokenPairSchema

blp = Blueprint("auth", __name__, url_prefix="/api", description="Sign-in, tokens and the signed-in user.")


def _failed(response) -> bool:
    """Only failed attempts count towards the per-address limit."""
    return response.status_code == 401


@blp.route("/auth/login", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=get_remote_address, deduct_when=_failed)
@blp.arguments(LoginSchema)
@blp.response(200, LoginResultSchema)
def login(credentials):
    """Sign in with e-mail and password; answers an access token, a refresh token and the user.

    `429` (with `Retry-After`) after too many failures from the client's address, or
    during the e-mail's back-off after repeated failures (server/ratelimits/backoff.py)."""
    email = service.normalise_email(credentials["email"])
    backoff.check("login", email)
    try:
        user, pair = service.login(session=db.session, **credentials)
    except Unauthorized:
        backoff.failed("login", email)
        raise
    backoff.succeeded("login", email)
    return {**pair, "user": user}


@blp.route("/auth/refresh", methods=["POST"])
@blp.response(200, TokenPairSchema)
@jwt_required(refresh=True)
def refresh():
    """Trade the refresh token (as Bearer) for a new access token and a new refresh token."""
    claims = get_jwt()
    return tokens.rotate(session=db.session, family_id=claims["fam"], jti=claims["jti"])


# /auth/logout, /me and /me/password: server/gate.py has already verified the access
# token (and loaded the caller) for every /api/ path; only /auth/refresh takes a refresh token.
@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
def logout():
    """Sign out: the access token presented and its refresh token stop working."""
    service.logout(session=db.session, family_id=get_jwt()["fam"])


@blp.route("/auth/logout-everywhere", methods=["POST"])
@blp.response(204)
def logout_everywhere():
    """Sign out on every device (this one too) and revoke the ICS feed's secret."""
    service.logout_everywhere(session=db.session, actor=current_actor())


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
def me():
    """The signed-in user."""
    return service.get_user(session=db.session, actor=current_actor())


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(change):
    """Change one's password; every other sign-in of the user is closed, and the ICS feed's secret.

    Wrong current passwords are throttled like sign-ins (back-off per user: `429`)."""
    actor = current_actor()
    backoff.check("password", actor.id)
    try:
        service.change_password(session=db.session, actor=actor, family_id=get_jwt()["fam"], **change)
    except service.WrongPassword:  # a new password the rules refuse is no guess: not counted
        backoff.failed("password", actor.id)
        raise
    backoff.succeeded("password", actor.id)

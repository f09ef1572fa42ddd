"""Schemas of sign-in and of the signed-in user, named by direction (STYLE habit 4).

Passwords are `load_only`; no response schema has a field for a hash or a secret.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from server.db import utcnow
from server.extensions import db
from server.users.service import calendar_ahead, manager_of


class LoginSchema(Schema):
    """In: the credentials of `POST /api/auth/login`."""

    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))


class UserSchema(Schema):
    """Out: who the user is, as the login answer and `GET /api/me` show it."""

    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    team_id = fields.String(dump_only=True, allow_none=True)


class MeSchema(UserSchema):
    """Out: the signed-in user, with what the tablet needs to plan its day."""

    timezone = fields.String(dump_only=True)
    technical_team_ids = fields.Method("_technical_team_ids", dump_only=True)
    # "fr" | "en", as GET /api/users says it for the same user (French until it chooses);
    # `locale_chosen` is false until the user chose one, on whatever device: the app then
    # keeps this device's language instead.
    locale = fields.Function(lambda user: user.locale or "fr", dump_only=True)
    locale_chosen = fields.Function(lambda user: user.locale is not None, dump_only=True)
    # Where the rep's day starts, {"lat", "lon"} in degrees, or null when it has no position:
    # the tablet keeps it to order its offline due list as the server does (nearest first).
    home = fields.Method("_home", dump_only=True)
    # The days the user does not work around today (weekly days off, public holidays, absences):
    # offline, with no plan stored for a day, the tablet still knows it is not worked.
    # {"from", "to", "days_off": [{"date", "kind", "name", "names"}]} (users/service.calendar_ahead).
    calendar = fields.Method("_calendar", dump_only=True)
    # {"name", "email"} of the manager of the user's team, or null: whom a rep with no account
    # yet is told to ask (pwa/views/tour.js).
    manager = fields.Method("_manager", dump_only=True)

    def _technical_team_ids(self, user) -> list[str]:
        return sorted(team.id for team in user.technical_teams)

    def _calendar(self, user) -> dict:
        return calendar_ahead(session=db.session, user=user, now=utcnow())

    def _manager(self, user) -> dict | None:
        return manager_of(session=db.session, user=user)

    def _home(self, user) -> dict[str, float] | None:
        if user.home_lat is None or user.home_lon is None:
            return None
        return {"lat": user.home_lat, "lon": user.home_lon}


class TokenPairSchema(Schema):
    """Out: an access token and the refresh token that replaces the one presented."""

    access_token = fields.String(dump_only=True)
    refresh_token = fields.String(dump_only=True)


class LoginResultSchema(TokenPairSchema):
    user = fields.Nested(UserSchema, dump_only=True)


class PasswordChangeSchema(Schema):
    """In: `POST /api/me/password`."""

    current_password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))
    # Its rules are password_rules' (the service's), said in words: no shorter bound here.
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024))

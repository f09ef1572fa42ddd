"""Schemas of company set-up (API.md → Company set-up): users and teams, by direction.

`working_hours` is the form of API.md → Working days: one span a weekday
(`{"mon": ["08:30", "18:00"], …}`, absent or null = not worked) and an optional
`"lunch": ["12:00", "14:00", 60]` (window start, window end, minutes).
"""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates

from server.agenda.workdays import DAYS, valid_holidays_code
from server.common.fields import MAX_PAGE, MAX_PER_PAGE, UUID, LimitIsPerPage, When, valid_postcode
from server.users.models import ROLES

LOCALES = ("fr", "en")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def check_time_zone(name: str) -> None:
    """An IANA zone name known to the system's tz database ("Europe/Paris")."""
    if name not in available_timezones():
        raise ValidationError("Not an IANA time zone (e.g. Europe/Paris).")
    ZoneInfo(name)


def check_working_hours(value) -> None:
    """Raise ValidationError unless `value` has the Working days form."""
    if not isinstance(value, dict):
        raise ValidationError("An object of weekdays.")
    for key, span in value.items():
        if key == "lunch":
            if span is None:
                continue
            _check_lunch(span)
        elif key in DAYS:
            if span is None:
                continue
            if not isinstance(span, list) or len(span) != 2 or not all(_is_hhmm(t) for t in span) or span[0] >= span[1]:
                raise ValidationError(f'{key}: ["HH:MM", "HH:MM"], start before end, or null.')
        else:
            raise ValidationError(f"Unknown day {key!r}: {', '.join(DAYS)} or lunch.")


def _check_lunch(span) -> None:
    """The lunch break: its window's start and end, and its length, each told apart when wrong."""
    if not isinstance(span, list) or len(span) != 3 or not all(_is_hhmm(t) for t in span[:2]):
        raise ValidationError('lunch: ["HH:MM", "HH:MM", minutes], the window\'s start and end and the break\'s length.')
    if span[0] >= span[1]:
        raise ValidationError("lunch: the window must start before it ends.")
    if isinstance(span[2], bool) or not isinstance(span[2], int) or not 0 < span[2] <= 240:
        raise ValidationError("lunch: the break lasts 1 to 240 minutes (a whole number).")


def _is_hhmm(text) -> bool:
    return isinstance(text, str) and bool(_HHMM.match(text))


class HomeSchema(Schema):
    """Where a rep's day starts and ends; located by the server when lat/lon are absent."""

    address = fields.String(allow_none=True, validate=validate.Length(max=255))
    postcode = fields.String(allow_none=True, validate=valid_postcode)
    city = fields.String(allow_none=True, validate=validate.Length(max=120))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))


class PersonSchema(Schema):
    """Out: a user as company set-up shows it."""

    id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    team_id = fields.String(allow_none=True)
    active = fields.Boolean()
    # Contract: "fr" | "en". A user that never chose shows the default, French; its requests
    # follow their Accept-Language until it chooses (server/i18n.py).
    locale = fields.Function(lambda user: user.locale or "fr")
    time_zone = fields.String(attribute="timezone")
    working_hours = fields.Dict()
    home = fields.Method("_home")
    # The technical teams a back-office user answers quote requests for (ids, sorted); [] for others.
    technical_team_ids = fields.Function(lambda user: sorted(team.id for team in user.technical_teams))
    # True while the user has neither chosen a password nor signed in: an invitation may be
    # sent again (`POST /api/users/{id}/invitation`). Set by the routes, in one query a page.
    invitation_pending = fields.Boolean()

    def _home(self, user):
        if not any((user.home_address, user.home_postcode, user.home_city, user.home_lat is not None)):
            return None
        return {"address": user.home_address, "postcode": user.home_postcode, "city": user.home_city,
                "lat": user.home_lat, "lon": user.home_lon}


class InvitationSchema(Schema):
    """Out: whether the invitation e-mail left; when it did not, why (`reason`: "not_configured",
    no relay set; "failed", the relay did not take it) and the link it would have carried, for the
    caller to pass on by hand (single use, valid until `expires_at`)."""

    sent = fields.Boolean()
    reason = fields.String()
    link = fields.String()
    expires_at = When()


class ResetLinkSchema(Schema):
    """Out: `POST /api/users/{id}/password-reset`. Whether the e-mail left; when it did not, why
    (`reason`: "not_configured", no relay set; "failed", the relay did not take it) and the link
    it would have carried, for the admin to pass on by hand (single use, valid until `expires_at`)."""

    sent = fields.Boolean(required=True)
    reason = fields.String()
    link = fields.String()
    expires_at = When()


class InvitedPersonSchema(PersonSchema):
    """Out: `POST /api/users` and `POST /api/users/{id}/invitation`, the user and its invitation."""

    invitation = fields.Nested(InvitationSchema)


class PersonListArgs(LimitIsPerPage):
    """Query of `GET /api/users`.

    Paging is optional here, so that a client unaware of it still gets every user (the stable
    contract): `page` (1–1,000,000), `per_page` or its other name `limit` (1–1000) as on the
    other lists; without them the whole list comes back. `total` counts every match either way."""

    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "Name or e-mail, whatever the case and accents"})
    page = fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PersonListSchema(Schema):
    items = fields.List(fields.Nested(PersonSchema))
    total = fields.Integer()


class PersonInSchema(Schema):
    """In: `POST /api/users` (and, partial, `PATCH /api/users/{id}` with `active`)."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    team_id = UUID(allow_none=True)
    home = fields.Nested(HomeSchema, allow_none=True)
    working_hours = fields.Dict(validate=check_working_hours)
    locale = fields.String(validate=validate.OneOf(LOCALES))
    time_zone = fields.String(validate=check_time_zone)
    # Back-office users only (server/users/people.py `_set_technical_teams`): the whole list,
    # replacing the one before; refused for any other role.
    technical_team_ids = fields.List(UUID(), validate=validate.Length(max=100))


class PersonPatchSchema(PersonInSchema):
    """In: `PATCH /api/users/{id}` (used partial): the same fields, and `active`."""

    active = fields.Boolean()


class SalesTeamSchema(Schema):
    """Out: a sales team."""

    id = fields.String()
    name = fields.String()
    manager_id = fields.String(allow_none=True)
    holidays = fields.String()


class SalesTeamListSchema(Schema):
    items = fields.List(fields.Nested(SalesTeamSchema))
    total = fields.Integer()


class SalesTeamInSchema(Schema):
    """In: `POST /api/teams`; `holidays` is a calendar code of the `holidays` package."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    manager_id = UUID(allow_none=True)
    holidays = fields.String(load_default="FR")

    @validates("holidays")
    def _calendar(self, value, **_):
        if not valid_holidays_code(value):
            raise ValidationError("Unknown public-holiday calendar (e.g. FR, FR-57).")


class SalesTeamPatchSchema(SalesTeamInSchema):
    """In: `PATCH /api/teams/{id}` (used partial)."""

"""Plain factories for tests (STYLE habit 9): `make_account(session, owner=rep, segment="A")`."""
from __future__ import annotations

import itertools
from datetime import timedelta

from server.accounts.models import Account, Contact
from server.actor import Actor
from server.agenda.models import Appointment
from server.customfields.models import CustomField
from server.db import new_id, utcnow
from server.quotes.models import QuoteRequest, TechnicalTeam
from server.users.models import Team, User
from server.visits.models import Visit

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_team(session, name: str | None = None) -> Team:
    team = Team(name=name or f"Team {next(_seq)}")
    session.add(team)
    session.flush()
    return team


def make_user(session, role: str = "rep", *, team: Team | None = None, email: str | None = None,
              password: str = PASSWORD, tech_teams: list[TechnicalTeam] = (), **fields) -> User:
    from server.users.service import create_user
    user = create_user(session=session, email=email or f"{role}{next(_seq)}@test.example", name=fields.pop("name", f"{role.title()} {next(_seq)}"),
                       role=role, team_id=team.id if team else None, password=password, **fields)
    user.technical_teams.extend(tech_teams)
    session.flush()
    return user


def make_tech_team(session, name: str | None = None, channel: str = "inbox", **fields) -> TechnicalTeam:
    tt = TechnicalTeam(name=name or f"Tech {next(_seq)}", channel=channel, **fields)
    session.add(tt)
    session.flush()
    return tt


def make_account(session, owner: User, **fields) -> Account:
    n = next(_seq)
    defaults = dict(name=f"Société {n}", status="client", segment="B", computed_segment="B",
                    city="Dijon", postcode="21000", lat=47.32 + n * 1e-4, lon=5.04, tags=[], custom={})
    defaults.update(fields)
    account = Account(owner_id=owner.id, **defaults)
    session.add(account)
    session.flush()
    return account


def make_contact(session, account: Account, **fields) -> Contact:
    contact = Contact(account_id=account.id, name=fields.pop("name", f"Contact {next(_seq)}"), roles=fields.pop("roles", ["technical"]), **fields)
    session.add(contact)
    session.flush()
    return contact


def make_visit(session, account: Account, rep: User, **fields) -> Visit:
    started = fields.pop("started_at", utcnow() - timedelta(days=3))
    visit = Visit(account_id=account.id, rep_id=rep.id, started_at=started,
                  ended_at=fields.pop("ended_at", started + timedelta(minutes=45)), kind=fields.pop("kind", "onsite"),
                  outcome=fields.pop("outcome", "interested"), **fields)
    session.add(visit)
    session.flush()
    return visit


def make_appointment(session, account: Account, rep: User, start=None, minutes: int = 60, **fields) -> Appointment:
    start = start or utcnow().replace(microsecond=0) + timedelta(days=1)
    appointment = Appointment(rep_id=rep.id, account_id=account.id, start=start, end=start + timedelta(minutes=minutes), **fields)
    session.add(appointment)
    session.flush()
    return appointment


def make_quote(session, account: Account, rep: User, **fields) -> QuoteRequest:
    quote = QuoteRequest(id=new_id(), account_id=account.id, rep_id=rep.id,
                         items=fields.pop("items", [{"label": "Révision moteur", "quantity": 1, "unit": "u"}]),
                         product_line=fields.pop("product_line", "maintenance"), **fields)
    session.add(quote)
    session.flush()
    return quote


def actor(user: User) -> Actor:
    return Actor.of(user)


def token_headers(app, user: User) -> dict[str, str]:
    """Bearer headers for `user` without going through the login endpoint (fast)."""
    from server.extensions import db
    from server.users.tokens import issue_pair
    pair = issue_pair(session=db.session, user=user)
    db.session.commit()
    return {"Authorization": f"Bearer {pair['access_token']}"}


def make_custom_field(session, key: str, type: str = "number", *, entity: str = "account",  # noqa: A002
                      options: list | None = None, required: bool = False) -> CustomField:
    """A custom field definition (API.md → Custom fields), labelled after its key."""
    definition = CustomField(key=key, entity=entity, type=type, options=options, required=required,
                             label={"fr": key, "en": key})
    session.add(definition)
    session.flush()
    return definition

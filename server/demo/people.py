"""The demo's people and organisation: teams, users, technical teams, routing, commercial model.

Users go through `server.users.service.create_user` (the one place that hashes
passwords and checks e-mails); each is looked up first, so a run that stopped
half-way picks up where it was.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select

from server.demo.places import TIMEZONE, TOWNS, WORKING_HOURS, Town
from server.quotes.models import RoutingRule, TechnicalTeam
from server.segmentation.defaults import default_definition
from server.segmentation.models import CommercialModel
from server.users.models import Team, User
from server.users.service import create_user

PASSWORD = "tournee-demo"
FIRST_TEAM = "Bourgogne-Franche-Comté"
REP_NAMES = ("Julie Martin", "Thomas Bernard", "Camille Petit", "Nicolas Roux", "Sophie Lefèvre")


@dataclass
class Rep:
    user: User
    town: Town
    index: int  # 1-based: rep1 … repN
    tele_id: str


@dataclass
class Cast:
    reps: list[Rep] = field(default_factory=list)
    backoffice_id: str | None = None
    tech_teams: dict[str, str] = field(default_factory=dict)  # "default" / "moteurs" → id
    users_created: int = 0


def admin_exists(session) -> bool:
    return session.scalar(select(User.id).where(User.email == "admin@example.com")) is not None


def _team(session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def _user(session, cast: Cast, email: str, name: str, role: str, team_id: str | None, **profile) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = create_user(session=session, email=email, name=name, role=role, team_id=team_id,
                           password=PASSWORD, **profile)
        cast.users_created += 1
    return user


def _rep_profile(town: Town) -> dict:
    # The home's address in the user's three fields, as the people form or an import fills them.
    return {"timezone": TIMEZONE, "home_lat": town.lat, "home_lon": town.lon, "home_address": town.street,
            "home_postcode": town.postcode, "home_city": town.name, "working_hours": WORKING_HOURS,
            "ics_token": secrets.token_urlsafe(24)}


def make_cast(session, *, reps: int, reps_per_team: int) -> Cast:
    """Teams and users: rep1…rep5 with their manager and telemarketer (more teams at the large scale)."""
    cast = Cast()
    service = _tech_team(session, "Service technique", is_default=True)
    engines = _tech_team(session, "Atelier moteurs", is_default=False)
    if session.scalar(select(RoutingRule.id).where(RoutingRule.team_id == engines.id)) is None:
        session.add(RoutingRule(team_id=engines.id, product_line="moteurs", priority=10))
    cast.tech_teams = {"default": service.id, "moteurs": engines.id}
    backoffice = _user(session, cast, "backoffice@example.com", "Luc Garnier", "backoffice", None)
    # Luc answers for both teams: "Atelier moteurs" has no channel of its own, and a team
    # with neither a member nor a channel would receive the motor quotes for nobody to see.
    for tech_team in (service, engines):
        if tech_team not in backoffice.technical_teams:
            backoffice.technical_teams.append(tech_team)
    cast.backoffice_id = backoffice.id
    for team_no in range(1, (reps + reps_per_team - 1) // reps_per_team + 1):
        suffix = "" if team_no == 1 else str(team_no)
        team = _team(session, FIRST_TEAM if team_no == 1 else f"Secteur {team_no:02d}")
        manager = _user(session, cast, f"manager{suffix}@example.com", f"Claire Dubois {suffix}".strip(),
                        "manager", team.id)
        # The README presents Claire Dubois as the team's manager: the people screen shows her.
        if team.manager_id is None:
            team.manager_id = manager.id
        tele = _user(session, cast, f"tele{suffix}@example.com", f"Émilie Fournier {suffix}".strip(),
                     "telemarketer", team.id)
        first = (team_no - 1) * reps_per_team + 1
        for index in range(first, min(reps, first + reps_per_team - 1) + 1):
            town = TOWNS[(index - 1) % len(TOWNS)]
            name = REP_NAMES[index - 1] if index <= len(REP_NAMES) else f"Commercial {index}"
            user = _user(session, cast, f"rep{index}@example.com", name, "rep", team.id, **_rep_profile(town))
            cast.reps.append(Rep(user=user, town=town, index=index, tele_id=tele.id))
    session.flush()
    return cast


def _tech_team(session, name: str, *, is_default: bool) -> TechnicalTeam:
    team = session.scalar(select(TechnicalTeam).where(TechnicalTeam.name == name))
    if team is None:
        team = TechnicalTeam(name=name, channel="inbox", is_default=is_default)
        session.add(team)
        session.flush()
    return team


def active_model(session) -> CommercialModel:
    """The active commercial model, creating version 1 from the defaults when there is none."""
    model = session.scalar(select(CommercialModel).where(CommercialModel.active.is_(True)))
    if model is None:
        latest = session.scalar(select(func.max(CommercialModel.version))) or 0
        model = CommercialModel(version=latest + 1, active=True, definition=_initial_definition(),
                                note="Modèle par défaut (démo)")
        session.add(model)
        session.flush()
    return model


def _initial_definition() -> dict:
    """The definition the segmentation service would store first (defaults plus follow-ups, normalised)."""
    try:
        from server.segmentation.service import initial_definition
    except ImportError:  # the service is optional to the demo; the defaults are the same model
        return default_definition()
    return initial_definition()


def make_admin(session, cast: Cast) -> User:
    """Last of all: its presence marks a complete demo."""
    return _user(session, cast, "admin@example.com", "Administrateur", "admin", None)

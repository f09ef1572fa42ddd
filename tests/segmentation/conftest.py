"""A small company for the commercial-model tests: a team of two reps, a manager,
a telemarketer, an admin and a rep of another team, with headers for each."""
from __future__ import annotations

import pytest

from server.segmentation.service import initial_definition
from tests.factories import make_account, make_team, make_user, token_headers

# Criteria data that scores high on both axes with the default model (→ A),
# high on weight only (→ B) and low on both (→ C).
HIGH_BOTH = {"revenue_last_year": 250_000, "orders_last_year": 30, "revenue_trend_3y": 25, "employees": 300,
             "sector": "aéronautique", "maintenance_inhouse": False, "purchasing_autonomy": True}
HIGH_WEIGHT = {"revenue_last_year": 250_000, "orders_last_year": 30, "revenue_trend_3y": -20, "employees": 5,
               "sector": "négoce", "maintenance_inhouse": True, "purchasing_autonomy": False}
LOW_BOTH = {"revenue_last_year": 1_000, "orders_last_year": 0, "employees": 5}


class World(dict):
    __getattr__ = dict.__getitem__


@pytest.fixture
def world(app, session):
    team, other_team = make_team(session), make_team(session)
    w = World(
        team=team,
        rep=make_user(session, "rep", team=team, email="rep.a@test.example"),
        rep2=make_user(session, "rep", team=team, email="rep.b@test.example"),
        manager=make_user(session, "manager", team=team),
        tele=make_user(session, "telemarketer", team=team),
        backoffice=make_user(session, "backoffice"),
        admin=make_user(session, "admin"),
        outsider=make_user(session, "rep", team=other_team, email="rep.z@test.example"),
    )
    session.commit()
    return w


@pytest.fixture
def headers(app, world):
    cache: dict[str, dict] = {}

    def of(name: str) -> dict[str, str]:
        if name not in cache:
            cache[name] = token_headers(app, world[name])
        return cache[name]
    return of


@pytest.fixture
def accounts(session, world):
    """Three accounts of rep (A-, B- and C-like data, all stored as B) and one of the outsider."""
    made = World(
        gold=make_account(session, world.rep, name="Aéro Maintenance", custom=dict(HIGH_BOTH)),
        silver=make_account(session, world.rep, name="Négoce Bourgogne", custom=dict(HIGH_WEIGHT)),
        bronze=make_account(session, world.rep, name="Petit Garage", custom=dict(LOW_BOTH)),
        foreign=make_account(session, world.outsider, name="Ailleurs SA", custom=dict(HIGH_BOTH)),
    )
    session.commit()
    return made


def definition(**changes):
    """The default definition with some sections replaced."""
    d = initial_definition()
    d.update(changes)
    return d

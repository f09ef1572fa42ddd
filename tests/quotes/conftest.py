"""Fixtures of the quote specs: a rep with an account and a contact, staff, loopback receivers."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.channels.receivers import http_receiver, smtp_receiver  # noqa: F401 (fixtures)
from tests.factories import make_account, make_contact, make_team, make_user, token_headers


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    admin = make_user(session, "admin")
    account = make_account(session, rep, postcode="21000", name="Aéro Maintenance Dijon")
    contact = make_contact(session, account, name="Claire Technique", email="claire@aero.example")
    session.commit()
    return SimpleNamespace(team=team, rep=rep, manager=manager, admin=admin, account=account, contact=contact)


@pytest.fixture
def headers(app, world):
    cache = {}

    def of(user):
        if user.id not in cache:
            cache[user.id] = token_headers(app, user)
        return cache[user.id]
    return of


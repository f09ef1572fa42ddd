"""Scope for every role on every record endpoint: own objects answer, foreign ones are 404.

A table of role × endpoint × own/foreign object (API.md → Sync → Scope): the same
scope code serves REST and sync, so this also pins what a pull may contain.
"""
from __future__ import annotations

import pytest

from tests.factories import (
    make_account, make_appointment, make_contact, make_quote, make_team, make_tech_team, make_user, make_visit,
    token_headers,
)

PATHS = {"account": "accounts", "contact": "contacts", "visit": "visits", "appointment": "appointments",
         "quote": "quotes"}


@pytest.fixture
def world(app, session):
    team, other_team = make_team(session), make_team(session)
    tech, other_tech = make_tech_team(session), make_tech_team(session)
    rep = make_user(session, "rep", team=team)
    colleague = make_user(session, "rep", team=team)
    stranger = make_user(session, "rep", team=other_team)
    users = {
        "rep": rep,
        "telemarketer": make_user(session, "telemarketer", team=team),
        "manager": make_user(session, "manager", team=team),
        "backoffice": make_user(session, "backoffice", tech_teams=[tech]),
        "admin": make_user(session, "admin"),
    }
    records = {}
    for label, owner, tt in (("own", rep, tech), ("colleague", colleague, other_tech), ("stranger", stranger, other_tech)):
        account = make_account(session, owner)
        records[label] = {
            "account": account, "contact": make_contact(session, account), "visit": make_visit(session, account, owner),
            "appointment": make_appointment(session, account, owner),
            "quote": make_quote(session, account, owner, status="routed", team_id=tt.id),
        }
    session.commit()
    return users, records


# role → which of (own, colleague, stranger) it sees, per entity
VISIBLE = {
    "rep": {"account": {"own"}, "contact": {"own"}, "visit": {"own"}, "appointment": {"own"}, "quote": {"own"}},
    "telemarketer": {"account": {"own", "colleague"}, "contact": {"own", "colleague"}, "visit": set(),
                     "appointment": {"own", "colleague"}, "quote": set()},
    "manager": {e: {"own", "colleague"} for e in PATHS},
    "backoffice": {"account": {"own"}, "contact": {"own"}, "visit": set(), "appointment": set(), "quote": {"own"}},
    "admin": {e: {"own", "colleague", "stranger"} for e in PATHS},
}


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("entity", list(PATHS))
def test_get_answers_in_scope_and_404_outside(app, client, world, role, entity):
    users, records = world
    headers = token_headers(app, users[role])
    for label in ("own", "colleague", "stranger"):
        record = records[label][entity]
        response = client.get(f"/api/{PATHS[entity]}/{record.id}", headers=headers)
        expected = 200 if label in VISIBLE[role][entity] else 404
        assert response.status_code == expected, (role, entity, label, response.get_json())
        if expected == 404:
            assert response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("entity", list(PATHS))
def test_list_contains_exactly_the_scope(app, client, world, role, entity):
    users, records = world
    response = client.get(f"/api/{PATHS[entity]}?per_page=100", headers=token_headers(app, users[role]))
    assert response.status_code == 200
    body = response.get_json()
    ids = {item["id"] for item in body["items"]}
    expected = {records[label][entity].id for label in VISIBLE[role][entity]}
    assert ids == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("role", ["rep", "telemarketer", "backoffice"])
def test_patch_of_a_foreign_account_is_404_and_changes_nothing(app, client, world, role):
    users, records = world
    foreign = records["stranger"]["account"]
    response = client.patch(f"/api/accounts/{foreign.id}", json={"changes": {"phone": "+33 0"}},
                            headers=token_headers(app, users[role]))
    assert response.status_code == 404
    admin = token_headers(app, users["admin"])
    assert client.get(f"/api/accounts/{foreign.id}", headers=admin).get_json()["phone"] != "+33 0"


def test_rep_may_not_give_its_account_away_or_set_its_version(app, client, world):
    users, records = world
    own = records["own"]["account"]
    headers = token_headers(app, users["rep"])
    for changes, field in (({"owner_id": users["manager"].id}, "owner_id"), ({"version": 1}, "version"),
                           ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"), ({"segment": "A"}, "segment")):
        response = client.patch(f"/api/accounts/{own.id}", json={"changes": changes}, headers=headers)
        assert response.status_code == 422, response.get_json()
        assert field in response.get_json()["errors"]


def test_telemarketer_and_backoffice_cannot_edit_accounts(app, client, world):
    users, records = world
    own = records["own"]["account"]
    for role in ("telemarketer", "backoffice"):
        response = client.patch(f"/api/accounts/{own.id}", json={"changes": {"phone": "+33 1"}},
                                headers=token_headers(app, users[role]))
        assert response.status_code in (404, 422), (role, response.get_json())
        assert response.headers["Content-Type"] == "application/problem+json"


def test_rep_may_not_delete_a_visit(app, client, world):
    users, records = world
    visit = records["own"]["visit"]
    response = client.delete(f"/api/visits/{visit.id}", headers=token_headers(app, users["rep"]))
    assert response.status_code == 422
    assert client.get(f"/api/visits/{visit.id}", headers=token_headers(app, users["rep"])).status_code == 200

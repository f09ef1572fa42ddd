"""Company set-up of who answers quotes and of empty teams: a back-office user's technical
teams (`technical_team_ids` on `/api/users`) and deleting a sales team (`DELETE /api/teams/{id}`)."""
from __future__ import annotations

import pytest

from tests.factories import make_team, make_tech_team, make_user, token_headers
from tests.users.conftest import assert_problem

UNKNOWN = "0190f0e0-0000-7000-8000-000000000000"


@pytest.fixture
def company(session):
    team = make_team(session, "Bourgogne")
    admin = make_user(session, "admin", email="ada@test.example")
    manager = make_user(session, "manager", team=team, email="max@test.example")
    engines, service = make_tech_team(session, "Atelier moteurs"), make_tech_team(session, "Service technique")
    session.commit()
    return {"team": team, "admin": admin, "manager": manager, "engines": engines, "service": service}


def test_an_admin_creates_a_technician_in_its_technical_teams(app, client, company):
    admin = token_headers(app, company["admin"])
    body = {"email": "tech@test.example", "name": "Marc Lambert", "role": "backoffice",
            "technical_team_ids": [company["service"].id, company["engines"].id]}
    made = client.post("/api/users", json=body, headers=admin)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["technical_team_ids"] == sorted([company["service"].id, company["engines"].id])
    shown = client.get(f"/api/users/{made.get_json()['id']}", headers=admin).get_json()
    assert shown["technical_team_ids"] == made.get_json()["technical_team_ids"]
    # the team's own page lists its new member
    team = client.get(f"/api/admin/technical-teams/{company['engines'].id}", headers=admin).get_json()
    assert team["member_ids"] == [shown["id"]]


def test_a_technicians_teams_are_replaced_and_kept_when_left_out(app, client, company):
    admin = token_headers(app, company["admin"])
    tech = client.post("/api/users", json={"email": "tech@test.example", "name": "Marc", "role": "backoffice",
                                           "technical_team_ids": [company["service"].id]}, headers=admin).get_json()
    moved = client.patch(f"/api/users/{tech['id']}", json={"technical_team_ids": [company["engines"].id]}, headers=admin)
    assert moved.status_code == 200 and moved.get_json()["technical_team_ids"] == [company["engines"].id]
    renamed = client.patch(f"/api/users/{tech['id']}", json={"name": "Marc Lambert"}, headers=admin)
    assert renamed.get_json()["technical_team_ids"] == [company["engines"].id]
    emptied = client.patch(f"/api/users/{tech['id']}", json={"technical_team_ids": []}, headers=admin)
    assert emptied.get_json()["technical_team_ids"] == []


def test_the_new_team_reaches_the_technicians_sign_in_at_once(app, client, company):
    """Its technical teams are part of who the user is (`GET /api/me`): the change shows on its next request."""
    admin = token_headers(app, company["admin"])
    tech = client.post("/api/users", json={"email": "tech@test.example", "name": "Marc", "role": "backoffice"},
                       headers=admin).get_json()
    from server.extensions import db
    from server.users.models import User
    mine = token_headers(app, db.session.get(User, tech["id"]))
    assert client.get("/api/me", headers=mine).get_json()["technical_team_ids"] == []
    client.patch(f"/api/users/{tech['id']}", json={"technical_team_ids": [company["engines"].id]}, headers=admin)
    assert client.get("/api/me", headers=mine).get_json()["technical_team_ids"] == [company["engines"].id]


@pytest.mark.parametrize("ids", [[UNKNOWN], ["not-an-id"]])
def test_an_unknown_technical_team_is_a_422_naming_the_field(app, client, company, ids):
    body = {"email": "tech@test.example", "name": "Marc", "role": "backoffice", "technical_team_ids": ids}
    doc = assert_problem(client.post("/api/users", json=body, headers=token_headers(app, company["admin"])),
                         422, "validation")
    # a malformed id is named with its place in the list, as for any list field: technical_team_ids.0
    assert [key.split(".")[0] for key in doc["errors"]] == ["technical_team_ids"]


def test_technical_teams_are_for_back_office_users_only(app, client, company):
    admin = token_headers(app, company["admin"])
    body = {"email": "rep@test.example", "name": "Rita", "role": "rep", "team_id": company["team"].id,
            "technical_team_ids": [company["engines"].id]}
    doc = assert_problem(client.post("/api/users", json=body, headers=admin), 422, "validation")
    assert doc["errors"] == {"technical_team_ids": ["Réservé aux utilisateurs du service technique."]}
    # a technician who becomes a rep leaves its technical teams: no rep reads a team's inbox
    tech = client.post("/api/users", json={"email": "tech@test.example", "name": "Marc", "role": "backoffice",
                                           "technical_team_ids": [company["engines"].id]}, headers=admin).get_json()
    became = client.patch(f"/api/users/{tech['id']}", json={"role": "rep", "team_id": company["team"].id}, headers=admin)
    assert became.status_code == 200 and became.get_json()["technical_team_ids"] == []


def test_a_manager_sets_no_technical_team(app, client, company):
    manager = token_headers(app, company["manager"])
    body = {"email": "rep@test.example", "name": "Rita", "role": "rep", "team_id": company["team"].id,
            "technical_team_ids": [company["engines"].id]}
    doc = assert_problem(client.post("/api/users", json=body, headers=manager), 422, "validation")
    assert set(doc["errors"]) == {"technical_team_ids"}


def test_an_empty_sales_team_is_deleted_by_an_admin(app, client, session, company):
    empty = make_team(session, "Ancien secteur")
    session.commit()
    assert_problem(client.delete(f"/api/teams/{empty.id}", headers=token_headers(app, company["manager"])),
                   404, "not_found")
    admin = token_headers(app, company["admin"])
    assert client.delete(f"/api/teams/{empty.id}", headers=admin).status_code == 204
    assert empty.id not in [t["id"] for t in client.get("/api/teams", headers=admin).get_json()["items"]]
    assert_problem(client.delete(f"/api/teams/{empty.id}", headers=admin), 404, "not_found")


def test_a_team_with_members_is_not_deleted(app, client, session, company):
    left = make_team(session, "Secteur 02")
    make_user(session, "rep", team=left, active=False)  # even an inactive member keeps it
    session.commit()
    admin = token_headers(app, company["admin"])
    doc = assert_problem(client.delete(f"/api/teams/{left.id}", headers=admin), 409, "team_has_members")
    assert doc["detail"] == "Cette équipe a encore des membres : rattachez-les d’abord à une autre équipe."
    assert left.id in [t["id"] for t in client.get("/api/teams", headers=admin).get_json()["items"]]

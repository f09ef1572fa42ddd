"""Company set-up by API (API.md → Company set-up): users and teams, scope, deactivation."""
from __future__ import annotations

import re

import pytest

from tests.channels.receivers import smtp_receiver  # noqa: F401 (fixture)
from tests.factories import make_team, make_user, token_headers
from tests.users.conftest import assert_problem, bearer, login

HOURS = {"mon": ["08:30", "18:00"], "tue": ["08:30", "18:00"], "sat": None, "lunch": ["12:00", "14:00", 60]}


@pytest.fixture
def company(session):
    team = make_team(session, "Bourgogne")
    other = make_team(session, "Alsace")
    admin = make_user(session, "admin", email="ada@test.example")
    manager = make_user(session, "manager", team=team, email="max@test.example")
    rep = make_user(session, "rep", team=team, email="rita@test.example")
    stranger = make_user(session, "rep", team=other, email="otto@test.example")
    session.commit()
    return {"team": team, "other": other, "admin": admin, "manager": manager, "rep": rep, "stranger": stranger}


def test_admin_creates_a_rep_with_home_hours_and_an_invitation(app, client, company, smtp_receiver):
    receiver = smtp_receiver()
    app.config["SMTP_URL"] = receiver.url()
    body = {"email": "Nina@Test.example", "name": "Nina Neuve", "role": "rep", "team_id": company["team"].id,
            "home": {"address": "3 rue de la Gare", "postcode": "21200", "city": "Meursanges"},
            "working_hours": HOURS, "locale": "en", "time_zone": "Europe/Paris"}
    response = client.post("/api/users", json=body, headers=token_headers(app, company["admin"]))
    assert response.status_code == 201, response.get_data(as_text=True)
    user = response.get_json()
    assert user["email"] == "nina@test.example" and user["active"] is True and user["locale"] == "en"
    assert user["working_hours"] == HOURS and user["time_zone"] == "Europe/Paris"
    assert user["home"]["city"] == "Meursanges"
    assert user["home"]["lat"] == pytest.approx(46.99, abs=0.05) and user["home"]["lon"] == pytest.approx(4.94, abs=0.05)
    (message,) = receiver.handler.messages
    assert message["To"] == "nina@test.example"
    link = re.search(r"#/password/(\S+)", message.get_content()).group(1)
    assert client.post("/api/auth/login", json={"email": "nina@test.example", "password": "x" * 14}).status_code == 401
    assert client.post("/api/auth/password-reset/confirm",
                       json={"token": link, "password": "cinq moutons sur la colline"}).status_code == 204
    assert login(client, "nina@test.example", "cinq moutons sur la colline").status_code == 200
    again = client.post("/api/auth/password-reset/confirm", json={"token": link, "password": "un autre mot de passe"})
    assert_problem(again, 400, "bad_link")


def test_a_used_email_is_a_409(app, client, company):
    body = {"email": "RITA@test.example", "name": "Rita Bis", "role": "rep", "team_id": company["team"].id}
    response = client.post("/api/users", json=body, headers=token_headers(app, company["admin"]))
    assert_problem(response, 409, "email_taken")


@pytest.mark.parametrize("bad", [{"time_zone": "Europe/Dijon"}, {"locale": "de"},
                                 {"working_hours": {"mon": ["18:00", "08:00"]}},
                                 {"working_hours": {"funday": ["08:00", "12:00"]}}, {"role": "king"}])
def test_bad_fields_are_a_422_naming_the_field(app, client, company, bad):
    body = {"email": "new@test.example", "name": "New", "role": "rep", "team_id": company["team"].id, **bad}
    response = client.post("/api/users", json=body, headers=token_headers(app, company["admin"]))
    doc = assert_problem(response, 422, "validation")
    assert set(bad) <= set(doc["errors"])


def test_a_manager_sees_and_creates_in_its_team_only(app, client, company):
    headers = token_headers(app, company["manager"])
    listed = client.get("/api/users", headers=headers).get_json()
    assert {u["email"] for u in listed["items"]} == {"max@test.example", "rita@test.example"}
    assert listed["total"] == 2
    assert_problem(client.get(f"/api/users/{company['stranger'].id}", headers=headers), 404, "not_found")
    assert_problem(client.patch(f"/api/users/{company['stranger'].id}", json={"name": "X"}, headers=headers),
                   404, "not_found")
    made = client.post("/api/users", json={"email": "tel@test.example", "name": "Tel", "role": "telemarketer",
                                           "team_id": company["team"].id}, headers=headers)
    assert made.status_code == 201
    elsewhere = client.post("/api/users", json={"email": "t2@test.example", "name": "T2", "role": "rep",
                                                "team_id": company["other"].id}, headers=headers)
    assert_problem(elsewhere, 422, "forbidden")
    boss = client.post("/api/users", json={"email": "b@test.example", "name": "B", "role": "admin",
                                           "team_id": company["team"].id}, headers=headers)
    assert_problem(boss, 422, "forbidden")


def test_the_user_list_takes_limit_like_the_other_lists(app, client, company):
    headers = token_headers(app, company["admin"])
    everyone = client.get("/api/users", headers=headers).get_json()
    assert everyone["total"] == 4 and len(everyone["items"]) == 4
    first = client.get("/api/users?limit=3", headers=headers).get_json()
    assert first["total"] == 4 and [u["id"] for u in first["items"]] == [u["id"] for u in everyone["items"][:3]]
    rest = client.get("/api/users?limit=3&page=2", headers=headers).get_json()
    assert [u["id"] for u in rest["items"]] == [everyone["items"][3]["id"]]
    same = client.get("/api/users?per_page=3&page=2", headers=headers).get_json()
    assert same["items"] == rest["items"]
    for bad in ("limit=0", "limit=1001", "per_page=0", "page=0"):
        doc = assert_problem(client.get(f"/api/users?{bad}", headers=headers), 422, "validation")
        assert bad.split("=")[0] in str(doc["errors"]) and "Unknown field" not in str(doc["errors"])


def test_a_rep_sees_only_itself_and_creates_nobody(app, client, company):
    headers = token_headers(app, company["rep"])
    assert [u["id"] for u in client.get("/api/users", headers=headers).get_json()["items"]] == [company["rep"].id]
    response = client.post("/api/users", json={"email": "z@test.example", "name": "Z", "role": "rep"},
                           headers=headers)
    assert_problem(response, 404, "not_found")


def test_deactivating_revokes_every_token_at_once(app, client, company):
    from server.extensions import db
    company["rep"].ics_token = "feed-of-a-leaving-rep"
    db.session.commit()
    feed = f"/api/reps/{company['rep'].id}/agenda.ics?token=feed-of-a-leaving-rep"
    assert client.get(feed).status_code == 200
    first = login(client).get_json()
    second = login(client).get_json()
    assert client.get("/api/me", headers=bearer(first["access_token"])).status_code == 200
    response = client.patch(f"/api/users/{company['rep'].id}", json={"active": False},
                            headers=token_headers(app, company["manager"]))
    assert response.status_code == 200 and response.get_json()["active"] is False
    for pair in (first, second):
        assert_problem(client.get("/api/me", headers=bearer(pair["access_token"])), 401, "unauthorized")
        assert client.post("/api/auth/refresh", headers=bearer(pair["refresh_token"])).status_code == 401
    assert_problem(login(client), 401, "unauthorized")
    assert client.get(feed).status_code == 404  # its calendar feed stops answering too


def test_teams_are_created_and_changed_by_an_admin(app, client, company):
    admin = token_headers(app, company["admin"])
    made = client.post("/api/teams", json={"name": "Moselle", "manager_id": company["manager"].id,
                                           "holidays": "FR-57"}, headers=admin)
    assert made.status_code == 201, made.get_data(as_text=True)
    team = made.get_json()
    assert team["holidays"] == "FR-57" and team["manager_id"] == company["manager"].id
    changed = client.patch(f"/api/teams/{team['id']}", json={"holidays": "FR"}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["holidays"] == "FR"
    assert_problem(client.post("/api/teams", json={"name": "X", "holidays": "XX-99"}, headers=admin),
                   422, "validation")
    manager = token_headers(app, company["manager"])
    assert [t["id"] for t in client.get("/api/teams", headers=manager).get_json()["items"]] == [team["id"]]
    assert_problem(client.post("/api/teams", json={"name": "Mine"}, headers=manager), 404, "not_found")
    assert_problem(client.patch(f"/api/teams/{company['other'].id}", json={"name": "Mine"}, headers=manager),
                   404, "not_found")


def test_a_leaving_reps_accounts_go_to_others_in_postcode_blocks(app, client, session, company):
    from sqlalchemy import select

    from server.accounts.models import Account
    from tests.factories import make_account
    heir = make_user(session, "rep", team=company["team"], email="hugo@test.example")
    for n, code in enumerate(["21000", "21200", "39100", "71100"]):
        make_account(session, company["rep"], name=f"Compte {n}", postcode=code)
    session.commit()
    manager = token_headers(app, company["manager"])
    outside = client.post(f"/api/users/{company['rep'].id}/reassign", json={"to": [company["stranger"].id]},
                          headers=manager)
    assert_problem(outside, 422, "validation")
    response = client.post(f"/api/users/{company['rep'].id}/reassign", json={"to": [heir.id, company["rep"].id]},
                           headers=manager)
    assert_problem(response, 422, "validation")
    response = client.post(f"/api/users/{company['rep'].id}/reassign", json={"to": [heir.id]}, headers=manager)
    assert response.status_code == 200 and response.get_json() == {"moved": 4}
    session.expire_all()
    owners = set(session.scalars(select(Account.owner_id)))
    assert owners == {heir.id}


def test_users_and_teams_are_listed_in_the_order_a_french_reader_expects(app, client, session, company):
    """Accents and case do not push a name to the end (code-point order put "Émilie" and
    "éric" after "Thomas" on SQLite and on a PostgreSQL database whose collation is C)."""
    for name in ("Thomas Roux", "Émilie Blanc", "éric Petit", "Zoé Marchand", "Aurélie Faure"):
        make_user(session, "rep", team=company["team"], name=name)
    for name in ("Île-de-France", "Bretagne", "Étoile du Sud"):
        make_team(session, name)
    session.commit()
    headers = token_headers(app, company["admin"])
    names = [u["name"] for u in client.get("/api/users", headers=headers).get_json()["items"]]
    ours = [n for n in names if n in ("Thomas Roux", "Émilie Blanc", "éric Petit", "Zoé Marchand", "Aurélie Faure")]
    assert ours == ["Aurélie Faure", "Émilie Blanc", "éric Petit", "Thomas Roux", "Zoé Marchand"]
    paged = client.get("/api/users?per_page=3&page=1", headers=headers).get_json()["items"]
    assert [u["name"] for u in paged] == names[:3]
    teams = [t["name"] for t in client.get("/api/teams", headers=headers).get_json()["items"]]
    assert teams == ["Alsace", "Bourgogne", "Bretagne", "Étoile du Sud", "Île-de-France"]


def test_the_lunch_break_is_saved_shown_back_and_changed(app, client, company):
    headers = token_headers(app, company["admin"])
    body = {"email": "lea@test.example", "name": "Léa Midi", "role": "rep", "team_id": company["team"].id,
            "working_hours": {"mon": ["08:30", "18:00"], "lunch": ["12:30", "14:00", 45]}}
    created = client.post("/api/users", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    user_id = created.get_json()["id"]
    assert client.get(f"/api/users/{user_id}", headers=headers).get_json()["working_hours"]["lunch"] == ["12:30", "14:00", 45]
    hours = {"mon": ["08:30", "18:00"], "lunch": ["11:45", "13:15", 30]}
    changed = client.patch(f"/api/users/{user_id}", json={"working_hours": hours}, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    listed = {u["id"]: u for u in client.get("/api/users", headers=headers).get_json()["items"]}
    assert listed[user_id]["working_hours"]["lunch"] == ["11:45", "13:15", 30]


@pytest.mark.parametrize(("lunch", "message"), [
    (["12:00", "14:00"], 'lunch: ["HH:MM", "HH:MM", minutes], the window\'s start and end and the break\'s length.'),
    (["12h", "14:00", 60], 'lunch: ["HH:MM", "HH:MM", minutes], the window\'s start and end and the break\'s length.'),
    (["14:00", "12:00", 60], "lunch: the window must start before it ends."),
    (["12:00", "14:00", 0], "lunch: the break lasts 1 to 240 minutes (a whole number)."),
    (["12:00", "14:00", 45.5], "lunch: the break lasts 1 to 240 minutes (a whole number)."),
    (["12:00", "14:00", True], "lunch: the break lasts 1 to 240 minutes (a whole number)."),
])
def test_a_wrong_lunch_break_is_a_422_saying_what_is_wrong(app, client, company, lunch, message):
    response = client.patch(f"/api/users/{company['rep'].id}", json={"working_hours": {"lunch": lunch}},
                            headers={**token_headers(app, company["admin"]), "Accept-Language": "en"})
    doc = assert_problem(response, 422, "validation")
    assert doc["errors"] == {"working_hours": [message]}


def test_a_wrong_lunch_break_is_explained_in_french(app, client, company):
    headers = {**token_headers(app, company["admin"]), "Accept-Language": "fr"}
    response = client.patch(f"/api/users/{company['rep'].id}",
                            json={"working_hours": {"lunch": ["14:00", "12:00", 60]}}, headers=headers)
    doc = assert_problem(response, 422, "validation")
    assert doc["errors"] == {"working_hours": ["lunch : la plage de la pause doit commencer avant de finir."]}

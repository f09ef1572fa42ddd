"""Two tablets creating the same company offline end with one account (PROTOCOL P10)."""
from __future__ import annotations

import pytest

from server.db import new_id
from server.users.models import Team
from tests.factories import make_custom_field, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, later, mutation


@pytest.fixture
def rep(app, session):
    rep = make_user(session, "rep", team=make_team(session))
    make_custom_field(session, "siret", "text")
    session.commit()
    return rep


@pytest.fixture
def tablets(app, client, rep):
    headers = token_headers(app, rep)
    return Tablet(client, headers), Tablet(client, headers)


def _accounts(client, tablet):
    return client.get("/api/accounts?per_page=100", headers=tablet.headers).get_json()["items"]


def test_the_second_create_links_to_the_first_and_its_contact_follows(client, tablets):
    first, second = tablets
    one, two = new_id(), new_id()
    first.push(mutation("account", "create", one, {"name": "Boulangerie Roux", "postcode": "21000",
                                                   "phone": "03 80 11 11 11"}, client_time=later(-60)))
    contact = new_id()
    results = second.push(
        mutation("account", "create", two, {"name": "BOULANGERIE ROUX, SARL", "postcode": "21000",
                                            "phone": "03 80 22 22 22", "email": "contact@roux.example"},
                 client_time=later(-30)),
        mutation("contact", "create", contact, {"account_id": two, "name": "Mme Roux", "roles": ["decision_maker"]}),
        mutation("account", "update", two, {"notes": "vitrine refaite"}, base_version=0))["results"]
    linked = results[0]
    assert (linked["status"], linked["id"], linked["linked_from"]) == ("conflict", one, two)
    assert linked["conflicts"] == [  # the first tablet's values stay; the second's are in the log
        {"field": "name", "yours": "BOULANGERIE ROUX, SARL", "theirs": "Boulangerie Roux", "kept": "theirs"},
        {"field": "phone", "yours": "03 80 22 22 22", "theirs": "03 80 11 11 11", "kept": "theirs"}]
    assert [r["status"] for r in results[1:]] == ["applied", "merged"]
    accounts = _accounts(client, first)
    assert [a["id"] for a in accounts] == [one]
    assert (accounts[0]["email"], accounts[0]["notes"]) == ("contact@roux.example", "vitrine refaite")
    held = client.get(f"/api/contacts/{contact}", headers=first.headers).get_json()
    assert held["account_id"] == one
    log = client.get("/api/sync/conflicts", headers=second.headers).get_json()
    assert {(c["record_id"], c["field"], c["lost_value"]) for c in log} == {
        (one, "name", "BOULANGERIE ROUX, SARL"), (one, "phone", "03 80 22 22 22")}
    again = second.push(mutation("account", "create", two, {"name": "Boulangerie Roux", "postcode": "21000"},
                                 mutation_id=linked["mutation_id"]))["results"][0]
    assert again == linked  # a replay answers from the ledger


def test_the_same_siret_links_whatever_the_name(client, tablets):
    first, second = tablets
    one = new_id()
    first.push(mutation("account", "create", one, {"name": "Garage Central", "custom": {"siret": "123 456 789 00011"}}))
    result = second.push(mutation("account", "create", new_id(), {"name": "Central Autos",
                                                                  "custom": {"siret": "12345678900011"}}))["results"][0]
    assert result["id"] == one
    assert [a["id"] for a in _accounts(client, first)] == [one]


def test_a_namesake_elsewhere_is_another_account(client, tablets):
    first, second = tablets
    first.push(mutation("account", "create", new_id(), {"name": "Boulangerie Roux", "postcode": "21000"}))
    result = second.push(mutation("account", "create", new_id(), {"name": "Boulangerie Roux", "postcode": "71100"}))
    assert result["results"][0]["status"] == "applied" and "linked_from" not in result["results"][0]
    assert len(_accounts(client, first)) == 2


def test_two_reps_creating_one_company_get_a_merge_suggestion_their_manager_sees(app, client, session, rep):
    team = session.get(Team, rep.team_id)
    other, manager = make_user(session, "rep", team=team), make_user(session, "manager", team=team)
    session.commit()
    mine, theirs = Tablet(client, token_headers(app, rep)), Tablet(client, token_headers(app, other))
    one, two = new_id(), new_id()
    mine.push(mutation("account", "create", one, {"name": "Menuiserie Petit", "postcode": "21000"}))
    result = theirs.push(mutation("account", "create", two, {"name": "menuiserie PETIT", "postcode": "21000"}))
    assert result["results"][0]["id"] == two  # the other rep's account is out of its scope: not linked
    body = client.get("/api/accounts/duplicates", headers=token_headers(app, manager)).get_json()
    assert [(g["by"], [a["id"] for a in g["accounts"]]) for g in body["items"]] == [("name", [one, two])]
    concerned = client.get("/api/accounts/duplicates", headers=mine.headers).get_json()
    assert [[a["id"] for a in g["accounts"]] for g in concerned["items"]] == [[one, two]]  # the reps concerned too
    bystander = make_user(session, "rep", team=team)
    session.commit()
    assert client.get("/api/accounts/duplicates", headers=token_headers(app, bystander)).get_json()["items"] == []

"""Customisable account statuses: a managed list, each mapped to a lifecycle kind that tours and KPIs read."""
from __future__ import annotations

import pytest

from tests.factories import make_account, make_team, make_user, token_headers

COMPANY = [
    {"key": "prospect", "label": {"fr": "Prospect", "en": "Prospect"}, "kind": "prospect"},
    {"key": "client", "label": {"fr": "Client", "en": "Client"}, "kind": "client"},
    {"key": "fournisseur", "label": {"fr": "Fournisseur", "en": "Supplier"}, "kind": "other"},
    {"key": "distributeur_concurrent", "label": {"fr": "Distributeur concurrent", "en": "Competing dealer"},
     "kind": "competitor"},
]


@pytest.fixture
def world(app, session):
    team = make_team(session)
    people = {"rep": make_user(session, "rep", team=team), "manager": make_user(session, "manager", team=team)}
    people["account"] = make_account(session, people["rep"], status="client")
    session.commit()
    return people


def test_built_in_list_until_the_company_defines_its_own(app, client, world):
    body = client.get("/api/account-statuses", headers=token_headers(app, world["rep"])).get_json()
    assert {s["key"]: s["kind"] for s in body["items"]}["partner"] == "other"
    refused = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"status": "fournisseur"}},
                           headers=token_headers(app, world["rep"]))
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]


def test_a_company_status_is_accepted_once_defined(app, client, world):
    manager, rep = token_headers(app, world["manager"]), token_headers(app, world["rep"])
    assert client.put("/api/account-statuses", json={"items": COMPANY}, headers=rep).status_code == 403
    response = client.put("/api/account-statuses", json={"items": COMPANY}, headers=manager)
    assert response.status_code == 200, response.get_json()
    assert [s["key"] for s in response.get_json()["items"]] == [s["key"] for s in COMPANY]
    changed = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"status": "fournisseur"}},
                           headers=rep)
    assert changed.status_code == 200 and changed.get_json()["status"] == "fournisseur"


def test_a_status_accounts_hold_cannot_be_dropped_and_kinds_are_checked(app, client, world):
    manager = token_headers(app, world["manager"])
    without_client = [s for s in COMPANY if s["key"] != "client"]
    dropped = client.put("/api/account-statuses", json={"items": without_client}, headers=manager)
    assert dropped.status_code == 422
    bad_kind = [{**COMPANY[0], "kind": "ami"}]
    assert client.put("/api/account-statuses", json={"items": bad_kind}, headers=manager).status_code == 422


def test_competitors_are_found_by_kind_not_by_name(app, session, world):
    from server.accounts.statuses import keys_of_kind, replace
    replace(session=session, items=COMPANY)
    assert keys_of_kind(session, "competitor") == ["distributeur_concurrent"]


@pytest.mark.parametrize(("items", "field", "message"), [
    ([COMPANY[0], {**COMPANY[1], "key": "prospect"}], "items", ["Chaque statut apparaît une seule fois."]),
    ([{**COMPANY[0], "key": "Prospect"}], "items.0.key", None),  # keys are what records store: a-z, 0-9, _
])
def test_each_key_once_and_in_the_stored_shape(app, client, world, items, field, message):
    response = client.put("/api/account-statuses", json={"items": items}, headers=token_headers(app, world["manager"]))
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()
    assert message is None or response.get_json()["errors"][field] == message

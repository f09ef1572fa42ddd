"""Every input bounded (server/bounds.py and the schemas): 4xx problem naming the field,
before any work, never a 500 — on REST and on sync push."""
from __future__ import annotations

import json

import pytest

from server.db import new_id
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    account = make_account(session, rep)
    session.commit()
    return {"rep": rep, "account": account, "headers": token_headers(app, rep)}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_raw(client, path, text, headers=None):
    return client.post(path, data=text, content_type="application/json", headers=headers or {})


@pytest.mark.parametrize("depth", [33, 5000, 200_000])
def test_a_login_nested_too_deep_is_refused_before_the_rate_limit_key(client, depth):
    body = '{"email": "a@b.example", "password": ' + nested(depth) + "}"
    response = post_raw(client, "/api/auth/login", body)
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert "body" in response.get_json()["errors"]


def test_a_body_within_the_depth_bound_is_read(client):
    """32 levels are fine: the login answers as for any wrong password."""
    body = '{"email": "a@b.example", "password": "x", "extra": ' + nested(30) + "}"
    assert post_raw(client, "/api/auth/login", body).status_code in (401, 422)


def test_brackets_inside_strings_do_not_count(client):
    body = json.dumps({"email": "a@b.example", "password": "[" * 500})
    assert post_raw(client, "/api/auth/login", body).status_code == 401


def test_a_deep_push_is_refused_naming_the_body(world, client):
    changes = '{"notes": ' + nested(100) + "}"
    body = ('{"client_id": "' + new_id() + '", "mutations": [{"mutation_id": "' + new_id() + '", "entity": "account",'
            ' "op": "update", "id": "' + world["account"].id + '", "changes": ' + changes + "}]}")
    response = post_raw(client, "/api/sync/push", body, world["headers"])
    assert response.status_code == 413
    assert "body" in response.get_json()["errors"]


def test_ten_thousand_tags_in_a_push_are_refused_naming_the_field(world, client):
    tablet = Tablet(client, world["headers"])
    tags = [f"t{i}" for i in range(10_000)]
    answer = tablet.push(mutation("account", "update", world["account"].id, {"tags": {"add": tags}}), expect=413)
    assert list(answer["errors"]) == ["mutations.0.changes.tags.add"]


def test_more_tags_than_a_set_holds_are_rejected_per_mutation(world, client):
    tablet = Tablet(client, world["headers"])
    one_change = [f"t{i}" for i in range(101)]
    result = tablet.push(mutation("account", "update", world["account"].id, {"tags": {"add": one_change}}))["results"][0]
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/validation")
    assert "tags" in json.dumps(result["error"]["errors"])
    # Built up in steps, the record is bounded as well.
    for step in range(2):
        batch = [f"s{step}-{i}" for i in range(60)]
        result = tablet.push(mutation("account", "update", world["account"].id, {"tags": {"add": batch}}))["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["errors"] == {"tags": ["Au plus 100 étiquettes."]}  # in the default language


def test_a_huge_custom_value_is_refused_naming_the_field(world, client):
    big = "x" * (12 * 1024 * 1024)
    response = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"custom": {"note": big}}},
                            headers=world["headers"])
    assert response.status_code == 413
    assert list(response.get_json()["errors"]) == ["changes.custom.note"]


def test_custom_over_its_own_bounds_is_refused(world, client):
    many = {f"k{i}": "v" for i in range(150)}
    response = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"custom": many}},
                            headers=world["headers"])
    assert response.status_code == 422, response.get_json()
    assert "custom" in json.dumps(response.get_json()["errors"])
    heavy = {f"k{i}": "v" * 10_000 for i in range(5)}  # 50 KB: under the generic bounds, over custom's
    response = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"custom": heavy}},
                            headers=world["headers"])
    assert response.status_code == 422
    stored = client.get(f"/api/accounts/{world['account'].id}", headers=world["headers"]).get_json()
    assert stored["custom"] == {}


def test_oversized_opening_hours_are_refused(world, client):
    hours = {"mon": [["08:00", "12:00"]] * 400}
    response = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"opening_hours": hours}},
                            headers=world["headers"])
    assert response.status_code == 422
    assert "opening_hours" in json.dumps(response.get_json()["errors"])


def test_a_long_string_anywhere_is_refused_naming_it(world, client):
    response = client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"city": "D" * 30_000}},
                            headers=world["headers"])
    assert response.status_code == 413
    assert list(response.get_json()["errors"]) == ["changes.city"]


def test_too_many_quote_items_are_refused(world, client):
    tablet = Tablet(client, world["headers"])
    items = [{"label": "Pièce", "quantity": 1}] * 201
    result = tablet.push(mutation("quote_request", "create", new_id(),
                                  {"account_id": world["account"].id, "product_line": "maintenance",
                                   "items": items}))["results"][0]
    assert result["status"] == "rejected"
    assert "items" in result["error"]["errors"]


def test_an_import_mapping_nested_deep_is_a_422_not_a_500():
    from server.accounts.transfer_service import parse_mapping
    from server.errors import Invalid
    with pytest.raises(Invalid) as refused:
        parse_mapping("[" * 200_000)
    assert list(refused.value.errors) == ["mapping"]
    with pytest.raises(Invalid):
        parse_mapping('{"a": ' * 5000 + "null" + "}" * 5000)

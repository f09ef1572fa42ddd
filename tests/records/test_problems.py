"""Bad input gets an RFC 9457 problem with the field and the reason, never a 500."""
from __future__ import annotations

import pytest

from tests.factories import make_account, make_team, make_user, token_headers


@pytest.fixture
def rep_and_account(app, session):
    rep = make_user(session, "rep", team=make_team(session))
    account = make_account(session, rep)
    session.commit()
    return rep, account


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    return body


def test_malformed_json_is_a_400_problem(app, client, rep_and_account):
    rep, account = rep_and_account
    response = client.patch(f"/api/accounts/{account.id}", data="{oops", content_type="application/json",
                            headers=token_headers(app, rep))
    problem(response, 400)


@pytest.mark.parametrize("body, field", [
    ({"changes": {"lat": "north"}}, "lat"),
    ({"changes": {"email": 42}}, "email"),
    ({"changes": {"tags": ["x"]}}, "tags"),
    ({"changes": {"phone": "1"}, "base_version": "forty"}, "base_version"),
    ({"changes": {"phone": "1"}, "surprise": True}, "surprise"),
    ({}, "changes"),
])
def test_wrong_types_and_unknown_fields_are_422_with_the_field(app, client, rep_and_account, body, field):
    rep, account = rep_and_account
    response = client.patch(f"/api/accounts/{account.id}", json=body, headers=token_headers(app, rep))
    doc = problem(response, 422)
    assert any(key == field or key.startswith(field + ".") or key.endswith("." + field) for key in doc["errors"]), doc


def test_a_postcode_without_a_digit_is_422_naming_it_and_nothing_changes(app, client, rep_and_account):
    rep, account = rep_and_account
    before = client.get(f"/api/accounts/{account.id}", headers=token_headers(app, rep)).get_json()
    response = client.patch(f"/api/accounts/{account.id}", json={"changes": {"postcode": "ABCDE", "city": "Beaune"}},
                            headers={**token_headers(app, rep), "Accept-Language": "fr"})
    doc = problem(response, 422)
    assert doc["errors"]["postcode"] == [
        "Pas un code postal : de 2 à 10 lettres, chiffres, espaces ou tirets, dont au moins un chiffre."], doc
    after = client.get(f"/api/accounts/{account.id}", headers=token_headers(app, rep)).get_json()
    assert (after["postcode"], after["city"], after["version"]) == (before["postcode"], before["city"], before["version"])
    fine = client.patch(f"/api/accounts/{account.id}", json={"changes": {"postcode": "2A004"}}, headers=token_headers(app, rep))
    assert fine.status_code == 200 and fine.get_json()["postcode"] == "2A004", fine.get_json()


def test_unknown_route_and_method_are_problems(app, client, rep_and_account):
    rep, _ = rep_and_account
    problem(client.get("/api/nowhere", headers=token_headers(app, rep)), 404)
    problem(client.put("/api/health"), 405)


def test_missing_or_bad_token_is_a_401_problem(client):
    problem(client.get("/api/accounts"), 401)
    problem(client.get("/api/accounts", headers={"Authorization": "Bearer nonsense"}), 401)


def test_unknown_id_is_404_not_500(app, client, rep_and_account):
    rep, _ = rep_and_account
    problem(client.get("/api/accounts/not-a-uuid", headers=token_headers(app, rep)), 404)


def test_health_reports_the_database(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok" and response.get_json()["status"] == "ok"

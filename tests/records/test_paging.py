"""Lists page with `page` and `per_page` (API.md → Records); `limit` is another name for
`per_page`, with the same bounds, on every record list."""
from __future__ import annotations

import pytest

from tests.factories import make_account, make_appointment, make_contact, make_team, make_user, make_visit, token_headers


@pytest.fixture
def rep_with_records(app, session):
    rep = make_user(session, "rep", team=make_team(session))
    for n in range(3):
        account = make_account(session, rep, name=f"Compte {n}")
        make_contact(session, account)
        make_visit(session, account, rep)
    make_appointment(session, account, rep)
    session.commit()
    return rep


@pytest.mark.parametrize("path", ["/api/accounts", "/api/contacts", "/api/visits"])
def test_limit_sets_the_page_size_of_a_list(app, client, rep_with_records, path):
    headers = token_headers(app, rep_with_records)

    response = client.get(f"{path}?limit=2", headers=headers)

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert len(body["items"]) == 2 and body["total"] == 3
    second = client.get(f"{path}?limit=2&page=2", headers=headers).get_json()
    assert len(second["items"]) == 1
    assert {i["id"] for i in body["items"]}.isdisjoint(i["id"] for i in second["items"])


def test_limit_and_per_page_are_the_same_page_size(app, client, rep_with_records):
    headers = token_headers(app, rep_with_records)
    by_limit = client.get("/api/accounts?limit=1&page=3", headers=headers).get_json()
    by_per_page = client.get("/api/accounts?per_page=1&page=3", headers=headers).get_json()
    assert by_limit == by_per_page
    assert len(by_limit["items"]) == 1


@pytest.mark.parametrize("path", ["/api/accounts", "/api/visits", "/api/appointments", "/api/quotes"])
@pytest.mark.parametrize("value", ["0", "1001", "-3", "many"])
def test_a_limit_out_of_bounds_is_a_422_problem_naming_it(app, client, rep_with_records, path, value):
    response = client.get(f"{path}?limit={value}", headers=token_headers(app, rep_with_records))

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert "limit" in response.get_json()["errors"]


def test_the_largest_limit_is_accepted(app, client, rep_with_records):
    response = client.get("/api/appointments?limit=1000", headers=token_headers(app, rep_with_records))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["items"]) == 1


def test_a_page_beyond_any_offset_is_a_422_problem_not_a_500(app, client, rep_with_records):
    response = client.get("/api/accounts?page=71380668444783160", headers=token_headers(app, rep_with_records))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "page" in response.get_json()["errors"]

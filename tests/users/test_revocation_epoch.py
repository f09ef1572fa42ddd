"""A worker keeps the sign-ins it checked, yet a revocation made through any other worker
is refused at its very next request (server/users/revocation.py).

Two apps on one database stand for two workers (or hosts): each has its own engine and
its own kept sign-ins, and they share nothing but the database.
"""
from __future__ import annotations

import jwt as pyjwt
import pytest

from server.extensions import db
from server.users import revocation
from tests.factories import PASSWORD, make_account, make_team, make_user, token_headers
from tests.users.conftest import assert_problem, bearer, login


@pytest.fixture
def people(session):
    team = make_team(session, "Bourgogne")
    manager = make_user(session, "manager", team=team, email="max@test.example")
    rep = make_user(session, "rep", team=team, email="rita@test.example", name="Rita Rep")
    session.commit()
    return {"team": team, "manager": manager, "rep": rep}


def kept_by(worker, token: str) -> bool:
    family = pyjwt.decode(token, options={"verify_signature": False})["fam"]
    return family in revocation.sign_ins(worker).families


def signed_in_on(worker, token: str) -> None:
    """Two requests on `worker`: the second one is served from what it kept."""
    client = worker.test_client()
    for _ in range(2):
        assert client.get("/api/me", headers=bearer(token)).status_code == 200
    assert kept_by(worker, token), "the worker did not keep the sign-in: this test would prove nothing"


def test_a_logout_through_one_worker_is_refused_at_once_by_another(app, client, other_worker, people):
    pair = login(client).get_json()
    signed_in_on(other_worker, pair["access_token"])

    assert client.post("/api/auth/logout", headers=bearer(pair["access_token"])).status_code == 204

    assert_problem(other_worker.test_client().get("/api/me", headers=bearer(pair["access_token"])),
                   401, "unauthorized")
    assert not kept_by(other_worker, pair["access_token"])


def test_a_deactivation_through_one_worker_is_refused_at_once_by_another(app, client, other_worker, people):
    pair = login(client).get_json()
    signed_in_on(other_worker, pair["access_token"])

    response = client.patch(f"/api/users/{people['rep'].id}", json={"active": False},
                            headers=token_headers(app, people["manager"]))
    assert response.status_code == 200

    assert_problem(other_worker.test_client().get("/api/sync/pull?since=0", headers=bearer(pair["access_token"])),
                   401, "unauthorized")


def test_a_password_change_closes_the_other_sign_ins_on_every_worker(app, client, other_worker, people):
    kept = login(client).get_json()
    other = login(client).get_json()
    signed_in_on(other_worker, other["access_token"])

    changed = client.post("/api/me/password", headers=bearer(kept["access_token"]),
                          json={"current_password": PASSWORD, "new_password": "a brand new long passphrase 42"})
    assert changed.status_code == 204, changed.get_data(as_text=True)

    worker = other_worker.test_client()
    assert_problem(worker.get("/api/me", headers=bearer(other["access_token"])), 401, "unauthorized")
    assert worker.get("/api/me", headers=bearer(kept["access_token"])).status_code == 200  # this sign-in stays


def test_a_team_change_is_seen_at_once_by_a_worker_that_kept_the_actor(app, client, other_worker, people, session):
    make_account(session, owner=people["rep"])
    elsewhere = make_team(session, "Alsace")
    admin = make_user(session, "admin", email="ada@test.example")
    session.commit()
    manager = login(client, email="max@test.example").get_json()
    signed_in_on(other_worker, manager["access_token"])
    worker = other_worker.test_client()
    assert worker.get("/api/accounts", headers=bearer(manager["access_token"])).get_json()["total"] == 1

    response = client.patch(f"/api/users/{people['manager'].id}", json={"team_id": elsewhere.id},
                            headers=token_headers(app, admin))
    assert response.status_code == 200, response.get_data(as_text=True)

    listed = worker.get("/api/accounts", headers=bearer(manager["access_token"]))
    assert listed.status_code == 200
    assert listed.get_json()["total"] == 0  # the kept actor's old team no longer applies


def test_a_kept_sign_in_costs_one_read_of_the_epoch(app, client, people):
    from sqlalchemy import event

    headers = token_headers(app, people["rep"])
    assert client.get("/api/me", headers=headers).status_code == 200
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/api/accounts?owner_id={people['rep'].id}", headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert not any("token_family" in s for s in statements), statements
    assert sum("auth_epoch" in s for s in statements) == 1

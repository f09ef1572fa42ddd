"""Access and refresh tokens: claims, and every way a token can be refused (always a 401 problem)."""
from __future__ import annotations

from datetime import timedelta

import jwt as pyjwt
import pytest
import time_machine

from server.db import utcnow
from tests.users.conftest import assert_problem, bearer, login


@pytest.fixture
def pair(client, user):
    response = login(client)
    assert response.status_code == 200
    return response.get_json()


def claims_of(app, token: str) -> dict:
    return pyjwt.decode(token, app.config["JWT_SECRET_KEY"], algorithms=["HS256"],
                        audience="tournee-api", issuer="tournee")


def forge(app, **changes) -> str:
    """A token like a real access token, with `changes` to its claims or signing."""
    key = changes.pop("key", app.config["JWT_SECRET_KEY"])
    algorithm = changes.pop("algorithm", "HS256")
    return pyjwt.encode({**changes.pop("base"), **changes}, key, algorithm=algorithm)


def test_tokens_carry_family_jti_audience_issuer_and_type(app, pair, user):
    access, refresh = claims_of(app, pair["access_token"]), claims_of(app, pair["refresh_token"])

    assert pyjwt.get_unverified_header(pair["access_token"])["alg"] == "HS256"
    assert access["sub"] == refresh["sub"] == user.id
    assert access["fam"] == refresh["fam"]
    assert access["jti"] != refresh["jti"]
    assert (access["type"], refresh["type"]) == ("access", "refresh")
    assert access["exp"] - access["iat"] == 15 * 60
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600


def test_a_token_seen_before_is_not_read_again(app, pair, monkeypatch):
    """Claims and header are kept by the token's text (server/users/decoding.py): its second
    use reads nothing with PyJWT and gives what PyJWT reads."""
    from flask_jwt_extended import get_jwt, get_jwt_header, verify_jwt_in_request
    token = pair["access_token"]
    with app.test_request_context(headers=bearer(token)):
        verify_jwt_in_request()
    readings, real = [], pyjwt.get_unverified_header
    monkeypatch.setattr(pyjwt, "get_unverified_header", lambda text: readings.append(text) or real(text))
    with app.test_request_context(headers=bearer(token)):
        verify_jwt_in_request()
        assert get_jwt_header() == real(token) == {"alg": "HS256", "typ": "JWT"}
        assert get_jwt()["jti"] == claims_of(app, token)["jti"]
    assert readings == []


def test_me_answers_the_signed_in_user_without_secrets(client, pair, user):
    response = client.get("/api/me", headers=bearer(pair["access_token"]))

    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id and body["email"] == "rita@test.example" and body["role"] == "rep"
    assert not any("password" in key or "hash" in key or "token" in key for key in body)


def test_no_token_is_a_401_problem(client, user):
    assert_problem(client.get("/api/me"), 401, "unauthorized")


@pytest.mark.parametrize("header", ["Bearer", "Bearer abc", "Bearer a.b.c", "Basic cml0YTpwdw=="])
def test_garbage_tokens_are_a_401_problem(client, user, header):
    assert_problem(client.get("/api/me", headers={"Authorization": header}), 401, "unauthorized")


def test_alg_none_is_refused(app, client, pair):
    claims = claims_of(app, pair["access_token"])
    token = pyjwt.encode(claims, None, algorithm="none")

    assert_problem(client.get("/api/me", headers=bearer(token)), 401, "unauthorized")


def test_changed_claims_with_the_old_signature_are_refused(app, client, pair, session):
    from tests.factories import make_user
    admin = make_user(session, "admin")
    session.commit()
    header, _payload, signature = pair["access_token"].split(".")
    claims = {**claims_of(app, pair["access_token"]), "sub": admin.id}
    _h, payload, _s = pyjwt.encode(claims, "x" * 32, algorithm="HS256").split(".")

    tampered = f"{header}.{payload}.{signature}"
    assert_problem(client.get("/api/me", headers=bearer(tampered)), 401, "unauthorized")


@pytest.mark.parametrize("change", [
    {"key": "another secret that is at least thirty-two bytes"},
    {"aud": "another-api"},
    {"iss": "someone-else"},
], ids=["wrong key", "wrong audience", "wrong issuer"])
def test_tokens_signed_or_addressed_otherwise_are_refused(app, client, pair, change):
    token = forge(app, base=claims_of(app, pair["access_token"]), **change)

    assert_problem(client.get("/api/me", headers=bearer(token)), 401, "unauthorized")


def test_a_well_forged_token_would_pass_so_the_refusals_above_mean_something(app, client, pair):
    token = forge(app, base=claims_of(app, pair["access_token"]))

    assert client.get("/api/me", headers=bearer(token)).status_code == 200


def test_a_token_without_family_is_refused(app, client, pair):
    claims = claims_of(app, pair["access_token"])
    del claims["fam"]

    assert_problem(client.get("/api/me", headers=bearer(forge(app, base=claims))), 401, "unauthorized")


def test_refresh_token_is_not_an_access_token(client, pair):
    assert_problem(client.get("/api/me", headers=bearer(pair["refresh_token"])), 401, "unauthorized")


def test_access_token_is_not_a_refresh_token(client, pair):
    response = client.post("/api/auth/refresh", headers=bearer(pair["access_token"]))

    assert_problem(response, 401, "unauthorized")


def test_expired_access_token_is_a_401_problem(client, user):
    with time_machine.travel(utcnow() - timedelta(minutes=16), tick=False):
        token = login(client).get_json()["access_token"]

    expired = client.get("/api/me", headers={**bearer(token), "Accept-Language": "en"})
    assert "expired" in assert_problem(expired, 401, "unauthorized")["detail"]


def test_tokens_of_a_deactivated_user_stop_working(client, session, pair, user):
    user.active = False
    session.commit()

    assert_problem(client.get("/api/me", headers=bearer(pair["access_token"])), 401, "unauthorized")
    assert_problem(client.post("/api/auth/refresh", headers=bearer(pair["refresh_token"])), 401, "unauthorized")

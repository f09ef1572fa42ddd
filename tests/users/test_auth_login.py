"""POST /api/auth/login: credentials, answers, throttling and password upgrades (API.md, Auth)."""
from __future__ import annotations

import pytest

from server.users import passwords
from server.users.models import User
from tests.factories import PASSWORD, make_user
from tests.users.conftest import assert_problem, login


def test_login_answers_both_tokens_and_the_user(client, user):
    response = login(client)

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "refresh_token", "user"}
    assert body["user"] == {"id": user.id, "name": "Rita Rep", "email": "rita@test.example",
                            "role": "rep", "team_id": None}
    assert body["access_token"] != body["refresh_token"]


def test_login_ignores_the_case_and_spaces_of_the_email(client, user):
    assert login(client, email="  Rita@TEST.example ").status_code == 200


def test_login_answers_never_carry_the_password_or_its_hash(client, user):
    text = login(client).get_data(as_text=True)

    assert PASSWORD not in text
    assert "argon2" not in text and "password" not in text


def test_wrong_password_and_unknown_email_get_the_same_401_problem(client, user):
    wrong = login(client, password="not the password")
    unknown = login(client, email="nobody@test.example")

    assert_problem(wrong, 401, "unauthorized")
    assert wrong.get_json() == unknown.get_json()


def test_unknown_email_still_spends_one_hash_verification(client, user, monkeypatch):
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: calls.append(h) or real(h, p))

    assert_problem(login(client, email="nobody@test.example"), 401, "unauthorized")
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_inactive_user_cannot_log_in(client, session, user):
    user.active = False
    session.commit()

    assert login(client).get_json() == login(client, password="wrong").get_json()
    assert_problem(login(client), 401, "unauthorized")


def test_malformed_json_is_a_400_problem(client, user):
    response = client.post("/api/auth/login", data='{"email": "rita@test.example",',
                           content_type="application/json")

    assert_problem(response, 400, "bad_request")


def test_unknown_field_is_a_422_problem_naming_the_field(client, user):
    response = client.post("/api/auth/login", json={"email": "rita@test.example", "password": PASSWORD,
                                                    "role": "admin"})

    doc = assert_problem(response, 422, "validation")
    assert list(doc["errors"]) == ["role"]


def test_missing_password_is_a_422_problem_naming_the_field(client, user):
    doc = assert_problem(client.post("/api/auth/login", json={"email": "rita@test.example"}), 422, "validation")

    assert list(doc["errors"]) == ["password"]


def test_repeated_failures_for_one_email_make_the_next_attempt_wait(app, client, user):
    app.config.update(BACKOFF_FREE_FAILURES=3, BACKOFF_BASE_S=30)
    for _ in range(3):
        assert login(client, password="guess").status_code == 401

    # During the back-off even the right password waits, from another address and spelt in capitals.
    response = login(client, email="RITA@test.example", REMOTE_ADDR="10.0.0.9")

    assert_problem(response, 429, "rate_limited")
    assert 0 < int(response.headers["Retry-After"]) <= 30
    assert login(client, email="someone.else@test.example").status_code == 401  # other e-mails go on


def test_the_back_off_doubles_with_each_failure_and_is_capped():
    from server.ratelimits.backoff import Policy
    rules = Policy(free=5, base_s=1, max_s=60)
    assert [rules.delay(n) for n in range(1, 14)] == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_success_clears_the_back_off(app, client, user):
    app.config.update(BACKOFF_FREE_FAILURES=2, BACKOFF_BASE_S=1)
    assert login(client, password="guess").status_code == 401
    assert login(client).status_code == 200
    assert login(client, password="guess").status_code == 401  # counted from zero again: no wait yet
    assert login(client).status_code == 200


def test_too_many_failed_attempts_from_one_address_get_a_429_problem(app, client, user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "4 per 5 minutes"
    for n in range(4):
        assert login(client, email=f"guess{n}@test.example", REMOTE_ADDR="10.0.0.7").status_code == 401

    assert_problem(login(client, REMOTE_ADDR="10.0.0.7"), 429, "rate_limited")
    assert login(client, REMOTE_ADDR="10.0.0.8").status_code == 200


def test_successful_logins_do_not_count_towards_the_limit(app, client, user):
    app.config.update(BACKOFF_FREE_FAILURES=2, LOGIN_LIMIT_PER_ADDRESS="2 per 5 minutes")

    assert [login(client).status_code for _ in range(4)] == [200] * 4


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{", ""])
def test_bodies_that_are_not_a_json_object_get_a_problem_not_a_500(client, user, body):
    response = client.post("/api/auth/login", data=body, content_type="application/json")

    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("stronger", [{"ARGON2_TIME_COST": 2}, {"ARGON2_MEMORY_KIB": 2048}])
def test_login_rehashes_the_password_when_the_parameters_changed(app, client, session, user, stronger):
    old_hash = user.password_hash
    app.config.update(stronger)

    assert login(client).status_code == 200

    new_hash = session.get(User, user.id, populate_existing=True).password_hash
    assert new_hash != old_hash
    assert not passwords.needs_rehash(new_hash)
    assert login(client).status_code == 200  # the new hash verifies


def test_login_keeps_a_hash_made_with_todays_parameters(client, session, user):
    old_hash = user.password_hash

    assert login(client).status_code == 200
    assert session.get(User, user.id, populate_existing=True).password_hash == old_hash


def test_create_user_refuses_a_second_account_with_the_same_email(session, user):
    from server.errors import Invalid
    with pytest.raises(Invalid) as raised:
        make_user(session, email="RITA@test.example")

    assert list(raised.value.errors) == ["email"]


def test_create_user_refuses_an_unknown_role(session):
    from server.errors import Invalid
    with pytest.raises(Invalid) as raised:
        make_user(session, "superuser")

    assert list(raised.value.errors) == ["role"]

"""POST /api/me/password throttles wrong current passwords (back-off per user)."""
from __future__ import annotations

from tests.factories import PASSWORD
from tests.users.conftest import assert_problem, bearer, login

NEW_PASSWORD = "a brand new passphrase"


def change(client, token, current):
    return client.post("/api/me/password", headers=bearer(token),
                       json={"current_password": current, "new_password": NEW_PASSWORD})


def test_wrong_current_passwords_make_the_next_check_wait(app, client, user):
    app.config.update(BACKOFF_FREE_FAILURES=3, BACKOFF_BASE_S=30)
    token = login(client).get_json()["access_token"]
    for _ in range(3):
        assert_problem(change(client, token, "a guess"), 422, "validation")
    held = change(client, token, PASSWORD)  # even the right one waits now
    assert_problem(held, 429, "rate_limited")
    assert 0 < int(held.headers["Retry-After"]) <= 30
    assert login(client).status_code == 200  # the password did not change, sign-in unaffected


def test_a_right_current_password_clears_the_count(app, client, user):
    app.config.update(BACKOFF_FREE_FAILURES=2, BACKOFF_BASE_S=30)
    token = login(client).get_json()["access_token"]
    assert change(client, token, "a guess").status_code == 422
    assert change(client, token, PASSWORD).status_code == 204
    assert change(client, token, "a guess").status_code == 422  # one failure again, no wait yet


def test_a_new_password_the_rules_refuse_is_not_counted_as_a_guess(app, client, user):
    app.config.update(BACKOFF_FREE_FAILURES=1, BACKOFF_BASE_S=30)
    token = login(client).get_json()["access_token"]
    for _ in range(3):
        refused = client.post("/api/me/password", headers=bearer(token),
                              json={"current_password": PASSWORD, "new_password": "Rita Rep 2026!"})
        assert list(assert_problem(refused, 422, "validation")["errors"]) == ["new_password"]
    assert change(client, token, PASSWORD).status_code == 204  # no wait: those were not guesses

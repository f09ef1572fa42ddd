"""A password link issued by an admin (POST /api/users/{id}/password-reset), the forgotten-password
page's answer when no relay is configured, and the confirm call's limit that counts only refused
tries (API.md → Company set-up; docs/company-setup.md)."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import time_machine

from server.db import utcnow
from tests.factories import make_team, make_user, token_headers
from tests.users.conftest import assert_problem, login

PASSWORD = "cinq moutons sur la colline"


@pytest.fixture
def company(session):
    team = make_team(session, "Bourgogne")
    made = {"team": team, "admin": make_user(session, "admin", email="ada@test.example"),
            "manager": make_user(session, "manager", team=team, email="max@test.example"),
            "rep": make_user(session, "rep", team=team, email="rita@test.example", name="Rita Rep")}
    session.commit()
    return made


@pytest.fixture
def unconfigured(app):
    """No relay at all (`SMTP_URL` empty, as `make run` starts without one)."""
    app.config["SMTP_URL"] = ""


def issue(app, client, company, who="admin", target="rep"):
    return client.post(f"/api/users/{company[target].id}/password-reset", headers=token_headers(app, company[who]))


def token_of(link: str) -> str:
    return re.search(r"#/password/(\S+)", link).group(1)


def test_an_admin_reset_is_e_mailed_when_the_relay_takes_it(app, client, company, relay):
    response = issue(app, client, company)
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"sent": True}
    (message,) = relay.messages
    assert message["To"] == "rita@test.example" and "1 heure" in message.get_content()


@pytest.mark.parametrize(("setting", "reason"), [("unconfigured", "not_configured"), ("unreachable", "failed")])
def test_without_a_relay_the_admin_gets_a_single_use_link(app, client, company, request, setting, reason, caplog):
    request.getfixturevalue(setting)
    with caplog.at_level(logging.INFO, logger="server.users.people_routes"):
        response = issue(app, client, company)
    assert response.status_code == 202, response.get_json()
    answer = response.get_json()
    assert answer["sent"] is False and answer["reason"] == reason and answer["expires_at"]
    # The admin action is logged: who gave a way into whose account, and how it left.
    assert any(company["rep"].id in r.getMessage() and company["admin"].id in r.getMessage() for r in caplog.records)
    token = token_of(answer["link"])
    assert client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 204
    assert login(client, password=PASSWORD).status_code == 200
    spent = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": "encore un autre essai"})
    assert_problem(spent, 400, "bad_link")


def test_the_admins_link_expires(app, client, company, unconfigured):
    token = token_of(issue(app, client, company).get_json()["link"])
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=1)):
        late = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD})
    assert_problem(late, 400, "bad_link")


def test_a_user_that_already_signed_in_can_be_sent_one(app, client, company, unconfigured):
    assert login(client).status_code == 200
    assert issue(app, client, company).status_code == 202


@pytest.mark.parametrize("who", ["manager", "rep"])
def test_only_an_admin_may_issue_one(app, client, company, unconfigured, who):
    assert_problem(issue(app, client, company, who=who), 404, "not_found")


def test_an_unknown_or_deactivated_user_is_refused(app, client, company, session, unconfigured):
    unknown = client.post("/api/users/00000000-0000-4000-8000-000000000000/password-reset",
                          headers=token_headers(app, company["admin"]))
    assert_problem(unknown, 404, "not_found")
    company["rep"].active = False
    session.commit()
    refused = assert_problem(issue(app, client, company), 409, "inactive")
    assert refused["detail"].startswith("Cet utilisateur est désactivé")


@pytest.mark.parametrize(("setting", "by_email"), [("unconfigured", False), ("relay", True)])
def test_the_forgotten_password_answer_says_whether_mail_can_leave_whoever_asks(client, company, request, setting,
                                                                                  by_email):
    request.getfixturevalue(setting)
    for email in ("rita@test.example", "nobody@test.example"):  # the same answer: no one learns who has an account
        response = client.post("/api/auth/password-reset", json={"email": email})
        assert response.status_code == 202
        assert response.get_json() == {"by_email": by_email}


def test_confirmations_count_only_refused_tries_and_say_when_to_retry(app, client, session, company, unconfigured):
    app.config["RESET_LIMIT_PER_ADDRESS"] = "2 per hour"
    # An office onboarding three reps from one address: three passwords chosen, none counted.
    for n in range(3):
        rep = make_user(session, "rep", team=company["team"], email=f"new{n}@test.example")
        session.commit()
        token = token_of(client.post(f"/api/users/{rep.id}/password-reset",
                                     headers=token_headers(app, company["admin"])).get_json()["link"])
        assert client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 204
    # Guesses count: two refused, the third waits, in words and in Retry-After.
    for _ in range(2):
        assert client.post("/api/auth/password-reset/confirm", json={"token": "guess", "password": PASSWORD}).status_code == 400
    french = client.post("/api/auth/password-reset/confirm", json={"token": "guess", "password": PASSWORD})
    doc = assert_problem(french, 429, "rate_limited")
    wait = int(french.headers["Retry-After"])
    assert 0 < wait <= 3600
    assert re.fullmatch(r"Trop de requêtes ; réessayez dans \d+ (s|min)\.", doc["detail"])
    english = client.post("/api/auth/password-reset/confirm", json={"token": "guess", "password": PASSWORD},
                          headers={"Accept-Language": "en"})
    assert re.fullmatch(r"Too many requests; retry in \d+ (s|min)\.", assert_problem(english, 429, "rate_limited")["detail"])


@pytest.mark.parametrize(("language", "detail"), [
    ("fr", "Ce lien a déjà servi, a expiré ou est inconnu : demandez-en un nouveau."),
    ("en", "This link is spent, expired or unknown; ask for a new one."),
])
def test_a_spent_link_is_explained_in_the_readers_language(client, language, detail):
    spent = client.post("/api/auth/password-reset/confirm", json={"token": "nope", "password": PASSWORD},
                        headers={"Accept-Language": language})
    doc = assert_problem(spent, 400, "bad_link")
    assert doc["title"] == {"fr": "Lien non valable", "en": "Link not valid"}[language]
    assert doc["detail"] == detail

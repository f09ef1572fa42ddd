"""Forgotten password by e-mail (API.md → Company set-up), on a real SMTP server on loopback."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from server.db import utcnow
from server.users import password_rules
from tests.channels.receivers import smtp_receiver  # noqa: F401 (fixture)
from tests.users.conftest import assert_problem, bearer, login


def _link(message) -> str:
    return re.search(r"#/password/(\S+)", message.get_content()).group(1)


@pytest.fixture
def relay(app, smtp_receiver):
    receiver = smtp_receiver()
    app.config["SMTP_URL"] = receiver.url()
    return receiver.handler


def test_same_answer_whatever_the_email_and_a_link_for_a_known_user(client, user, relay):
    assert client.post("/api/auth/password-reset", json={"email": "nobody@test.example"}).status_code == 202
    assert relay.messages == []
    assert client.post("/api/auth/password-reset", json={"email": "Rita@Test.example"}).status_code == 202
    (message,) = relay.messages
    assert message["To"] == "rita@test.example" and "1 heure" in message.get_content()


def test_the_reset_sets_the_password_and_closes_every_session(client, user, relay):
    session_before = login(client).get_json()
    client.post("/api/auth/password-reset", json={"email": "rita@test.example"})
    token = _link(relay.messages[0])
    assert client.post("/api/auth/password-reset/confirm",
                       json={"token": token, "password": "le chat dort sous la table"}).status_code == 204
    assert_problem(client.get("/api/me", headers=bearer(session_before["access_token"])), 401, "unauthorized")
    assert_problem(login(client), 401, "unauthorized")
    assert login(client, password="le chat dort sous la table").status_code == 200
    spent = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": "encore un autre essai"})
    assert_problem(spent, 400, "bad_link")


def test_an_expired_or_unknown_link_is_a_400(client, user, relay):
    client.post("/api/auth/password-reset", json={"email": "rita@test.example"})
    token = _link(relay.messages[0])
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=1)):
        expired = client.post("/api/auth/password-reset/confirm",
                              json={"token": token, "password": "le chat dort sous la table"})
    assert_problem(expired, 400, "bad_link")
    unknown = client.post("/api/auth/password-reset/confirm", json={"token": "nope", "password": "le chat dort"})
    assert_problem(unknown, 400, "bad_link")


WEAK = {  # a password breaking each rule → its reason, in French (by default) and in English
    "short": ("Au moins 12 caractères, ou une phrase de passe de 4 mots.",
              "At least 12 characters, or a passphrase of 4 words."),
    "rita@test.example": ("Pas votre adresse e-mail.", "Not your e-mail address."),
    "rita.test.example.fr": ("Trop proche de votre adresse e-mail : un attaquant l'essaie en premier.",
                             "Too close to your e-mail address: an attacker tries it first."),
    "Rita Rep 2026!": ("Trop proche de votre nom : un attaquant l'essaie en premier.",
                       "Too close to your name: an attacker tries it first."),
    "password1234": ("Trop courant : il figure dans les listes que les attaquants essaient en premier.",
                     "Too common: it is in the lists that attackers try first."),
}


def test_a_weak_password_is_refused_in_words_and_the_link_stays_usable(client, user, relay):
    client.post("/api/auth/password-reset", json={"email": "rita@test.example"})
    token = _link(relay.messages[0])
    for weak, (french, english) in WEAK.items():
        for language, reason in (("fr", french), ("en", english)):
            answer = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": weak},
                                 headers={"Accept-Language": language})
            assert reason in assert_problem(answer, 422, "validation")["errors"]["password"]
    assert client.post("/api/auth/password-reset/confirm",
                       json={"token": token, "password": "Xq7-vent-du-nord"}).status_code == 204


@pytest.mark.parametrize(("password", "ok"), [("correct horse battery staple", True), ("Vélo-rouge-2026!", True),
                                                ("qwertyuiop123", False), ("iloveyou", False), ("abc def", False)])
def test_password_rules(password, ok):
    assert (password_rules.problems(password, email="a@b.example", name="Ana Bé") == []) is ok


@pytest.mark.parametrize(("password", "value", "close"), [
    ("jean-pierre lemoine 1", "Jean-Pierre Lemoine", True),     # the name and a digit
    ("Emilie Fournier 2026", "Émilie Fournier", True),          # accents aside
    ("lemoine jean pierre", "Jean-Pierre Lemoine", True),       # its words in another order
    ("ninaneuve@example", "nina.neuve@test.example", True),     # against the whole address
    ("nina-neuve-dole", "nina.neuve", True),                    # against the local part
    ("dole nina 39 jura", "Nina Neuve", False),                 # a part inside a passphrase
    ("la neige tombe en janvier", "Jean-Pierre Lemoine", False),  # shares letters only (quick_ratio 0.73)
    ("correct horse battery staple", "rita@test.example", False),
])
def test_too_close_to_the_users_name_or_address(password, value, close):
    """After Django's UserAttributeSimilarityValidator (password_rules.too_close says where it departs)."""
    assert password_rules.too_close(password, value) is close


@pytest.mark.parametrize(("password", "value", "holds"), [
    ("Keller Marc Strasbourg 2026", "Marc Keller", True),          # both words, another order
    ("strasbourg marc émile KELLER", "Marc Kéller", True),         # case and accents aside
    ("xmarc.keller!2026", "marc.keller", True),                    # an e-mail's local part
    ("madonna forever and ever", "Madonna", True),                  # a one-word name
    ("dole nina 39 jura", "Nina Neuve", False),                     # one given name in a passphrase
    ("correct horse battery staple", "Ana Bé", False),
])
def test_a_password_holding_the_users_name_words(password, value, holds):
    assert password_rules.contains_name(password, value) is holds


def test_requests_are_rate_limited_per_email(app, client, user, relay):
    app.config["RESET_LIMIT_PER_EMAIL"] = "2 per hour"
    codes = [client.post("/api/auth/password-reset", json={"email": "rita@test.example"}).status_code
             for _ in range(3)]
    assert codes == [202, 202, 429]
    assert len(relay.messages) == 2

"""Invitation and reset e-mails in the recipient's language, from the catalogues (API.md → Language),
received by a real SMTP server on loopback."""
from __future__ import annotations

import pytest

from server.users import mail
from tests.factories import make_team, make_user, token_headers


@pytest.fixture
def admin(session):
    team = make_team(session, "Bourgogne")
    admin = make_user(session, "admin", email="ada@test.example")
    session.commit()
    return admin, team


@pytest.mark.parametrize(("locale", "subject", "words", "foreign"), [
    (None, "Votre compte Tournée", ["Bonjour Zoé Été,", "valable 7 jours", "une seule fois"], "valid"),
    ("fr", "Votre compte Tournée", ["Bonjour Zoé Été,", "valable 7 jours"], "Hello"),
    ("en", "Your Tournée account", ["Hello Zoé Été,", "valid 7 days, once"], "valable"),
])
def test_the_invitation_is_in_the_new_users_language_french_by_default(app, client, admin, relay,
                                                                        locale, subject, words, foreign):
    body = {"email": "zoe@test.example", "name": "Zoé Été", "role": "rep", "team_id": admin[1].id}
    if locale:
        body["locale"] = locale
    # The admin's own language and the request's do not matter: the recipient's does.
    headers = {**token_headers(app, admin[0]), "Accept-Language": "en" if locale != "en" else "fr"}
    assert client.post("/api/users", json=body, headers=headers).status_code == 201
    (message,) = relay.messages
    text = message.get_content()
    assert message["Subject"] == subject
    assert all(w in text for w in words), text
    assert foreign not in text and "#/password/" in text


@pytest.mark.parametrize(("locale", "subject", "words"), [
    ("fr", "Nouveau mot de passe Tournée", ["Bonjour Rita,", "valable 1 heure,", "Si vous n'avez rien demandé"]),
    ("en", "New Tournée password", ["Hello Rita,", "valid 1 hour, once", "If you did not ask for it"]),
])
def test_the_reset_is_in_the_users_language(client, session, relay, locale, subject, words):
    make_user(session, "rep", email="rita@test.example", name="Rita", locale=locale)
    session.commit()
    # Asked from a browser in the other language: the e-mail follows the user.
    other = "en" if locale == "fr" else "fr"
    assert client.post("/api/auth/password-reset", json={"email": "rita@test.example"},
                       headers={"Accept-Language": other}).status_code == 202
    (message,) = relay.messages
    assert message["Subject"] == subject
    assert all(w in message.get_content() for w in words), message.get_content()


@pytest.mark.parametrize(("locale", "hours", "expected"), [
    ("fr", 1, "valable 1 heure"), ("fr", 2, "valable 2 heures"), ("en", 1, "valid 1 hour"), ("en", 3, "valid 3 hours"),
])
def test_the_validity_takes_the_plural_form_of_its_language(app, monkeypatch, locale, hours, expected):
    from datetime import timedelta
    monkeypatch.setitem(mail.LIFETIMES, "reset", timedelta(hours=hours))
    with app.app_context():
        subject, body = mail.compose(purpose="reset", name="Rita", link="https://x.example/#/password/t",
                                     locale=locale)
    assert f"{expected} " in body or f"{expected}," in body, body


def test_an_unknown_locale_falls_back_to_french(app):
    with app.app_context():
        subject, body = mail.compose(purpose="invitation", name="Rita", link="L", locale="de")
    assert subject == "Votre compte Tournée" and "valable 7 jours" in body

"""Invitations (API.md → Company set-up): the answer says whether the e-mail left and, when it
did not, hands the link to the admin or manager; a new invitation for a user not signed in yet."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from server.db import utcnow
from tests.factories import make_team, make_user, token_headers
from tests.users.conftest import assert_problem, login

PASSWORD = "cinq moutons sur la colline"


@pytest.fixture
def company(session):
    team = make_team(session, "Bourgogne")
    made = {"team": team, "admin": make_user(session, "admin", email="ada@test.example"),
            "manager": make_user(session, "manager", team=team, email="max@test.example"),
            "stranger": make_user(session, "rep", team=make_team(session, "Alsace"), email="otto@test.example")}
    session.commit()
    return made


def create(app, client, company, who="admin", email="nina@test.example", name="Nina Neuve"):
    body = {"email": email, "name": name, "role": "rep", "team_id": company["team"].id}
    return client.post("/api/users", json=body, headers=token_headers(app, company[who]))


def test_a_sent_invitation_says_so_and_gives_no_link(app, client, company, relay):
    response = create(app, client, company)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["invitation"] == {"sent": True}
    assert response.get_json()["invitation_pending"] is True
    (message,) = relay.messages
    assert message["To"] == "nina@test.example"


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_an_invitation_that_could_not_leave_gives_the_caller_a_working_link(app, client, company, unreachable, who):
    response = create(app, client, company, who)
    assert response.status_code == 201, response.get_json()
    invitation = response.get_json()["invitation"]
    assert invitation["sent"] is False and invitation["reason"] == "failed"  # a relay is set, it did not answer
    assert invitation["link"].startswith("http://localhost/#/password/")
    expires = datetime.fromisoformat(invitation["expires_at"])
    assert abs(expires - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)  # as long as the e-mail's
    token = re.search(r"#/password/(\S+)", invitation["link"]).group(1)
    assert client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 204
    assert login(client, "nina@test.example", PASSWORD).status_code == 200
    spent = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": "un autre mot de passe"})
    assert_problem(spent, 400, "bad_link")


def test_with_unreachable_set_nothing_is_tried_and_the_answer_says_so(app, client, company, relay):
    app.config["SMTP_URL"] = ""
    invitation = create(app, client, company).get_json()["invitation"]
    assert invitation["sent"] is False and invitation["reason"] == "not_configured" and invitation["link"]
    assert relay.messages == []


@pytest.mark.parametrize(("language", "reason"), [
    ("fr", "Trop proche de votre nom : un attaquant l'essaie en premier."),
    ("en", "Too close to your name: an attacker tries it first."),
])
def test_an_invited_user_may_not_choose_its_own_name_and_the_link_stays_usable(app, client, company, unreachable,
                                                                                language, reason):
    link = create(app, client, company).get_json()["invitation"]["link"]
    token = re.search(r"#/password/(\S+)", link).group(1)
    close = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": "Nina Neuve 2026"},
                        headers={"Accept-Language": language})
    assert assert_problem(close, 422, "validation")["errors"] == {"password": [reason]}
    assert client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 204


@pytest.mark.parametrize(("language", "password", "reason"), [
    ("fr", "Keller Marc Strasbourg 2026", "Contient votre nom : un attaquant l'essaie en premier."),
    ("en", "strasbourg-2026-MARC-kéller", "Contains your name: an attacker tries it first."),
    ("en", "mon ami marc.keller du 67", "Contains your e-mail address: an attacker tries it first."),
])
def test_a_password_made_of_the_users_name_among_other_words_is_refused(app, client, company, unreachable,
                                                                         language, password, reason):
    """The trial's case: Marc Keller chose "Keller Marc Strasbourg 2026" on his invitation link."""
    link = create(app, client, company, email="marc.keller@test.example", name="Marc Keller").get_json()
    token = re.search(r"#/password/(\S+)", link["invitation"]["link"]).group(1)
    refused = client.post("/api/auth/password-reset/confirm", json={"token": token, "password": password},
                          headers={"Accept-Language": language})
    assert reason in assert_problem(refused, 422, "validation")["errors"]["password"]
    assert client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 204


def test_a_new_invitation_goes_to_a_user_not_signed_in_yet_and_not_after(app, client, company, relay):
    user_id = create(app, client, company).get_json()["id"]
    headers = token_headers(app, company["manager"])
    listed = client.get("/api/users", headers=headers).get_json()["items"]
    assert {u["email"]: u["invitation_pending"] for u in listed}["nina@test.example"] is True
    again = client.post(f"/api/users/{user_id}/invitation", headers=headers)
    assert again.status_code == 202, again.get_json()
    assert again.get_json()["invitation"] == {"sent": True} and again.get_json()["id"] == user_id
    first, second = (re.search(r"#/password/(\S+)", m.get_content()).group(1) for m in relay.messages)
    assert first != second
    assert client.post("/api/auth/password-reset/confirm", json={"token": second, "password": PASSWORD}).status_code == 204
    assert client.get(f"/api/users/{user_id}", headers=headers).get_json()["invitation_pending"] is False
    # Once the password is chosen, a forgotten one is the user's own business (reset link).
    done = client.post(f"/api/users/{user_id}/invitation", headers=headers)
    assert_problem(done, 409, "already_signed_in")
    assert len(relay.messages) == 2


def test_a_new_invitation_that_could_not_leave_gives_the_link_too(app, client, company, unreachable):
    user_id = create(app, client, company).get_json()["id"]
    again = client.post(f"/api/users/{user_id}/invitation", headers=token_headers(app, company["admin"]))
    assert again.status_code == 202, again.get_json()
    assert again.get_json()["invitation"]["sent"] is False and "#/password/" in again.get_json()["invitation"]["link"]


def test_a_user_signed_in_with_a_password_is_not_invited_again(app, client, session, company, relay):
    signed = make_user(session, "rep", team=company["team"], email="rita@test.example")
    session.commit()
    assert login(client, "rita@test.example").status_code == 200
    refused = client.post(f"/api/users/{signed.id}/invitation", headers=token_headers(app, company["admin"]))
    assert_problem(refused, 409, "already_signed_in")
    assert relay.messages == []


def test_a_user_given_a_password_and_never_invited_is_offered_no_invitation(app, client, session, company, relay):
    """The demo's users (and `tournee create-user`'s) have a password and never signed in yet:
    the people screen offers them a password link, not "Send the invitation again"."""
    given = make_user(session, "rep", team=company["team"], email="rita@test.example")
    session.commit()
    headers = token_headers(app, company["admin"])
    assert client.get(f"/api/users/{given.id}", headers=headers).get_json()["invitation_pending"] is False
    listed = {u["id"]: u for u in client.get("/api/users", headers=headers).get_json()["items"]}
    assert listed[given.id]["invitation_pending"] is False
    assert_problem(client.post(f"/api/users/{given.id}/invitation", headers=headers), 409, "already_signed_in")
    assert relay.messages == []


def test_a_user_outside_the_callers_scope_is_a_404(app, client, session, company, relay):
    missing = client.post(f"/api/users/{company['stranger'].id}/invitation", headers=token_headers(app, company["manager"]))
    assert_problem(missing, 404, "not_found")
    rep = make_user(session, "rep", team=company["team"], email="rita@test.example")
    session.commit()
    self_service = client.post(f"/api/users/{rep.id}/invitation", headers=token_headers(app, rep))
    assert_problem(self_service, 404, "not_found")
    assert relay.messages == []


def test_the_user_list_reads_invitation_pending_in_its_own_query(app, client, session, company, relay):
    """`invitation_pending` of every user listed, paged or not, comes from the list's own query:
    as many statements for 12 users as for 4, and no other statement reads the links."""
    from sqlalchemy import event

    from server.extensions import db

    invited = create(app, client, company).get_json()["id"]  # pending until it chooses a password
    redeemed = create(app, client, company, email="remi@test.example").get_json()["id"]
    token = re.search(r"#/password/(\S+)", relay.messages[-1].get_content()).group(1)
    assert client.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 204
    signed = make_user(session, "rep", team=company["team"], email="rita@test.example")
    session.commit()
    assert login(client, "rita@test.example").status_code == 200
    headers = token_headers(app, company["admin"])  # the admin signs in (a token family) too
    expected = {invited: True, redeemed: False, signed.id: False, company["admin"].id: False,
                company["manager"].id: False, company["stranger"].id: False}  # given a password, never invited

    def listed(path: str) -> tuple[dict[str, bool], list[str]]:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(path, headers=headers)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200, response.get_json()
        return ({u["id"]: u["invitation_pending"] for u in response.get_json()["items"]},
                [s for s in statements if s.lstrip().upper().startswith("SELECT")])

    listed("/api/users")  # the signed-in admin is read once, then kept (server/users/revocation.py)
    everyone, statements = listed("/api/users")
    assert everyone == expected
    (reading_links,) = [s for s in statements if "link_token" in s]
    assert "user.email" in reading_links.replace('"', "")  # the list's query itself
    paged = {}
    for page in (1, 2, 3):
        found, paged_statements = listed(f"/api/users?page={page}&per_page=2")
        assert len([s for s in paged_statements if "link_token" in s]) == 1
        paged.update(found)
    assert paged == expected
    assert client.get(f"/api/users/{invited}", headers=headers).get_json()["invitation_pending"] is True
    assert client.get(f"/api/users/{redeemed}", headers=headers).get_json()["invitation_pending"] is False

    for n in range(8):
        make_user(session, "rep", team=company["team"], email=f"extra{n}@test.example")
    session.commit()
    more, more_statements = listed("/api/users")
    assert len(more) == len(expected) + 8 and not any(more[u] for u in more if u not in expected)
    assert len(more_statements) == len(statements)

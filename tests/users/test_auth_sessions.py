"""Refresh rotation, theft detection, the grace window, logout and password change."""
from __future__ import annotations

import threading
from datetime import timedelta

import jwt as pyjwt
import pytest
import time_machine
from sqlalchemy import select

from server.db import utcnow
from server.users.models import TokenFamily
from tests.factories import PASSWORD
from tests.users.conftest import assert_problem, bearer, login


def refresh(client, token: str):
    return client.post("/api/auth/refresh", headers=bearer(token))


def family_of(session, token: str) -> TokenFamily:
    family_id = pyjwt.decode(token, options={"verify_signature": False})["fam"]
    return session.execute(select(TokenFamily).where(TokenFamily.id == family_id)
                           .execution_options(populate_existing=True)).scalar_one()


def test_refresh_answers_a_new_access_token_and_a_new_refresh_token(client, session, user):
    first = login(client).get_json()

    response = refresh(client, first["refresh_token"])

    assert response.status_code == 200
    second = response.get_json()
    assert set(second) == {"access_token", "refresh_token"}
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/me", headers=bearer(second["access_token"])).status_code == 200
    assert refresh(client, second["refresh_token"]).status_code == 200  # the new one is live
    assert family_of(session, second["refresh_token"]).generation == 2


def test_a_spent_refresh_token_revokes_the_whole_family(client, session, user):
    with time_machine.travel(utcnow() - timedelta(minutes=1), tick=False):
        first = login(client).get_json()
        second = refresh(client, first["refresh_token"]).get_json()

    assert_problem(refresh(client, first["refresh_token"]), 401, "unauthorized")

    family = family_of(session, first["refresh_token"])
    assert family.revoked_at is not None and family.revoked_reason == "refresh_reuse"
    assert_problem(refresh(client, second["refresh_token"]), 401, "unauthorized")
    assert_problem(client.get("/api/me", headers=bearer(second["access_token"])), 401, "unauthorized")


def test_other_sign_ins_survive_a_theft_in_one_family(client, user):
    with time_machine.travel(utcnow() - timedelta(minutes=1), tick=False):
        tablet = login(client).get_json()
        laptop = login(client).get_json()
        refresh(client, tablet["refresh_token"])

    assert refresh(client, tablet["refresh_token"]).status_code == 401
    assert client.get("/api/me", headers=bearer(laptop["access_token"])).status_code == 200


def test_within_the_grace_window_the_same_pair_is_answered_again(client, session, user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        first = login(client).get_json()
        second = refresh(client, first["refresh_token"]).get_json()
        clock.shift(9)

        again = refresh(client, first["refresh_token"])

    assert again.status_code == 200
    assert again.get_json() == second
    assert family_of(session, second["refresh_token"]).revoked_at is None
    assert refresh(client, second["refresh_token"]).status_code == 200


def test_the_family_row_keeps_no_usable_token(client, session, user):
    first = login(client).get_json()
    second = refresh(client, first["refresh_token"]).get_json()

    family = family_of(session, second["refresh_token"])
    assert family.last_pair
    assert second["refresh_token"] not in family.last_pair
    assert second["access_token"].split(".")[2] not in family.last_pair


def test_after_the_grace_window_a_spent_token_revokes_the_family(client, session, user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        first = login(client).get_json()
        second = refresh(client, first["refresh_token"]).get_json()
        clock.shift(11)

        assert_problem(refresh(client, first["refresh_token"]), 401, "unauthorized")
        assert family_of(session, second["refresh_token"]).revoked_at is not None
        assert_problem(refresh(client, second["refresh_token"]), 401, "unauthorized")


def test_the_grace_window_covers_only_the_token_spent_last(client, user):
    with time_machine.travel(utcnow(), tick=False):
        first = login(client).get_json()
        second = refresh(client, first["refresh_token"]).get_json()
        refresh(client, second["refresh_token"])

        # `first` was spent two rotations ago: replaying it is theft, even within 10 s.
        assert_problem(refresh(client, first["refresh_token"]), 401, "unauthorized")


def test_two_concurrent_refreshes_rotate_once_and_both_get_the_same_pair(app, client, session, user, backend):
    first = login(client).get_json()
    session.rollback()  # hold no transaction (nor SQLite lock) while the threads run
    barrier, answers = threading.Barrier(2), []

    def refresh_in_thread():
        with app.test_client() as own_client:
            barrier.wait()
            answers.append(refresh(own_client, first["refresh_token"]))

    threads = [threading.Thread(target=refresh_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_json() == answers[1].get_json()
    family = family_of(session, first["refresh_token"])
    assert family.generation == 1 and family.revoked_at is None


def test_logout_revokes_the_access_token_and_its_refresh_token(client, user):
    pair = login(client).get_json()
    other = login(client).get_json()

    response = client.post("/api/auth/logout", headers=bearer(pair["access_token"]))

    assert response.status_code == 204
    assert_problem(client.get("/api/me", headers=bearer(pair["access_token"])), 401, "unauthorized")
    assert_problem(refresh(client, pair["refresh_token"]), 401, "unauthorized")
    assert client.get("/api/me", headers=bearer(other["access_token"])).status_code == 200


def test_logout_needs_an_access_token(client, user):
    pair = login(client).get_json()

    assert_problem(client.post("/api/auth/logout", headers=bearer(pair["refresh_token"])), 401, "unauthorized")
    assert_problem(client.post("/api/auth/logout"), 401, "unauthorized")


NEW_PASSWORD = "a brand new passphrase"


def change_password(client, token: str, current: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post("/api/me/password", headers=bearer(token),
                       json={"current_password": current, "new_password": new})


def test_password_change_closes_every_other_session(client, user):
    this = login(client).get_json()
    other = login(client).get_json()

    assert change_password(client, this["access_token"]).status_code == 204

    assert client.get("/api/me", headers=bearer(this["access_token"])).status_code == 200
    assert refresh(client, this["refresh_token"]).status_code == 200
    assert_problem(client.get("/api/me", headers=bearer(other["access_token"])), 401, "unauthorized")
    assert_problem(refresh(client, other["refresh_token"]), 401, "unauthorized")
    assert login(client, password=NEW_PASSWORD).status_code == 200
    assert login(client, password=PASSWORD).status_code == 401


def test_password_change_needs_the_current_password(client, user):
    pair = login(client).get_json()

    doc = assert_problem(change_password(client, pair["access_token"], current="not it"), 422, "validation")

    assert list(doc["errors"]) == ["current_password"]
    assert login(client).status_code == 200


@pytest.mark.parametrize(("new", "reason"), [
    ("", None),
    ("short", "Au moins 12 caractères, ou une phrase de passe de 4 mots."),
    ("password1234", "Trop courant : il figure dans les listes que les attaquants essaient en premier."),
    ("rita.test.example.fr", "Trop proche de votre adresse e-mail : un attaquant l'essaie en premier."),
    ("Rita Rep 2026!", "Trop proche de votre nom : un attaquant l'essaie en premier."),
])
def test_a_new_password_follows_the_rules_of_a_chosen_one(client, user, new, reason):
    """The rules of an invitation or a reset (server/users/password_rules.py), in words."""
    pair = login(client).get_json()

    doc = assert_problem(change_password(client, pair["access_token"], new=new), 422, "validation")

    assert list(doc["errors"]) == ["new_password"]
    assert reason is None or reason in doc["errors"]["new_password"]
    assert login(client).status_code == 200  # unchanged


def test_a_new_password_close_to_the_name_is_refused_in_english_too(client, user):
    pair = login(client).get_json()
    answer = client.post("/api/me/password", headers={**bearer(pair["access_token"]), "Accept-Language": "en"},
                         json={"current_password": PASSWORD, "new_password": "Rita Rep 2026!"})
    assert assert_problem(answer, 422, "validation")["errors"] == {
        "new_password": ["Too close to your name: an attacker tries it first."]}


def test_password_change_needs_a_sign_in(client, user):
    response = client.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert_problem(response, 401, "unauthorized")

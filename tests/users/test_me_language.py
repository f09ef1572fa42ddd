"""The user's language follows it from device to device: `GET /api/me` says which one it chose
(null until it chooses), and the user saves its own choice with `PATCH /api/users/{its id}`."""
from __future__ import annotations

from tests.factories import make_user, token_headers


def test_me_says_null_until_the_user_chooses_a_language_then_the_choice(app, client, session):
    rep = make_user(session, "rep")
    session.commit()
    headers = token_headers(app, rep)
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["locale"] is None  # the device's own language stands

    changed = client.patch(f"/api/users/{rep.id}", json={"locale": "en"}, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    assert client.get("/api/me", headers=headers).get_json()["locale"] == "en"
    client.patch(f"/api/users/{rep.id}", json={"locale": "fr"}, headers=headers)
    assert client.get("/api/me", headers=headers).get_json()["locale"] == "fr"


def test_a_user_may_not_set_another_users_language(app, client, session):
    rep, other = make_user(session, "rep"), make_user(session, "rep")
    session.commit()
    response = client.patch(f"/api/users/{other.id}", json={"locale": "en"}, headers=token_headers(app, rep))
    assert response.status_code == 404
    session.refresh(other)
    assert other.locale is None

"""The user's language follows it from device to device: `GET /api/me` says which one it chose
(`locale_chosen` false until it chooses, `locale` then French as GET /api/users says it), and the user saves its own choice with `PATCH /api/users/{its id}`."""
from __future__ import annotations

from tests.factories import make_user, token_headers


def test_me_says_not_chosen_until_the_user_chooses_a_language_then_the_choice(app, client, session):
    rep, admin = make_user(session, "rep"), make_user(session, "admin")
    session.commit()
    headers = token_headers(app, rep)
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["locale_chosen"] is False  # the device's own language stands
    listed = client.get(f"/api/users/{rep.id}", headers=token_headers(app, admin)).get_json()
    assert me.get_json()["locale"] == listed["locale"] == "fr"  # one user, one answer

    changed = client.patch(f"/api/users/{rep.id}", json={"locale": "en"}, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    chosen = client.get("/api/me", headers=headers).get_json()
    assert (chosen["locale"], chosen["locale_chosen"]) == ("en", True)
    client.patch(f"/api/users/{rep.id}", json={"locale": "fr"}, headers=headers)
    assert client.get("/api/me", headers=headers).get_json()["locale"] == "fr"


def test_a_user_may_not_set_another_users_language(app, client, session):
    rep, other = make_user(session, "rep"), make_user(session, "rep")
    session.commit()
    response = client.patch(f"/api/users/{other.id}", json={"locale": "en"}, headers=token_headers(app, rep))
    assert response.status_code == 404
    session.refresh(other)
    assert other.locale is None

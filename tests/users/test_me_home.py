"""`GET /api/me` gives the rep's home position: the tablet keeps it to order its offline due
list nearest first, as the server orders the due list (server/tours/due.py)."""
from __future__ import annotations

from tests.factories import make_user, token_headers


def test_me_gives_the_home_position_or_null(app, client, session):
    placed = make_user(session, "rep", home_lat=47.09, home_lon=5.49, home_city="Dole")
    unplaced = make_user(session, "rep", home_city="Dole")  # an address not located: no position
    session.commit()
    me = client.get("/api/me", headers=token_headers(app, placed))
    assert me.status_code == 200
    assert me.get_json()["home"] == {"lat": 47.09, "lon": 5.49}
    assert client.get("/api/me", headers=token_headers(app, unplaced)).get_json()["home"] is None

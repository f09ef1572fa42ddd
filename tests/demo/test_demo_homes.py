"""The demo reps' home bases come as real data does: street, postcode and city in their own
fields, so the people screen (GET /api/users → `home`) shows the address once."""
from __future__ import annotations

import re

from server.demo.people import make_admin, make_cast
from server.demo.places import TOWNS
from tests.factories import token_headers


def test_each_demo_rep_has_its_home_in_street_postcode_and_city(app, client, session):
    cast = make_cast(session, reps=5, reps_per_team=5)
    admin = make_admin(session, cast)
    session.commit()
    response = client.get("/api/users", headers=token_headers(app, admin))
    assert response.status_code == 200
    reps = sorted((u for u in response.get_json()["items"] if u["role"] == "rep"), key=lambda u: u["email"])
    assert [u["email"] for u in reps] == [f"rep{n}@example.com" for n in range(1, 6)]
    for user, town in zip(reps, TOWNS):
        home = user["home"]
        assert re.fullmatch(r"\d{5}", home["postcode"]), home
        assert home["city"] == town.name
        assert home["address"] and home["postcode"] not in home["address"] and home["city"] not in home["address"], home
        assert (home["lat"], home["lon"]) == (town.lat, town.lon)  # the tours start where they did

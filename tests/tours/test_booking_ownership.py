"""A rep is booked only at the accounts it owns (server/agenda/entity.py): refused, online and offline;
a booked appointment moves only to a rep of the owner's team."""
from __future__ import annotations

import pytest

from server.db import new_id
from server.users.models import Team
from tests.factories import make_account, make_user
from tests.sync.helpers import Tablet, mutation
from tests.tours.world import HOURS, a_working_day, make_world


@pytest.fixture
def world(session):
    world = make_world(session, due_accounts=2)
    team = session.get(Team, world.rep.team_id)  # rep's team: its telemarketer books both
    world.rep2 = make_user(session, "rep", team=team, timezone="Europe/Paris", working_hours=HOURS)
    world.rep2_account = make_account(session, world.rep2)
    session.commit()
    return world


def booking(world, rep, account, start="10:00:00", end="11:00:00"):
    day = a_working_day().isoformat()
    return {"rep_id": rep.id, "account_id": account.id, "start": f"{day}T{start}", "end": f"{day}T{end}",
            "purpose": "Présentation"}


def test_booking_a_rep_at_an_account_it_does_not_own_is_refused(app, client, world):
    response = client.post("/api/appointments", json=booking(world, world.rep2, world.accounts[0]),
                           headers=world.headers(app, "tele"))
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["errors"]) == ["rep_id"]
    owner = client.post("/api/appointments", json=booking(world, world.rep, world.accounts[0]),
                        headers=world.headers(app, "tele"))
    assert owner.status_code == 201, owner.get_json()


def test_offline_bookings_follow_the_same_rule(app, client, world):
    tablet = Tablet(client, world.headers(app, "tele"))
    result = tablet.push(mutation("appointment", "create", new_id(),
                                  booking(world, world.rep2, world.accounts[0])))["results"][0]
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/validation")
    assert "rep_id" in result["error"]["errors"]


def test_moving_an_appointment_to_a_rep_of_another_team_is_refused(app, client, world):
    created = client.post("/api/appointments", json=booking(world, world.rep, world.accounts[0]),
                          headers=world.headers(app, "admin"))
    assert created.status_code == 201, created.get_json()
    # An admin may name any rep; a move still stays within the account owner's team.
    moved = client.patch(f"/api/appointments/{created.get_json()['id']}", json={"changes": {"rep_id": world.other_rep.id}},
                         headers=world.headers(app, "admin"))
    assert moved.status_code == 422 and "rep_id" in moved.get_json()["errors"]
    # A colleague of the owner's team may take it over (tests/tours/test_move_to_colleague.py).
    taken = client.patch(f"/api/appointments/{created.get_json()['id']}", json={"changes": {"rep_id": world.rep2.id}},
                         headers=world.headers(app, "tele"))
    assert taken.status_code == 200, taken.get_json()
    # The other rep's own account stays bookable for it, at another time.
    own = client.post("/api/appointments", json=booking(world, world.rep2, world.rep2_account, "14:00:00", "15:00:00"),
                      headers=world.headers(app, "tele"))
    assert own.status_code == 201, own.get_json()

"""Booking appointments: POST /api/appointments as API.md says, online and offline, never twice at once."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from server.db import new_id
from tests.sync.helpers import Tablet, mutation
from tests.tours.world import a_working_day, book, local, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=3)


def body(world, day, start, end, **extra):
    return {"rep_id": world.rep.id, "account_id": world.accounts[0].id, "contact_id": None,
            "start": f"{day.isoformat()}T{start}", "end": f"{day.isoformat()}T{end}", "purpose": "Présentation",
            **extra}


def test_a_booking_answers_201_with_the_appointment(app, client, world):
    day = a_working_day()
    response = client.post("/api/appointments", json=body(world, day, "10:00:00+01:00", "11:00:00+01:00"),
                           headers=world.headers(app, "tele"))
    assert response.status_code == 201, response.get_json()
    appointment = response.get_json()
    assert appointment["status"] == "booked" and appointment["booked_by"] == world.tele.id
    assert appointment["rep_id"] == world.rep.id and appointment["purpose"] == "Présentation"


@pytest.mark.parametrize(("start", "end"), [("09:30:00", "10:30:00"), ("10:59:00", "11:30:00"), ("07:00:00", "08:00:00"),
                                            ("17:30:00", "18:30:00")])
def test_overlap_or_outside_working_hours_is_a_409_overlap_problem(app, client, session, world, start, end):
    day = a_working_day()
    book(session, world, day, "10:00")
    response = client.post("/api/appointments", json=body(world, day, start, end), headers=world.headers(app, "tele"))
    assert response.status_code == 409, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["type"].endswith("overlap")


def test_local_times_are_read_in_the_reps_time_zone(app, client, world):
    day = a_working_day()
    # 17:00 in Paris is inside the working day; read as UTC it would be 18:00 (or 19:00) in Paris: outside.
    response = client.post("/api/appointments", json=body(world, day, "17:00:00", "17:45:00"),
                           headers=world.headers(app, "tele"))
    assert response.status_code == 201, response.get_json()
    start = datetime.fromisoformat(response.get_json()["start"].replace("Z", "+00:00"))
    assert start == local(day, "17:00")


def test_concurrent_bookings_of_one_slot_let_exactly_one_through(app, session, world):
    day = a_working_day()
    # 10:00–11:00, 10:10–11:10, …: every two of them overlap.
    bodies = [body(world, day, f"10:{10 * n:02d}:00", f"11:{10 * n:02d}:00") for n in range(6)]
    headers = world.headers(app, "tele")  # commits last: no write lock is held after this
    rep_id = world.rep.id
    session.rollback()
    statuses: list[int] = []
    types: list[str] = []
    barrier = threading.Barrier(6)

    def booking(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/appointments", headers=headers, json=bodies[n])
        statuses.append(response.status_code)
        if response.status_code != 201:
            types.append(response.get_json()["type"])

    threads = [threading.Thread(target=booking, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 5
    assert all(t.endswith("overlap") for t in types)
    from server.agenda.models import Appointment
    from sqlalchemy import func, select
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Appointment).where(Appointment.rep_id == rep_id)) == 1


def test_an_offline_booking_that_collides_is_rejected_as_overlap(app, client, session, world):
    day = a_working_day()
    tablet = Tablet(client, world.headers(app, "rep"))
    first, second, clash = new_id(), new_id(), new_id()
    fields = {"account_id": world.accounts[1].id, "purpose": "Hors ligne"}
    result = tablet.push(
        mutation("appointment", "create", first, {**fields, "start": local(day, "14:00").astimezone(UTC).isoformat(),
                                                  "end": local(day, "15:00").astimezone(UTC).isoformat()}),
        mutation("appointment", "create", second, {**fields, "start": f"{day.isoformat()}T15:00:00",
                                                   "end": f"{day.isoformat()}T15:30:00"}),
        mutation("appointment", "create", clash, {**fields, "start": f"{day.isoformat()}T14:30:00",
                                                  "end": f"{day.isoformat()}T15:15:00"}),
    )["results"]
    assert [r["status"] for r in result] == ["applied", "applied", "rejected"]
    assert result[2]["error"]["type"].endswith("overlap")
    pulled = {c["id"]: c["data"] for c in tablet.pull() if c["entity"] == "appointment"}
    assert set(pulled) == {first, second}
    # The tablet's local 15:00 is Paris time: back to back with the first, not an hour off.
    assert datetime.fromisoformat(pulled[second]["start"].replace("Z", "+00:00")) == local(day, "15:00")
    moved = tablet.push(mutation("appointment", "update", second, {"start": f"{day.isoformat()}T14:45:00"},
                                 base_version=pulled[second]["version"]))["results"][0]
    assert moved["status"] == "rejected" and moved["error"]["type"].endswith("overlap")

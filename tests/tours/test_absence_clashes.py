"""An absence declared over a day with booked appointments keeps them and warns: the
absence's answer lists them, and the tour of that day names each in its `warnings`."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from server.agenda.clashes import WARNING
from tests.tours.world import PARIS, a_working_day, book, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=4)


def _declare(client, app, world, first, last, who="manager"):
    return client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, who),
                       json={"from": first.isoformat(), "to": last.isoformat(), "reason": "training"})


def test_the_absence_answer_lists_the_appointments_booked_on_its_days(app, client, session, world):
    day = a_working_day()
    early, late = book(session, world, day, "09:00"), book(session, world, day + timedelta(days=1), "15:30")
    outside = book(session, world, day + timedelta(days=2), "10:00")  # the day after the absence
    cancelled = book(session, world, day, "14:00")
    cancelled.status = "cancelled"
    session.commit()
    response = _declare(client, app, world, day, day + timedelta(days=1))
    assert response.status_code == 201, response.get_json()
    clashes = response.get_json()["clashes"]
    assert [c["appointment_id"] for c in clashes] == [early.id, late.id]
    assert clashes[0]["name"] == "RDV 09:00" and clashes[1]["account_id"] == late.account_id
    assert clashes[0]["start"].startswith(f"{day.isoformat()}T09:00")  # in the rep's zone, with its offset
    assert outside.id not in {c["appointment_id"] for c in clashes}
    listed = client.get(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep")).get_json()
    assert [c["appointment_id"] for c in listed["items"][0]["clashes"]] == [early.id, late.id]


def test_an_absence_without_bookings_has_no_clash(app, client, world):
    day = a_working_day()
    response = _declare(client, app, world, day, day, who="rep")
    assert response.status_code == 201 and response.get_json()["clashes"] == []


def test_the_tour_of_a_day_off_warns_about_each_appointment_still_booked(app, client, session, world):
    day = a_working_day()
    first, second = book(session, world, day, "09:00"), book(session, world, day, "16:00")
    before = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    assert before["working_day"] is True and not any(w.startswith(WARNING) for w in before["warnings"])
    # declared from the tablet, offline: the same warning once synced
    push = client.post("/api/sync/push", headers=world.headers(app, "rep"), json={
        "client_id": str(uuid.uuid4()), "mutations": [{
            "mutation_id": str(uuid.uuid4()), "entity": "absence", "op": "create", "id": str(uuid.uuid4()),
            "changes": {"first_day": day.isoformat(), "last_day": day.isoformat(), "reason": "sick"},
            "client_time": datetime.now(PARIS).isoformat()}]})
    assert push.get_json()["results"][0]["status"] == "applied", push.get_json()
    doc = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    assert doc["working_day"] is False and doc["day_off"]["kind"] == "absence"
    assert doc["warnings"] == [f"{WARNING}{first.id}", f"{WARNING}{second.id}"]
    assert [s["appointment_id"] for s in doc["stops"]] == [first.id, second.id]  # kept, not cancelled


def test_a_weekend_booking_is_not_an_absence_clash(app, client, session, world):
    day = a_working_day() + timedelta(days=4)  # the Saturday after
    book(session, world, day, "10:00")
    doc = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    assert doc["working_day"] is False and doc["warnings"] == []

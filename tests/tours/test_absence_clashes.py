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


def test_a_day_of_absence_with_appointments_is_timed_like_a_day_of_appointments(app, client, session, world):
    """The rep still has to drive to the appointments kept on an absence day: the tour says when to
    leave and when back, counts the drive, and names each appointment to move (a user trial saw
    "00:00 Leave", "driving 0 min" and the same unnamed warning twice)."""
    day = a_working_day()
    first, second = book(session, world, day, "09:15"), book(session, world, day, "16:30")
    assert _declare(client, app, world, day, day).status_code == 201
    doc = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    assert doc["working_day"] is False and doc["day_off"]["kind"] == "absence"
    leave, back = datetime.fromisoformat(doc["start"]["at"]), datetime.fromisoformat(doc["end"]["at"])
    arrive = datetime.fromisoformat(doc["stops"][0]["arrive"])
    depart = datetime.fromisoformat(doc["stops"][-1]["depart"])
    assert leave < arrive and back > depart and leave.date() == day  # in time for the first, home after the last
    assert doc["stops"][0]["drive_min"] > 0 and doc["totals"]["drive_km"] > 0 and doc["totals"]["drive_min"] > 0
    assert doc["totals"]["visit_min"] == 120
    assert [s["kind"] for s in doc["stops"]] == ["appointment", "appointment"]  # nothing due added on a day off
    assert doc["warnings"] == [f"{WARNING}{first.id}", f"{WARNING}{second.id}"]  # the phrases older tablets read
    assert [(a["code"], a["appointment_id"], a["account_id"], a["name"]) for a in doc["alerts"]] == [
        ("absence_clash", first.id, first.account_id, "RDV 09:15"),
        ("absence_clash", second.id, second.account_id, "RDV 16:30")]
    assert doc["alerts"][0]["start"] == doc["stops"][0]["booked_start"]


def test_a_day_off_without_appointments_has_no_trip(app, client, world):
    day = a_working_day() + timedelta(days=4)  # the Saturday after
    doc = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    assert doc["stops"] == [] and doc["alerts"] == [] and doc["totals"]["drive_km"] == 0
    assert doc["start"]["at"] == doc["end"]["at"]

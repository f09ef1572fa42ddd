"""A rep moves or cancels its own appointment from the tablet (sync push `update`):
its own only, refused onto a day it does not work, and the absence warning goes once moved."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.agenda.clashes import WARNING
from tests.sync.helpers import Tablet, mutation
from tests.tours.world import a_working_day, book, local, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=2)


def _utc(day, hhmm):
    return local(day, hhmm).astimezone(UTC).isoformat()


def _move(tablet, appointment, day, start, end):
    return tablet.push(mutation("appointment", "update", appointment.id, {"start": _utc(day, start), "end": _utc(day, end)},
                                base_version=appointment.version))["results"][0]


def _read(client, app, world, appointment_id):
    tablet = Tablet(client, world.headers(app, "rep"))
    return {c["id"]: c["data"] for c in tablet.pull() if c["entity"] == "appointment"}[appointment_id]


def test_a_rep_moves_its_own_appointment_keeping_its_length(app, client, session, world):
    day = a_working_day()
    appointment = book(session, world, day, "09:00", minutes_long=45)
    result = _move(Tablet(client, world.headers(app, "rep")), appointment, day + timedelta(days=1), "14:30", "15:15")
    assert result["status"] == "applied", result
    moved = _read(client, app, world, appointment.id)
    start = datetime.fromisoformat(moved["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(moved["end"].replace("Z", "+00:00"))
    assert start == local(day + timedelta(days=1), "14:30") and end - start == timedelta(minutes=45)
    assert moved["status"] == "booked"


def test_a_rep_cancels_its_own_appointment(app, client, session, world):
    appointment = book(session, world, a_working_day(), "10:00")
    result = Tablet(client, world.headers(app, "rep")).push(mutation(
        "appointment", "update", appointment.id, {"status": "cancelled"}, base_version=appointment.version))["results"][0]
    assert result["status"] == "applied", result
    assert _read(client, app, world, appointment.id)["status"] == "cancelled"


def test_another_reps_appointment_is_not_found_for_a_rep(app, client, session, world):
    from tests.factories import make_account, make_appointment
    account = make_account(session, world.other_rep, name="Ailleurs")
    theirs = make_appointment(session, account, world.other_rep, start=local(a_working_day(), "10:00").astimezone(UTC),
                              minutes=60, status="booked")
    session.commit()
    tablet = Tablet(client, world.headers(app, "rep"))
    for changes in ({"status": "cancelled"}, {"start": _utc(a_working_day(), "15:00"), "end": _utc(a_working_day(), "16:00")}):
        result = tablet.push(mutation("appointment", "update", theirs.id, changes, base_version=theirs.version))["results"][0]
        assert result["status"] == "rejected" and result["error"]["status"] == 404, result
    session.expire_all()
    assert theirs.status == "booked"


def test_a_move_onto_an_absence_is_refused_and_a_move_out_clears_the_warning(app, client, session, world):
    day = a_working_day()
    appointment = book(session, world, day, "09:00")
    tablet = Tablet(client, world.headers(app, "rep"))
    declared = client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep"),
                           json={"from": (day + timedelta(days=1)).isoformat(), "to": (day + timedelta(days=1)).isoformat(),
                                 "reason": "training"})
    assert declared.status_code == 201, declared.get_json()
    refused = _move(tablet, appointment, day + timedelta(days=1), "10:00", "11:00")
    assert refused["status"] == "rejected" and refused["error"]["type"].endswith("overlap"), refused
    # Booked on the day the absence now covers: the tour warns, until it is moved out.
    client.post(f"/api/users/{world.rep.id}/absences", headers=world.headers(app, "rep"),
                json={"from": day.isoformat(), "to": day.isoformat(), "reason": "training"})
    tour = lambda: client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()  # noqa: E731
    assert tour()["warnings"] == [f"{WARNING}{appointment.id}"]
    assert _move(tablet, appointment, day + timedelta(days=2), "10:00", "11:00")["status"] == "applied"
    assert not any(w.startswith(WARNING) for w in tour()["warnings"])


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_a_done_or_cancelled_appointment_keeps_its_time_and_rep(app, client, session, world, status):
    from server.users.models import Team
    from tests.factories import make_user
    day = a_working_day()
    appointment = book(session, world, day, "09:00")
    appointment.status = status
    session.commit()
    tablet = Tablet(client, world.headers(app, "rep"))
    # A move queued on the tablet (a user trial moved a logged visit to another day, 07:00).
    pushed = _move(tablet, appointment, day + timedelta(days=1), "07:00", "08:00")
    assert pushed["status"] == "rejected" and pushed["error"]["type"].endswith("immutable"), pushed
    assert set(pushed["error"]["errors"]) == {"start", "end"}
    # The desk's PATCH, to another time or to a colleague of the team.
    colleague = make_user(session, "rep", team=session.get(Team, world.rep.team_id))
    session.commit()
    url, tele = f"/api/appointments/{appointment.id}", world.headers(app, "tele")
    later = client.patch(url, headers=tele, json={"changes": {"start": _utc(day, "14:00"), "end": _utc(day, "15:00")}})
    assert later.status_code == 409 and later.get_json()["type"].endswith("immutable"), later.get_json()
    assert set(later.get_json()["errors"]) == {"start", "end"}
    handed = client.patch(url, headers=tele, json={"changes": {"rep_id": colleague.id}})
    assert handed.status_code == 409 and set(handed.get_json()["errors"]) == {"rep_id"}, handed.get_json()
    # Its own time sent back unchanged, and the purpose, still go through.
    same = client.patch(url, headers=tele, json={"changes": {"start": _utc(day, "09:00"), "purpose": "Compte rendu"}})
    assert same.status_code == 200, same.get_json()
    kept = _read(client, app, world, appointment.id)
    assert datetime.fromisoformat(kept["start"].replace("Z", "+00:00")) == local(day, "09:00")
    assert kept["rep_id"] == world.rep.id and kept["status"] == status

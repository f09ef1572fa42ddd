"""An account booked is planned as visited at its appointment (server/tours/due.py, "Booked, not
yet visited"): on the days after a kept appointment its due date counts from the appointment by
its segment's cadence, so it does not come back as overdue the week after (a user trial saw an
account booked on a Friday listed "overdue" on the next Thursday). A cancelled booking does not
count, and booking makes the later days' kept plans that visit the account stale."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.db import utcnow
from server.tours.models import TourPlan
from tests.factories import make_account
from tests.tours.world import HOME, a_working_day, book, make_world


@pytest.fixture
def world(session):
    world = make_world(session, due_accounts=0)
    now = utcnow()
    world.late = make_account(session, world.rep, name="En retard", segment="B", computed_segment="B",
                              lat=HOME[0] + 0.01, lon=HOME[1], last_visit_at=now - timedelta(days=120),
                              next_due_at=now - timedelta(days=30))
    world.new = make_account(session, world.rep, name="Jamais vu", segment="C", computed_segment="C",
                             lat=HOME[0], lon=HOME[1] + 0.01)  # never visited: due at once
    session.commit()
    return world


def _book(client, app, world, day, hhmm, account) -> None:
    """Booked by the team's telemarketer through the API, as the trial did (the kept plans react)."""
    response = client.post("/api/appointments", headers=world.headers(app, "tele"), json={
        "rep_id": world.rep.id, "account_id": account.id, "contact_id": None, "purpose": "Présentation",
        "start": f"{day.isoformat()}T{hhmm}:00", "end": f"{day.isoformat()}T{int(hhmm[:2]) + 1:02d}{hhmm[2:]}:00"})
    assert response.status_code == 201, response.get_json()


def _kinds(client, app, world, day) -> dict[str, str]:
    tour = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    return {s["account_id"]: s["kind"] for s in tour["stops"]}


def test_the_week_after_its_appointment_a_booked_account_is_not_overdue(app, client, session, world):
    friday = a_working_day(weekday=4)
    thursday = friday + timedelta(days=6)
    before = _kinds(client, app, world, thursday)
    assert before.get(world.late.id) == "overdue" and before.get(world.new.id) == "due"  # due without a booking
    _book(client, app, world, friday, "10:00", world.late)
    _book(client, app, world, friday, "14:00", world.new)
    after = _kinds(client, app, world, thursday)
    assert world.late.id not in after and world.new.id not in after, after
    kept = session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == thursday))
    assert kept["stale"] is False  # the booking made it stale; the GET planned it again


def test_a_cancelled_booking_is_not_counted_as_a_visit(app, client, session, world):
    friday = a_working_day(weekday=4)
    booking = book(session, world, friday, "10:00", account=world.late)
    booking.status = "cancelled"
    session.commit()
    assert _kinds(client, app, world, friday + timedelta(days=6)).get(world.late.id) == "overdue"


def test_a_cadence_after_its_appointment_the_account_is_due_again(app, client, session, world):
    friday = a_working_day(weekday=4)
    book(session, world, friday, "10:00", account=world.late)
    later = friday + timedelta(days=7 * 14 + 4)  # B: four visits a year, so due again after 91 days
    assert _kinds(client, app, world, later).get(world.late.id) in ("due", "overdue")

"""GET /api/reps/{rep_id}/agenda.ics and POST /api/reps/{rep_id}/ics-token."""
from __future__ import annotations

import pytest
from icalendar import Calendar

from tests.tours.world import a_working_day, book, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=8)


def test_feed_lists_appointments_and_planned_visits_and_parses_back(app, client, session, world):
    day = a_working_day()
    appointment = book(session, world, day, "10:00")
    tour = client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()
    response = client.get(f"/api/reps/{world.rep.id}/agenda.ics?token=feed-secret-1")  # no bearer token
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    uids = {str(e["UID"]) for e in events}
    assert f"appointment-{appointment.id}@tournee" in uids
    event = next(e for e in events if str(e["UID"]) == f"appointment-{appointment.id}@tournee")
    assert event.decoded("DTSTART") == appointment.start and event.decoded("DTEND") == appointment.end
    visits = [s for s in tour["stops"] if s["kind"] != "appointment"]
    assert visits and sum(1 for e in events if str(e["UID"]).startswith("stop-")) == len(visits)


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong"])
def test_a_wrong_or_missing_token_is_a_404_problem(client, world, query):
    response = client.get(f"/api/reps/{world.rep.id}/agenda.ics{query}")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_rotating_the_token_retires_the_old_feed_url(app, client, world):
    old = "feed-secret-1"
    response = client.post(f"/api/reps/{world.rep.id}/ics-token", headers=world.headers(app, "rep"))
    assert response.status_code == 200, response.get_json()
    fresh = response.get_json()
    assert fresh["ics_token"] != old and fresh["url"].endswith(f"/api/reps/{world.rep.id}/agenda.ics?token={fresh['ics_token']}")
    assert client.get(f"/api/reps/{world.rep.id}/agenda.ics?token={old}").status_code == 404
    assert client.get(f"/api/reps/{world.rep.id}/agenda.ics?token={fresh['ics_token']}").status_code == 200
    by_admin = client.post(f"/api/reps/{world.rep.id}/ics-token", headers=world.headers(app, "admin"))
    assert by_admin.status_code == 200 and by_admin.get_json()["ics_token"] != fresh["ics_token"]
    by_manager = client.post(f"/api/reps/{world.rep.id}/ics-token", headers=world.headers(app, "manager"))
    assert by_manager.status_code == 200 and by_manager.get_json()["ics_token"] != by_admin.get_json()["ics_token"]
    for who in ("other_rep", "other_manager", "tele"):
        refused = client.post(f"/api/reps/{world.rep.id}/ics-token", headers=world.headers(app, who))
        assert refused.status_code == 404 and refused.headers["Content-Type"] == "application/problem+json"

"""GET /api/reps/{rep_id}/agenda.ics and POST /api/reps/{rep_id}/ics-token."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from tests.tours.world import PARIS, a_working_day, book, local, make_world


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


def _next_dst_change(after: date) -> date:
    """The first local day after `after` whose UTC offset differs from the day before's."""
    day = after + timedelta(days=1)
    while local(day, "12:00").utcoffset() == local(day - timedelta(days=1), "12:00").utcoffset():
        day += timedelta(days=1)
    return day


def test_feed_carries_its_zone_and_parses_with_two_libraries(app, client, session, world):
    """No floating time, no TZID without its VTIMEZONE (RFC 5545 §3.6.5), METHOD and PRODID
    for a subscription, SEQUENCE / LAST-MODIFIED on every event; icalendar and vobject read it."""
    import vobject

    day = a_working_day()
    book(session, world, day, "10:00")
    client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep"))
    body = client.get(f"/api/reps/{world.rep.id}/agenda.ics?token=feed-secret-1").data.decode()
    lines = body.replace("\r\n ", "").split("\r\n")
    in_event, starts = False, []
    for line in lines:  # DTSTART/DTEND of the events (a VTIMEZONE's own are local by definition)
        in_event = line == "BEGIN:VEVENT" or (in_event and line != "END:VEVENT")
        if in_event and line.startswith(("DTSTART", "DTEND")):
            starts.append(line)
    in_events = [line for line in starts if "TZID=" in line or line.endswith("Z")]
    assert starts and len(in_events) == len(starts), "every date-time has a zone"
    zones = {line.split("TZID=")[1].split(":")[0].strip('"') for line in starts if "TZID=" in line}
    assert zones == {"Europe/Paris"}
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Europe/Paris" in lines
    assert "METHOD:PUBLISH" in lines and any(line.startswith("PRODID:") for line in lines)
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert all("SEQUENCE" in e and "DTSTAMP" in e and "LAST-MODIFIED" in e for e in events)
    parsed = vobject.readOne(body)  # raises on a broken feed
    assert len(parsed.vevent_list) == len(events)
    assert all(e.dtstart.value.tzinfo is not None for e in parsed.vevent_list)


def test_a_moved_appointment_keeps_its_uid_with_a_higher_sequence_and_a_cancelled_one_says_so(app, client, session, world):
    day = a_working_day()
    appointment = book(session, world, day, "10:00")
    url = f"/api/reps/{world.rep.id}/agenda.ics?token=feed-secret-1"
    uid = f"appointment-{appointment.id}@tournee"

    def event():
        return next(e for e in Calendar.from_ical(client.get(url).data).walk("VEVENT") if str(e["UID"]) == uid)

    first = event()
    moved = client.patch(f"/api/appointments/{appointment.id}", headers=world.headers(app, "tele"), json={
        "changes": {"start": local(day, "14:00").isoformat(), "end": local(day, "15:00").isoformat()}})
    assert moved.status_code == 200, moved.get_json()
    second = event()
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert second.decoded("DTSTART") == local(day, "14:00")
    cancelled = client.patch(f"/api/appointments/{appointment.id}", headers=world.headers(app, "tele"),
                             json={"changes": {"status": "cancelled"}})
    assert cancelled.status_code == 200
    third = event()
    assert str(third["STATUS"]) == "CANCELLED" and int(third["SEQUENCE"]) > int(second["SEQUENCE"])


def test_across_a_dst_change_events_keep_their_wall_clock_time(app, client, session, world):
    change = _next_dst_change(datetime.now(PARIS).date())
    before, after = change - timedelta(days=2), change + timedelta(days=1)
    with time_machine.travel(local(change - timedelta(days=5), "09:00"), tick=False):
        ids = [book(session, world, d, "10:00").id for d in (before, after)]
        body = client.get(f"/api/reps/{world.rep.id}/agenda.ics?token=feed-secret-1").data.decode()
    events = {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    for appointment_id in ids:
        start = events[f"appointment-{appointment_id}@tournee"]["DTSTART"]
        assert start.params["TZID"] == "Europe/Paris" and start.dt.strftime("%H:%M") == "10:00"
    offsets = {events[f"appointment-{i}@tournee"].decoded("DTSTART").utcoffset() for i in ids}
    assert len(offsets) == 2  # the same 10:00 on both sides of the change: two UTC offsets

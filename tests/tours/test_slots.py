"""GET /api/reps/{rep_id}/slots: bookable slots, least added driving first."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.factories import make_account
from tests.tours.world import HOME, a_working_day, book, local, make_world, minutes


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=12)


def slots(client, headers, rep_id, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/reps/{rep_id}/slots?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_slots_never_overlap_appointments_and_come_sorted_by_added_driving(app, client, session, world):
    day = a_working_day()
    booked = [book(session, world, day, "09:00"), book(session, world, day, "14:30", 90),
              book(session, world, day + timedelta(days=1), "11:00", 120)]
    client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep"))  # a kept plan
    target = world.accounts[3]
    found = slots(client, world.headers(app, "tele"), world.rep.id, account_id=target.id,
                  **{"from": day.isoformat(), "to": (day + timedelta(days=2)).isoformat(), "duration": 60, "limit": 500})
    assert found
    added = [s["added_drive_min"] for s in found]
    assert added == sorted(added) and min(added) >= 0
    keys = [(s["added_drive_min"], datetime.fromisoformat(s["start"])) for s in found]
    assert keys == sorted(keys)  # equal driving: the earliest first
    for slot in found:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        assert start.utcoffset() is not None and end - start == timedelta(minutes=60)
        for appointment in booked:
            assert end <= appointment.start or start >= appointment.end, (slot, appointment.start)
        assert 8 * 60 + 30 <= minutes(slot["start"]) and minutes(slot["end"]) <= 18 * 60
        assert start.date() in (day, day + timedelta(days=1), day + timedelta(days=2))
    # Lunch: the 11:00–13:00 appointment leaves 13:00–14:00 as the only hour for lunch; no slot takes it.
    next_day = [s for s in found if datetime.fromisoformat(s["start"]).date() == day + timedelta(days=1)]
    assert next_day
    assert all(minutes(s["end"]) <= 13 * 60 or minutes(s["start"]) >= 14 * 60 for s in next_day)


def test_a_close_account_costs_less_driving_than_a_far_one(app, client, session, world):
    day = a_working_day()
    book(session, world, day, "10:00", account=make_account(session, world.rep, lat=HOME[0] + 0.2, lon=HOME[1]))
    near = make_account(session, world.rep, lat=HOME[0] + 0.2, lon=HOME[1] + 0.01)
    far = make_account(session, world.rep, lat=HOME[0] - 0.3, lon=HOME[1] - 0.4)
    session.commit()
    params = {"from": day.isoformat(), "to": day.isoformat(), "duration": 45}
    best_near = slots(client, world.headers(app, "tele"), world.rep.id, account_id=near.id, **params)[0]
    best_far = slots(client, world.headers(app, "tele"), world.rep.id, account_id=far.id, **params)[0]
    assert best_near["added_drive_min"] < best_far["added_drive_min"]
    # Slotted right beside the appointment next door, it adds a couple of minutes at most.
    assert best_near["added_drive_min"] < 3


def test_a_date_time_without_offset_is_the_reps_local_time(app, client, session, world):
    day = a_working_day()
    found = slots(client, world.headers(app, "tele"), world.rep.id, account_id=world.accounts[0].id,
                  **{"from": f"{day.isoformat()}T15:00:00", "to": f"{day.isoformat()}T17:00:00", "duration": 30})
    assert found
    assert all(datetime.fromisoformat(s["start"]) >= local(day, "15:00") for s in found)
    assert all(datetime.fromisoformat(s["end"]) <= local(day, "17:00") for s in found)


def test_slots_follow_scope_and_validate_their_input(app, client, world):
    account = world.accounts[0].id
    for who in ("other_rep", "backoffice", "other_manager"):
        response = client.get(f"/api/reps/{world.rep.id}/slots?account_id={account}", headers=world.headers(app, who))
        assert response.status_code == 404 and response.headers["Content-Type"] == "application/problem+json"
    for query in ("", f"account_id={account}&from=yesterday-ish", f"account_id={account}&duration=3"):
        response = client.get(f"/api/reps/{world.rep.id}/slots?{query}", headers=world.headers(app, "tele"))
        assert response.status_code == 422, query
        assert response.headers["Content-Type"] == "application/problem+json"


def test_slots_that_cost_the_same_whole_minutes_of_driving_come_earliest_first(app, client, session, world):
    """A tenth of a minute of driving is no reason to offer a later day first: the ranking reads
    whole minutes (what the telemarketer is shown), then the date; 0 means on the rep's way."""
    day = a_working_day()
    target = make_account(session, world.rep, lat=HOME[0] + 0.2, lon=HOME[1])
    # The first day's appointment is 110 m beside the account (a few seconds of driving), the
    # next day's at its very door (none).
    book(session, world, day, "09:00", account=make_account(session, world.rep, lat=HOME[0] + 0.2, lon=HOME[1] + 0.0015))
    book(session, world, day + timedelta(days=1), "09:00", account=make_account(session, world.rep, lat=HOME[0] + 0.2, lon=HOME[1]))
    session.commit()
    found = slots(client, world.headers(app, "tele"), world.rep.id, account_id=target.id, limit=500, duration=60,
                  **{"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()})
    assert all(s["added_drive_min"] == int(s["added_drive_min"]) for s in found)  # whole minutes
    on_the_way = [s for s in found if s["added_drive_min"] == 0]
    days = [datetime.fromisoformat(s["start"]).date() for s in on_the_way]
    assert set(days) == {day, day + timedelta(days=1)}
    assert days == sorted(days) and found[0] == on_the_way[0] and days[0] == day
    starts = [datetime.fromisoformat(s["start"]) for s in on_the_way]
    assert starts == sorted(starts)

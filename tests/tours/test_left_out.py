"""Every account due on a day is on its tour: a stop, or in `unplanned` with its reason
(server/tours/left_out.py). A user trial imported accounts 70 and 150 km from the rep's home
that, two weeks long, were neither planned nor listed: the day's candidates are cut (time
split, oversupply, at most 40) before the planner, nearest first among equals, and the cut
was silent."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.agenda.workdays import holiday_calendar
from server.db import utcnow
from server.tours.dayplan import LOWER_PRIORITY, TIME_SPLIT
from server.tours.due import DueAccount
from server.tours.left_out import BEYOND_ROUND_TRIP, CROWDED_OUT, left_out
from tests.factories import make_account
from tests.tours.world import HOME, a_working_day, make_world

CHALON = (46.781, 4.854)  # some 70 km by road from the world's home (Dijon)
PARIS = (48.857, 2.352)  # some 300 km: no day holds the drive there and back


@pytest.fixture
def world(session):
    world = make_world(session, due_accounts=0)
    for n in range(60):  # a freshly imported base next door: never visited, all alike
        make_account(session, world.rep, name=f"Importé {n:02d}", segment="C", computed_segment="C",
                     lat=HOME[0] + 0.002 * n, lon=HOME[1] - 0.002 * n)
    world.chalon = make_account(session, world.rep, name="Chalon", segment="C", computed_segment="C",
                                lat=CHALON[0], lon=CHALON[1])
    world.paris = make_account(session, world.rep, name="Paris", segment="C", computed_segment="C",
                               lat=PARIS[0], lon=PARIS[1])
    world.later = make_account(session, world.rep, name="Plus tard", segment="A", computed_segment="A",
                               lat=HOME[0], lon=HOME[1] + 0.01, last_visit_at=utcnow(),
                               next_due_at=utcnow() + timedelta(days=30))  # not due for weeks
    session.commit()
    return world


def _tour(client, app, world, day):
    return client.get(f"/api/tours/{world.rep.id}/{day.isoformat()}", headers=world.headers(app, "rep")).get_json()


def test_every_account_due_is_a_stop_or_unplanned_with_its_reason(app, client, world):
    day = a_working_day()
    tour = _tour(client, app, world, day)
    stops = {s["account_id"] for s in tour["stops"]}
    unplanned = {u["account_id"]: u["reason"] for u in tour["unplanned"]}
    assert not stops & set(unplanned)
    assert len(stops | set(unplanned)) == 60 + 2  # the whole imported base, near and far
    assert unplanned[world.paris.id] == BEYOND_ROUND_TRIP
    # As urgent as the imported ones next door, which took the C share of the day: the split's reason.
    assert unplanned[world.chalon.id] == TIME_SPLIT
    assert world.later.id not in stops | set(unplanned)  # not owed anything yet


def test_an_account_beyond_a_days_round_trip_is_listed_every_day_it_is_due(app, client, world):
    # Five working days in a row: a public holiday among them (New Year's Day after a Christmas
    # pin) is a day off, with no tour to list anything on, so it is passed over.
    days = [a_working_day(weekday=0) + timedelta(days=n) for n in range(7)]
    days = [day for day in days if day.weekday() < 5 and not holiday_calendar("FR").get(day)]
    assert len(days) >= 4
    for day in days:
        tour = _tour(client, app, world, day)
        assert world.paris.id not in {s["account_id"] for s in tour["stops"]}
        assert {u["account_id"]: u["reason"] for u in tour["unplanned"]}.get(world.paris.id) == BEYOND_ROUND_TRIP


def _due(key: str, priority: int, next_due_at=None) -> DueAccount:
    return DueAccount(account_id=key, name=key, segment="C", lat=HOME[0], lon=HOME[1], opening_hours=None,
                      next_due_at=next_due_at, kind="due", overdue_days=63, priority=priority, visit_min=30)


def test_without_a_share_kept_the_cut_says_lower_priority_or_crowded_out():
    """The shares all taken by the day's appointments: no candidate is in quota, and the cut is
    by rank, then by distance among equals. An account due only within the horizon is not listed."""
    day_end = utcnow()
    kept, equal, lower = _due("kept", 19), _due("equal", 19), _due("lower", 12)
    ahead = _due("ahead", 30, next_due_at=day_end + timedelta(days=3))
    out = left_out([kept, equal, lower, ahead], [], [kept], day_end=day_end)
    assert out == [{"account_id": "equal", "reason": CROWDED_OUT}, {"account_id": "lower", "reason": LOWER_PRIORITY}]

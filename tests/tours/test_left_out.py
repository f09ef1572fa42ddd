"""Every account due on a day is on its tour: a stop, or in `unplanned` with its reason
(server/tours/left_out.py). A user trial imported accounts 70 and 150 km from the rep's home
that, two weeks long, were neither planned nor listed: the day's candidates are cut (time
split, oversupply, at most 40) before the planner, nearest first among equals, and the cut
was silent."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from server.agenda.workdays import holiday_calendar
from server.db import utcnow
from server.tours.context import load_rep
from server.tours.dayplan import LOWER_PRIORITY, NO_TIME, TIME_SPLIT
from server.tours.due import IN_QUOTA_BONUS, MAX_CANDIDATES, DayPick, DueAccount, pick_for_day
from server.tours.left_out import BEYOND_ROUND_TRIP, CROWDED_OUT, left_out
from server.tours.planning import gather, solve
from server.tours.travel import HaversineTravel, OsrmTravel, great_circle_km
from tests.factories import make_account
from tests.tours.fake_osrm import durations, osrm_server
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


def _pick(due: list[DueAccount], booked_c_min: float, split=None) -> DayPick:
    return pick_for_day(due, working_min=570, lunch_min=60, booked_min={"C": booked_c_min}, split=split)


def test_without_a_share_kept_the_cut_says_lower_priority_or_crowded_out():
    """The C share taken by the day's appointments: no candidate is in quota, and the cut is by
    rank, then by distance among equals. An account due only within the horizon is not listed."""
    day_end = utcnow()
    equals = [_due(f"equal {n:02d}", 19) for n in range(40)]
    lower = _due("lower", 12)
    ahead = _due("ahead", 10, next_due_at=day_end + timedelta(days=3))
    pick = _pick([*equals, lower, ahead], booked_c_min=120)
    taken = [d.account_id for d in pick.candidates]
    assert taken and all(d.priority < IN_QUOTA_BONUS for d in pick.candidates)
    assert taken == [d.account_id for d in equals[:len(taken)]]  # in the due list's order
    out = left_out(pick, [], day_end=day_end)
    assert out == [{"account_id": d.account_id, "reason": CROWDED_OUT} for d in equals[len(taken):]] + [
        {"account_id": "lower", "reason": LOWER_PRIORITY}]
    assert {d.account_id for d, _ in pick.cut} == {d.account_id for d in equals[len(taken):]} | {"lower", "ahead"}


def test_the_cut_names_the_split_the_candidate_cap_and_a_day_of_appointments():
    """Past the C share on a day that keeps stops within it: `TIME_SPLIT`. Within its share but
    past `MAX_CANDIDATES` (short visits, a large share): not the split's doing, as urgent ones were
    taken. No candidate at all (the appointments take every visit minute): `NO_TIME`."""
    day_end = utcnow()
    base = [_due(f"c {n:02d}", 19) for n in range(60)]
    pick = _pick(base, booked_c_min=0)
    assert any(d.priority >= IN_QUOTA_BONUS for d in pick.candidates)
    assert {reason for _, reason in pick.cut} == {TIME_SPLIT}
    short = [replace(d, visit_min=1) for d in base]  # all 60 fit in the C share: the cap cuts them
    capped = _pick(short, booked_c_min=0, split={"C": 1.0})
    assert len(capped.candidates) == MAX_CANDIDATES and all(d.priority >= IN_QUOTA_BONUS for d in capped.candidates)
    assert [(d.account_id, reason) for d, reason in capped.cut] == [
        (d.account_id, CROWDED_OUT) for d in short[MAX_CANDIDATES:]]
    full = _pick(base, booked_c_min=570, split={"C": 1.0})
    assert full.candidates == [] and left_out(full, [], day_end=day_end) == [
        {"account_id": d.account_id, "reason": NO_TIME} for d in base]


CHALON_DETOUR_S = 4.5 * 3600  # the bridge closed: four and a half hours each way
PARIS_MOTORWAY_S = 2.5 * 3600  # the motorway: far quicker than straight lines at a town's average speed


def _road(a, b) -> float:
    """Drive seconds between two points: the straight-line estimate, but for Chalon and Paris."""
    for place, seconds in ((CHALON, CHALON_DETOUR_S), (PARIS, PARIS_MOTORWAY_S)):
        if great_circle_km(a, place) < 1 or great_circle_km(b, place) < 1:
            return 0.0 if great_circle_km(a, b) < 1 else seconds
    return HaversineTravel().legs(a, [b])[0][0] * 60


def test_beyond_a_days_round_trip_is_judged_by_the_drive_times_the_day_is_planned_with(app, session, world):
    """The same day planned on straight lines (the quick plan) and on OSRM's drive times (the full
    plan): Paris is beyond reach by the one, not by the other, Chalon the reverse; each plan lists
    an account beyond reach only when its own drive times say so, and plans or cuts the others."""
    day = a_working_day()
    rep = load_rep(session, world.rep.id)
    gathered = gather(session, rep, day, now=utcnow(), horizon_days=7)
    session.rollback()
    reasons = {}
    with osrm_server(durations(_road)) as (url, seen):
        for travel in (HaversineTravel(), OsrmTravel(url)):
            doc = solve(gathered, travel=travel, time_limit_s=0.05, now=utcnow(), solver="fallback")
            unplanned = {u["account_id"]: u["reason"] for u in doc["unplanned"]}
            assert len(unplanned.keys() | {s["account_id"] for s in doc["stops"]}) == 60 + 2
            reasons[type(travel).__name__] = (unplanned.get(world.chalon.id), unplanned.get(world.paris.id))
        assert any("sources=0" in path for path in seen) and any("destinations=0" in path for path in seen)
    straight, road = reasons["HaversineTravel"], reasons["OsrmTravel"]
    assert straight[0] != BEYOND_ROUND_TRIP and straight[1] == BEYOND_ROUND_TRIP
    assert road[0] == BEYOND_ROUND_TRIP and road[1] != BEYOND_ROUND_TRIP

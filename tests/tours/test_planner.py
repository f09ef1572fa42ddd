"""The tour planner: every plan is a day a rep can actually drive.

Feasibility is checked from the outside: the timeline is recomputed from the returned
order with the same travel model, never with the planner's own clock (timeline.py).
"""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.tours import pyvrp_solver, solver as ortools_solver
from server.tours.dayplan import LOWER_PRIORITY, NO_TIME, OUTSIDE_HOURS, TOO_FAR, DayPlan
from server.tours.fallback import nearest_neighbour_order
from server.tours.timeline import drive_s
from server.tours import planner
from server.tours.dayplan import APPOINTMENTS_CLASH
from server.tours.planner import Appointment, Candidate, Lunch, plan_day
from server.tours.travel import HaversineTravel, OsrmTravel, great_circle_km
from tests.tours.fake_osrm import durations, osrm_server

HOME = (47.32, 5.04)  # Dijon
TRAVEL = HaversineTravel()
EPS = 0.05  # minutes: the planner counts in whole seconds
REASONS = {NO_TIME, OUTSIDE_HOURS, LOWER_PRIORITY, TOO_FAR}


def drive(a: tuple[float, float], b: tuple[float, float]) -> float:
    minutes, _ = TRAVEL.matrices([a, b])
    return minutes[0][1]


def make_candidate(key: str, dlat: float = 0.05, dlon: float = 0.05, **kw) -> Candidate:
    kw.setdefault("service_min", 30)
    return Candidate(key=key, lat=HOME[0] + dlat, lon=HOME[1] + dlon, **kw)


def assert_feasible(
    plan: DayPlan,
    *,
    day_start: float,
    day_end: float,
    candidates: list[Candidate],
    appointments: list[Appointment],
    lunch: Lunch | None,
) -> None:
    by_key = {c.key: c for c in candidates}
    booked = {a.key: a for a in appointments}
    reachable = reachable_at(appointments, day_start)
    # Everything the rep does, in time order: (kind, begin, end, lat, lon).
    prev_place, prev_free = HOME, plan.start_at
    assert day_start - EPS <= plan.start_at
    legs = []
    for stop in plan.stops:
        legs.append((prev_free, stop.arrive, drive(prev_place, (stop.lat, stop.lon))))
        assert stop.drive_min == pytest.approx(legs[-1][2], abs=EPS)
        if stop.kind == "appointment":
            a = booked[stop.key]
            assert stop.depart - stop.arrive == pytest.approx(a.end - a.start, abs=1e-9)
            if f"cannot reach appointment {a.key} in time" in plan.warnings:
                # Kept, late, flagged: never later than driving to it through the appointments alone.
                assert a.start < stop.arrive <= reachable[a.key] + EPS
                assert stop.late_min == pytest.approx(stop.arrive - a.start, abs=1e-9)
            else:
                assert (stop.arrive, stop.depart, stop.late_min) == pytest.approx((a.start, a.end, 0), abs=1e-9)
            assert day_start - EPS <= stop.arrive
        else:
            c = by_key[stop.key]
            assert stop.depart - stop.arrive == pytest.approx(c.service_min, abs=EPS) and stop.late_min == 0
            if c.opens is not None:
                assert stop.arrive >= c.opens - EPS
            if c.closes is not None:
                assert stop.depart <= c.closes + EPS
            assert day_start - EPS <= stop.arrive <= stop.depart <= day_end + EPS
        prev_place, prev_free = (stop.lat, stop.lon), stop.depart
    legs.append((prev_free, plan.end_at, drive(prev_place, HOME)))
    if "back at home base after the end of the working day" in plan.warnings:
        # Only as late as the appointments alone bring the rep back: no visit in the overtime.
        assert day_end < plan.end_at <= reachable[None] + EPS
    else:
        assert plan.end_at <= day_end + EPS
    covered = lunch is not None and min(lunch.window_end, day_end) - max(lunch.window_start, day_start) >= lunch.duration
    if "no room for the lunch break between the appointments" in plan.warnings:
        covered = False
    if not covered:
        assert plan.lunch is None
    else:
        assert lunch is not None and plan.lunch is not None
        lunch_start, lunch_end = plan.lunch
        assert lunch_end - lunch_start == pytest.approx(lunch.duration, abs=EPS)
        assert lunch.window_start - EPS <= lunch_start and lunch_end <= lunch.window_end + EPS
        # Lunch is taken between two visits (possibly mid-drive), never during one.
        assert sum(1 for free, arrive, _ in legs if free - EPS <= lunch_start and lunch_end <= arrive + EPS) == 1
    for free, arrive, minutes in legs:
        with_lunch = plan.lunch and free - EPS <= plan.lunch[0] and plan.lunch[1] <= arrive + EPS
        needed = minutes + (lunch.duration if with_lunch and lunch else 0)
        assert arrive - free >= needed - EPS
    planned = [s.key for s in plan.stops if s.kind == "candidate"]
    left_out = [key for key, _ in plan.unplanned]
    assert sorted(planned + left_out) == sorted(c.key for c in candidates if c.key not in booked)
    assert all(reason in REASONS for _, reason in plan.unplanned)


def reachable_at(appointments: list[Appointment], day_start: float) -> dict[str | None, float]:
    """When the rep can start each appointment at the earliest, driving from home base at the
    day's start through the appointments alone in booked order (no lunch); None: back home."""
    at, here, out = day_start, HOME, {}
    for a in sorted(appointments, key=lambda a: a.start):
        out[a.key] = max(a.start, at + drive(here, (a.lat, a.lon)))
        at, here = out[a.key] + a.end - a.start, (a.lat, a.lon)
    out[None] = at + drive(here, HOME)
    return out


# -- examples ---------------------------------------------------------------------

DAY = {"day_start": 8 * 60, "day_end": 18 * 60}
APPOINTMENTS = [
    Appointment(key="a-morning", lat=47.40, lon=5.10, start=9 * 60, end=10 * 60),
    Appointment(key="a-afternoon", lat=47.25, lon=4.95, start=14 * 60 + 30, end=15 * 60 + 15),
]


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_appointments_are_kept_at_their_exact_times_with_lunch_and_reasons(solver):
    candidates = [make_candidate(f"c{i}", dlat=0.02 * (i % 7) - 0.06, dlon=0.03 * (i % 5) - 0.06) for i in range(25)]
    plan = plan_day(depot=HOME, **DAY, candidates=candidates, appointments=APPOINTMENTS, solver=solver)

    assert plan.solver == solver
    kept = {s.key: s for s in plan.stops}
    assert (kept["a-morning"].arrive, kept["a-afternoon"].depart) == (9 * 60, 15 * 60 + 15)
    assert plan.unplanned, "25 half-hour visits cannot all fit in one day"
    assert_feasible(plan, **DAY, candidates=candidates, appointments=APPOINTMENTS, lunch=Lunch())
    assert plan.totals.visit_min == pytest.approx(sum(s.depart - s.arrive for s in plan.stops))


@pytest.mark.parametrize("solver, module", [("pyvrp", pyvrp_solver), ("ortools", ortools_solver)])
def test_the_fallback_is_used_when_the_solver_fails(monkeypatch, solver, module):
    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(module, "solve", broken)
    candidates = [make_candidate("c1"), make_candidate("c2", dlat=-0.05)]
    plan = plan_day(depot=HOME, **DAY, candidates=candidates, appointments=APPOINTMENTS, solver=solver)

    assert plan.solver == "fallback"
    assert {s.key for s in plan.stops} == {"a-morning", "a-afternoon", "c1", "c2"}
    assert_feasible(plan, **DAY, candidates=candidates, appointments=APPOINTMENTS, lunch=Lunch())


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_opening_hours_are_respected(solver):
    candidates = [
        make_candidate("afternoon-only", opens=15 * 60, closes=17 * 60),
        make_candidate("closed-all-day", opens=19 * 60, closes=21 * 60),
        make_candidate("morning", dlat=-0.04, opens=8 * 60, closes=10 * 60, service_min=45),
    ]
    plan = plan_day(depot=HOME, **DAY, candidates=candidates, solver=solver)

    assert dict(plan.unplanned) == {"closed-all-day": OUTSIDE_HOURS}
    assert_feasible(plan, **DAY, candidates=candidates, appointments=[], lunch=Lunch())


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_higher_priority_is_kept_when_time_is_short(solver):
    # A two-hour day fits one of these 80-minute visits.
    day = {"day_start": 8 * 60, "day_end": 10 * 60}
    candidates = [
        make_candidate("minor", dlat=0.01, service_min=80, priority=1),
        make_candidate("major", dlat=0.03, service_min=80, priority=9),
    ]
    plan = plan_day(depot=HOME, **day, candidates=candidates, lunch=None, solver=solver)

    assert [s.key for s in plan.stops] == ["major"]
    assert plan.unplanned == [("minor", LOWER_PRIORITY)]


def test_a_stop_too_far_for_the_day_is_left_out_with_a_reason():
    far = make_candidate("lyon", dlat=45.76 - HOME[0], dlon=4.84 - HOME[1], service_min=60)
    plan = plan_day(depot=HOME, day_start=8 * 60, day_end=11 * 60, candidates=[far], lunch=None)
    assert plan.stops == [] and plan.unplanned == [("lyon", NO_TIME)]


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_a_stop_whose_drives_do_not_fit_the_free_time_is_too_far_not_out_of_time(solver):
    # Four hours: a 150-minute visit next door leaves about 85 minutes free, enough for the
    # 45-minute visit, not for it and the 80-odd minutes' drive each way (alone, it would fit).
    day = {"day_start": 8 * 60, "day_end": 12 * 60}
    candidates = [make_candidate("near", dlat=0.01, dlon=0.0, service_min=150, priority=9),
                  make_candidate("far", dlat=0.5, dlon=0.0, service_min=45, priority=9)]
    assert 2 * drive(HOME, (HOME[0] + 0.5, HOME[1])) + 45 < 240
    plan = plan_day(depot=HOME, **day, candidates=candidates, lunch=None, solver=solver)

    assert [s.key for s in plan.stops] == ["near"]
    assert plan.unplanned == [("far", TOO_FAR)]


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_an_unreachable_appointment_is_kept_late_and_the_day_is_still_planned_around_it(solver):
    """The user trial's day: a telemarketer booked "far" at 10:30, 85 minutes' drive from the
    appointment ending at 10:00. The rep cannot be there before about 11:25: "far" is kept,
    flagged late by that much, the other appointments stay at their booked times, and the due
    accounts still fill the day (they were all left out, the day reduced to its appointments)."""
    appointments = [
        Appointment(key="morning", lat=HOME[0] + 0.01, lon=HOME[1], start=9 * 60, end=10 * 60),
        Appointment(key="far", lat=HOME[0] + 0.5, lon=HOME[1], start=10 * 60 + 30, end=11 * 60 + 15),
        Appointment(key="afternoon", lat=HOME[0] + 0.02, lon=HOME[1] + 0.02, start=16 * 60, end=17 * 60),
    ]
    to_far = drive((HOME[0] + 0.01, HOME[1]), (HOME[0] + 0.5, HOME[1]))
    assert to_far > 60  # out of reach: 30 minutes between the two
    candidates = [make_candidate(f"c{i}", dlat=0.01 * i, dlon=-0.01 * i) for i in range(1, 5)]
    plan = plan_day(depot=HOME, **DAY, candidates=candidates, appointments=appointments, solver=solver)

    assert plan.solver == solver and plan.warnings == ["cannot reach appointment far in time"]
    stops = {s.key: s for s in plan.stops}
    assert {"morning", "far", "afternoon"} <= set(stops)
    assert stops["far"].arrive == pytest.approx(10 * 60 + to_far, abs=1 / 60)
    assert stops["far"].late_min == pytest.approx(to_far - 30, abs=1 / 60)
    assert stops["far"].depart - stops["far"].arrive == pytest.approx(45)
    assert (stops["morning"].late_min, stops["afternoon"].late_min) == (0, 0)
    assert {s.key for s in plan.stops if s.kind == "candidate"} == {c.key for c in candidates}
    assert APPOINTMENTS_CLASH not in {reason for _, reason in plan.unplanned}
    assert_feasible(plan, **DAY, candidates=candidates, appointments=appointments, lunch=Lunch())


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_appointments_hours_apart_by_road_are_all_kept_with_the_lateness_carried_over(solver):
    """Dijon at 10:00, Lyon at 11:15 (about four hours' drive), then Lyon again at 12:00: both Lyon
    appointments are kept, late (the second only by what the first carries over); no room is
    left for lunch, the rep is back after the day's end, and each is said. The visit at home
    base still fits before the first appointment."""
    clash = [
        Appointment(key="dijon", lat=47.32, lon=5.04, start=10 * 60, end=11 * 60),
        Appointment(key="lyon", lat=45.76, lon=4.84, start=11 * 60 + 15, end=12 * 60),
        Appointment(key="lyon-2", lat=45.77, lon=4.85, start=12 * 60, end=12 * 60 + 30),
    ]
    candidates = [make_candidate("c1")]
    plan = plan_day(depot=HOME, **DAY, candidates=candidates, appointments=clash, solver=solver)

    assert plan.solver == solver
    assert [s.key for s in plan.stops] == ["c1", "dijon", "lyon", "lyon-2"]
    reach = reachable_at(clash, DAY["day_start"])
    assert [s.arrive for s in plan.stops[1:]] == pytest.approx([600, reach["lyon"], reach["lyon-2"]], abs=1 / 60)
    assert [round(s.late_min) for s in plan.stops] == [0, 0, round(reach["lyon"] - 675), round(reach["lyon-2"] - 720)]
    assert plan.warnings == ["cannot reach appointment lyon in time", "cannot reach appointment lyon-2 in time",
                             "back at home base after the end of the working day",
                             "no room for the lunch break between the appointments"]
    assert plan.lunch is None and plan.unplanned == []
    assert_feasible(plan, **DAY, candidates=candidates, appointments=clash, lunch=Lunch())


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
def test_an_appointment_a_few_minutes_out_of_reach_does_not_empty_the_day(solver):
    """The first appointment is booked at 09:00, 38 minutes' drive away, for a rep whose day
    starts at 08:30: the rep arrives at 09:08. The day is planned around it (the visits
    still come), the appointment is shown when the rep can be there, with the warning."""
    far = Appointment(key="early", lat=HOME[0] + 0.22, lon=HOME[1], start=9 * 60, end=10 * 60)
    drive_min = drive(HOME, (far.lat, far.lon))
    assert 30 < drive_min < 9 * 60 - 8 * 60 - 30 + 15  # out of reach, by less than a quarter of an hour
    candidates = [make_candidate(f"c{i}", dlat=0.01 * i, dlon=0.02) for i in range(1, 5)]
    day = {"day_start": 8 * 60 + 30, "day_end": 18 * 60, "lunch": Lunch()}
    plan = plan_day(depot=HOME, **day, candidates=candidates, appointments=[far], solver=solver)
    assert plan.solver == solver and plan.warnings == ["cannot reach appointment early in time"]
    stop = next(s for s in plan.stops if s.key == "early")
    assert stop.arrive == pytest.approx(8 * 60 + 30 + drive_min, abs=1 / 60)
    assert stop.late_min == pytest.approx(drive_min - 30, abs=1 / 60)
    assert {s.key for s in plan.stops if s.kind == "candidate"} == {c.key for c in candidates}
    assert_feasible(plan, **day, candidates=candidates, appointments=[far])


@pytest.mark.parametrize("solver", ["pyvrp", "fallback"])
def test_an_appointment_at_the_end_of_the_day_far_from_home_gets_no_visit_in_its_overtime(solver):
    """Booked 17:00–18:00 an hour from home base, with the day ending at 18:00: the rep is back
    late, as the appointment requires and no later; the visits go before it."""
    last = Appointment(key="last", lat=HOME[0] + 0.4, lon=HOME[1], start=17 * 60, end=18 * 60)
    candidates = [make_candidate(f"c{i}", dlat=0.4 + 0.01 * i, dlon=0.01) for i in range(1, 4)]
    plan = plan_day(depot=HOME, **DAY, candidates=candidates, appointments=[last], solver=solver)
    assert plan.warnings == ["back at home base after the end of the working day"]
    assert plan.end_at == pytest.approx(18 * 60 + drive((last.lat, last.lon), HOME), abs=1 / 60)
    assert plan.stops[-1].key == "last" and len(plan.stops) == 4
    assert_feasible(plan, **DAY, candidates=candidates, appointments=[last], lunch=Lunch())


@pytest.mark.parametrize("zigzag", [False, True])
def test_the_plan_never_drives_more_than_the_solvers_own_order(monkeypatch, zigzag):
    """The polish only ever takes the solver's answer further: the same visits, and no more
    driving than the order the solver gave (judged on the planner's clock, timeline.py)."""
    ring = [make_candidate(f"c{i}", dlat=0.1 * math.sin(i * math.pi / 4), dlon=0.14 * math.cos(i * math.pi / 4))
            for i in range(8)]
    given: dict[str, float] = {}

    def answer(p, **kwargs):
        order = list(p.candidate_nodes)  # round the ring
        if zigzag:  # across it and back: every leg crosses the ring
            order = order[::2] + order[1::2]
        given["drive_min"] = drive_s(p, order) / 60
        return order

    monkeypatch.setattr(pyvrp_solver, "solve", answer)
    plan = plan_day(depot=HOME, **DAY, candidates=ring, lunch=None)

    assert plan.solver == "pyvrp"
    assert sorted(s.key for s in plan.stops) == sorted(c.key for c in ring)
    assert plan.totals.drive_min <= given["drive_min"] + EPS
    if zigzag:
        assert plan.totals.drive_min < given["drive_min"] - 10
    assert_feasible(plan, **DAY, candidates=ring, appointments=[], lunch=None)


def test_the_appointments_alone_remain_the_safety_net(monkeypatch):
    """Should the day relaxed around the appointments ever not fit, the rep still sees them."""
    monkeypatch.setattr(planner, "_around_appointments", lambda p, appointments: (None, []))
    clash = [
        Appointment(key="dijon", lat=47.32, lon=5.04, start=10 * 60, end=11 * 60),
        Appointment(key="lyon", lat=45.76, lon=4.84, start=11 * 60 + 15, end=12 * 60),
    ]
    plan = plan_day(depot=HOME, **DAY, candidates=[make_candidate("c1")], appointments=clash)
    assert plan.solver == "appointments-only"
    assert [(s.key, s.arrive) for s in plan.stops] == [("dijon", 600), ("lyon", 675)]
    assert plan.warnings and plan.unplanned == [("c1", APPOINTMENTS_CLASH)]


def test_the_same_day_gives_the_same_plan():
    candidates = [make_candidate(f"c{i}", dlat=0.013 * i - 0.1, dlon=0.021 * (i % 6) - 0.06) for i in range(12)]
    plans = [plan_day(depot=HOME, **DAY, candidates=candidates, appointments=APPOINTMENTS) for _ in range(2)]
    assert plans[0] == plans[1]


def test_nearest_neighbour_order_drives_to_the_closest_next():
    travel = [[0, 5, 1, 9], [5, 0, 3, 2], [1, 3, 0, 8], [9, 2, 8, 0]]
    assert nearest_neighbour_order(travel, [1, 2, 3]) == [2, 1, 3]


# -- every plan is feasible (property) ----------------------------------------------


@st.composite
def days(draw):
    day_start = draw(st.integers(7 * 60, 9 * 60))
    day_end = draw(st.integers(16 * 60, 19 * 60))
    point = st.tuples(st.floats(-0.25, 0.25), st.floats(-0.35, 0.35))
    candidates = []
    for i in range(draw(st.integers(0, 10))):
        dlat, dlon = draw(point)
        hours = draw(st.none() | st.tuples(st.integers(7 * 60, 16 * 60), st.integers(30, 300)))
        candidates.append(make_candidate(
            f"c{i}", dlat, dlon, service_min=draw(st.integers(10, 90)), priority=draw(st.integers(1, 5)),
            opens=None if hours is None else hours[0], closes=None if hours is None else sum(hours),
        ))
    appointments, at = [], day_start
    for i in range(draw(st.integers(0, 3))):
        at += draw(st.integers(30, 200))
        length = draw(st.integers(15, 60))
        if at + length > day_end:
            break
        dlat, dlon = draw(point)
        appointments.append(Appointment(key=f"a{i}", lat=HOME[0] + dlat, lon=HOME[1] + dlon, start=at, end=at + length))
        at += length
    lunch = draw(st.none() | st.just(Lunch()) | st.just(Lunch(window_start=690, window_end=810, duration=45)))
    return {"day_start": day_start, "day_end": day_end, "candidates": candidates,
            "appointments": appointments, "lunch": lunch}


@pytest.mark.parametrize("solver", ["pyvrp", "ortools", "fallback"])
@settings(max_examples=30, deadline=None)
@given(day=days())
def test_every_plan_is_feasible(solver, day):
    plan = plan_day(depot=HOME, **day, solver=solver, time_limit_s=0.3)
    assert plan.solver == solver  # appointments out of reach too: kept late, the day planned around them
    assert sorted(s.key for s in plan.stops if s.kind == "appointment") == [a.key for a in day["appointments"]]
    assert_feasible(plan, **day)


# -- travel models ----------------------------------------------------------------


@pytest.fixture
def osrm() -> Iterator[tuple[str, list[str]]]:
    """A tiny OSRM look-alike on 127.0.0.1 answering the table service."""
    def answer(points, query) -> dict:
        n = len(points)
        ok = query.get("annotations") == ["duration,distance"]
        body = {
            "code": "Ok" if ok else "InvalidQuery",
            "durations": [[0 if i == j else 600.0 * (i + j) for j in range(n)] for i in range(n)],
            "distances": [[0 if i == j else 9000.0 for j in range(n)] for i in range(n)],
        }
        body["durations"][0][n - 1] = None  # OSRM's answer for an unreachable pair
        return body

    with osrm_server(answer) as served:
        yield served


POINTS = [(47.32, 5.04), (47.40, 5.10), (47.25, 4.95)]


def test_osrm_table_gives_minutes_and_km(osrm):
    base_url, seen = osrm
    minutes, km = OsrmTravel(base_url).matrices(POINTS)

    assert seen and seen[0].startswith("/table/v1/driving/5.040000,47.320000;5.100000,47.400000;")
    assert minutes[1][2] == 30 and km[1][2] == 9 and minutes[1][1] == 0
    # The unreachable pair is estimated rather than lost.
    assert minutes[0][2] == pytest.approx(TRAVEL.matrices(POINTS)[0][0][2])


def test_osrm_down_falls_back_to_haversine():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert OsrmTravel(f"http://127.0.0.1:{port}", timeout_s=1).matrices(POINTS) == TRAVEL.matrices(POINTS)


def test_osrm_legs_ask_one_row_and_one_column_and_estimate_what_it_cannot_answer():
    home, far = POINTS[0], POINTS[2]

    def seconds(a, b):  # 10 min out, 20 min back; no road to `far` (OSRM's null)
        return None if far in (a, b) and a != b else 0.0 if a == b else 600.0 if a == home else 1200.0
    estimate = TRAVEL.legs(home, [far])[0][0]
    with osrm_server(durations(seconds)) as (url, seen):
        assert OsrmTravel(url).legs(home, POINTS[1:]) == ([10.0, estimate], [20.0, estimate])
    asked = sorted(key for path in seen for key in parse_qs(urlsplit(path).query) if key != "annotations")
    assert asked == ["destinations", "sources"]  # two tables: a row and a column, not the square
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert OsrmTravel(f"http://127.0.0.1:{port}", timeout_s=1).legs(home, POINTS[1:]) == TRAVEL.legs(home, POINTS[1:])


def test_haversine_applies_road_factor_and_speed():
    minutes, km = HaversineTravel(road_factor=1.5, speed_kmh=60).matrices(POINTS[:2])
    assert km[0][1] == pytest.approx(1.5 * great_circle_km(POINTS[0], POINTS[1]))
    assert minutes[0][1] == pytest.approx(km[0][1])  # 60 km/h: a minute per km

"""The polish of a solver's order (fallback.improve and the insertions it makes): the same
answers as checking the clock everywhere, without checking it where the day cannot hold a visit.

At an equal wall time, every moment the planner spends polishing is one the search did not
have (tests/bench/bench_planner.py gives PyVRP alone the planner's whole wall time), so the
polish must only consult the clock (timeline.py) for moves that could be taken.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.tours import fallback, timeline
from server.tours.dayplan import Problem
from server.tours.timeline import cheapest_insertion, drive_s, feasible

HOUR = 3600


def problem(travel: list[list[int]], service: list[int], *, hours: float = 10,
            lunch: tuple[int, int, int] | None = None) -> Problem:
    """A day of 8:00 + ``hours`` from home base (node 0) through candidates 1.. without windows."""
    n = len(travel)
    start, end = 8 * HOUR, round((8 + hours) * HOUR)
    return Problem(
        travel_s=travel, km=[[0.0] * n for _ in range(n)], service_s=[0, *service], priority=[0] + [1] * (n - 1),
        earliest_s=[start] * n, latest_s=[end] + [end - s for s in service], day_start_s=start, day_end_s=end,
        lunch_s=lunch, n_appointments=0,
    )


def every_place(p: Problem, order: list[int], node: int) -> tuple[int, int] | None:
    """The reference: the cheapest place for ``node`` whose clock works, every place checked."""
    route = [0, *order, 0]
    fits = [(p.travel_s[a][node] + p.travel_s[node][b] - p.travel_s[a][b], pos)
            for pos, (a, b) in enumerate(zip(route, route[1:]))
            if feasible(p, [*order[:pos], node, *order[pos:]])]
    return min(fits, key=lambda f: (f[0], f[1])) if fits else None


def reversing_every_segment(p: Problem, order: list[int]) -> list[int]:
    """The reference 2-opt: each segment reversed in turn when the whole route then drives less
    and its clock works."""
    order = list(order)
    for i in range(len(order) - 1):
        for j in range(i + 1, len(order)):
            trial = order[:i] + order[i:j + 1][::-1] + order[j + 1:]
            if drive_s(p, trial) < drive_s(p, order) and feasible(p, trial):
                order = trial
    return order


@st.composite
def days(draw, max_nodes: int = 9):
    """An asymmetric travel matrix (a minute to an hour), visits of 10 min to 2 h, maybe a lunch."""
    n = draw(st.integers(2, max_nodes))
    travel = [[0 if i == j else draw(st.integers(60, HOUR)) for j in range(n)] for i in range(n)]
    service = [draw(st.integers(10, 120)) * 60 for _ in range(n - 1)]
    hours = draw(st.sampled_from([4, 6, 10]))
    lunch = draw(st.none() | st.just((12 * HOUR, 13 * HOUR, HOUR))) if hours >= 6 else None  # a morning: none
    return problem(travel, service, hours=hours, lunch=lunch)


def kept_and_left(p: Problem) -> tuple[list[int], list[int]]:
    order: list[int] = []
    left = fallback.insert_all(p, order, p.candidate_nodes)
    return order, left


def test_the_clock_is_not_consulted_for_a_visit_the_day_cannot_hold(monkeypatch):
    # A 4-hour day already holding two 1 h 30 visits 5 minutes from home base and from each
    # other: 50 minutes left, less than the third visit (1 h) whatever the tour.
    travel = [[0, 300, 300, 300], [300, 0, 300, 300], [300, 300, 0, 300], [300, 300, 300, 0]]
    p = problem(travel, [90 * 60, 90 * 60, 60 * 60], hours=4)
    checked: list[list[int]] = []

    def counted(p: Problem, order) -> bool:
        checked.append(list(order))
        return feasible(p, order)

    monkeypatch.setattr(timeline, "feasible", counted)

    assert cheapest_insertion(p, [1, 2], 3) is None
    assert checked == []  # without the day's room, each of its 3 places was laid on the clock
    assert every_place(p, [1, 2], 3) is None


def test_a_visit_filling_the_day_to_the_second_is_still_placed():
    # The same day, the third visit 40 minutes: the 4 hours hold 3 h 40 of visits and 20 minutes
    # of driving (four 5-minute legs) exactly.
    travel = [[0, 300, 300, 300], [300, 0, 300, 300], [300, 300, 0, 300], [300, 300, 300, 0]]
    p = problem(travel, [90 * 60, 90 * 60, 40 * 60], hours=4)

    assert cheapest_insertion(p, [1, 2], 3) == every_place(p, [1, 2], 3) == (300, 0)


@settings(max_examples=150, deadline=None)
@given(p=days())
def test_the_cheapest_place_is_the_one_found_by_checking_every_place(p):
    order, left = kept_and_left(p)
    for node in left:
        assert cheapest_insertion(p, order, node) == every_place(p, order, node)
    for k, node in enumerate(order):
        rest = order[:k] + order[k + 1:]
        assert cheapest_insertion(p, rest, node) == every_place(p, rest, node)


@settings(max_examples=150, deadline=None)
@given(p=days(), seed=st.randoms(use_true_random=False))
def test_two_opt_reverses_the_segments_a_full_recount_of_the_drive_would(p, seed):
    kept, _ = kept_and_left(p)
    order = list(kept)
    seed.shuffle(order)
    if not feasible(p, order):
        order = kept  # the insertions' order, feasible by construction
    expected = reversing_every_segment(p, order)
    fallback._two_opt(p, order)
    assert order == expected
    assert feasible(p, order)


@pytest.mark.parametrize("lunch", [None, (12 * HOUR, 13 * HOUR, HOUR)])
def test_two_opt_uncrosses_a_one_way_street(lunch):
    # Driving 1 -> 2 is quick but 2 -> 1 a long way round: the route must take 1 before 2.
    travel = [[0, 600, 600], [600, 0, 120], [600, 1800, 0]]
    p = problem(travel, [1800, 1800], lunch=lunch)
    order = [2, 1]

    assert fallback._two_opt(p, order)
    assert order == [1, 2]
    assert drive_s(p, order) == 600 + 120 + 600

"""The clock of one route: when each visit starts, and where lunch fits.

Given an order of nodes (home base excluded), the rep leaves home at the day's start,
starts each visit as early as its window allows and takes lunch on one leg. Earliest
times are monotone, so "the earliest schedule" is feasible whenever any schedule of that
order is; only the lunch leg is a real choice, found by a two-state forward pass
(lunch not yet taken / already taken), O(n). Both solvers rely on it: OR-Tools for
reporting times, the fallback for every feasibility test.

A lunch on a leg means: the rep drives until the lunch window opens (or arrives), takes
the break, then drives on. That is exactly what OR-Tools' break intervals allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.tours.dayplan import Problem


@dataclass(frozen=True)
class Timeline:
    starts: list[int]  # visit start per node of the order, seconds
    end: int  # back at home base
    lunch_leg: int | None  # leg k ends at order[k]; leg len(order) returns home
    lunch_start: int | None


def _lunch_leg(p: Problem, order: Sequence[int]) -> int | None:
    """The lunch leg giving the earliest feasible day, or None if no leg gives a feasible day."""
    assert p.lunch_s is not None
    l_first, l_last, l_dur = p.lunch_s
    t0: int | None = p.day_start_s  # departure time, lunch not yet taken
    t1: int | None = None  # departure time, lunch taken
    leg1 = -1
    prev = 0
    route = [*order, 0]
    for k, node in enumerate(route):
        d = p.travel_s[prev][node]
        a0 = None if t0 is None else t0 + d
        a1 = None if t1 is None else t1 + d
        if t0 is not None and max(t0, l_first) <= l_last:
            with_lunch = max(t0 + d, l_first) + l_dur
            if a1 is None or with_lunch < a1:
                a1, leg1 = with_lunch, k
        if node == 0:
            return leg1 if a1 is not None and a1 <= p.day_end_s else None
        t0 = _visit(p, node, a0)
        t1 = _visit(p, node, a1)
        if t0 is None and t1 is None:
            return None
        prev = node
    raise AssertionError("unreachable")


def _visit(p: Problem, node: int, arrival: int | None) -> int | None:
    """Departure time after visiting ``node`` when arriving at ``arrival``; None if too late."""
    if arrival is None:
        return None
    start = max(arrival, p.earliest_s[node])
    return None if start > p.latest_s[node] else start + p.service_s[node]


def timeline(p: Problem, order: Sequence[int]) -> Timeline | None:
    """The earliest feasible schedule of ``order``, or None if there is none."""
    leg: int | None = None
    if p.lunch_s is not None:
        leg = _lunch_leg(p, order)
        if leg is None:
            return None
    starts: list[int] = []
    lunch_start = None
    t, prev = p.day_start_s, 0
    for k, node in enumerate([*order, 0]):
        d = p.travel_s[prev][node]
        if k == leg and p.lunch_s is not None:
            lunch_start = max(t, p.lunch_s[0])
            arrival = max(t + d, p.lunch_s[0]) + p.lunch_s[2]
        else:
            arrival = t + d
        if node == 0:
            return None if arrival > p.day_end_s else Timeline(starts, arrival, leg, lunch_start)
        start = max(arrival, p.earliest_s[node])
        if start > p.latest_s[node]:
            return None
        starts.append(start)
        t, prev = start + p.service_s[node], node
    raise AssertionError("unreachable")


def feasible(p: Problem, order: Sequence[int]) -> bool:
    if p.lunch_s is not None:
        return _lunch_leg(p, order) is not None
    return timeline(p, order) is not None


def drive_s(p: Problem, order: Sequence[int]) -> int:
    route = [0, *order, 0]
    return sum(p.travel_s[a][b] for a, b in zip(route, route[1:]))


def cheapest_insertion(p: Problem, order: list[int], node: int) -> tuple[int, int] | None:
    """(added driving seconds, position) of the cheapest feasible place for ``node``."""
    best: tuple[int, int] | None = None
    route = [0, *order, 0]
    # The day must at least hold every drive, visit and the lunch break, waits aside: a place
    # adding more driving than that leaves cannot fit, and its clock is not checked (on a full
    # day, most of them: this keeps the polish a few ms, time the search would otherwise have).
    room = p.day_end_s - p.day_start_s - drive_s(p, order) - sum(p.service_s[n] for n in order) - p.service_s[node]
    room -= p.lunch_s[2] if p.lunch_s is not None else 0
    for pos in range(len(order) + 1):
        a, b = route[pos], route[pos + 1]
        added = p.travel_s[a][node] + p.travel_s[node][b] - p.travel_s[a][b]
        if added > room:
            continue  # the day is too short for it, whatever the clock
        if best is not None and added >= best[0]:
            continue  # check the clock only for a cheaper place
        if feasible(p, [*order[:pos], node, *order[pos:]]):
            best = (added, pos)
    return best

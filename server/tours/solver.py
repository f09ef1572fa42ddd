"""The OR-Tools model of one rep's day: a single-vehicle routing problem with time windows.

- Arc cost = driving seconds, so the search minimises driving.
- A "time" dimension: transit = visit at the origin + drive; slack = waiting or lunch.
- Appointments have a one-point window (the visit starts exactly at the booked time) and
  no disjunction: the solver may not drop them. Candidates are optional, each in a
  disjunction whose penalty grows with its priority.
- Lunch is a break interval (RoutingDimension.SetBreakIntervalsOfVehicle) rather than a
  pseudo-node: a node needs a location and drive times to and from it, but the rep eats
  wherever the day finds them, often between two stops. A break may sit in any transit
  (or before leaving / after coming home) without overlapping a visit, which is exactly
  that; the solver places it, timeline.py reports where.

Guided local search gets stuck on these days in the choice of *which* accounts to visit
(swapping one for another is a plateau under the large drop penalties), and where it
gets stuck depends on the first solution. So the budget is split between a few starts
(two insertion heuristics, and the fallback's tour when given) and the best is kept.
"""

from __future__ import annotations

import time as clock
from typing import NamedTuple

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from server.tours.dayplan import Problem

Strategy = routing_enums_pb2.FirstSolutionStrategy

# Dropping a candidate must always cost more than any driving it would save (a day of
# driving is < 86,400 s), so the solver drops stops only for lack of time; between
# stops, the higher priority wins.
DROP_UNIT = 86_400

# Stop each start after this many solutions: a count, not the clock, so that the same
# day gives the same plan on a fast or a slow machine; the time limit is a safety net
# (on a busy machine, a city day of 30 stops can reach it first). Tuned with
# tests/bench/bench_tours.py together with GLS_LAMBDA.
SOLUTION_LIMIT = 60

# Guided local search's penalty weight. On these days the search gets stuck in which
# accounts to keep; the default (0.1) needed ~10× more solutions than 60 to find the
# extra visit that a 30 s search finds (tests/bench/bench_tours.py, country days).
GLS_LAMBDA = 60.0

# Insertion heuristics check each insertion against the time windows, and dropping
# every candidate is always possible, so they yield a solution whenever the
# appointments alone fit (the planner checks that first). PATH_CHEAPEST_ARC, the usual
# default, fails on such days: it builds paths that the windows then reject.
STARTS = (Strategy.PARALLEL_CHEAPEST_INSERTION, Strategy.LOCAL_CHEAPEST_INSERTION)


class Found(NamedTuple):
    cost: int
    order: list[int]


def solve(
    p: Problem,
    *,
    time_limit_s: float,
    solution_limit: int | None = None,
    initial: list[int] | None = None,
) -> list[int] | None:
    """The best order of nodes found (home base excluded), or None if no start found one.

    ``initial`` is a feasible order (the fallback's) to start one more search from.
    """
    deadline = clock.perf_counter() + time_limit_s
    starts: list[tuple[int, list[int] | None]] = [(s, None) for s in STARTS]
    if initial is not None:
        starts.append((Strategy.PARALLEL_CHEAPEST_INSERTION, initial))
    best: Found | None = None
    for i, (strategy, route) in enumerate(starts):
        share = (deadline - clock.perf_counter()) / (len(starts) - i)
        found = _search(p, strategy, route, max(0.01, share), solution_limit or SOLUTION_LIMIT)
        if found is not None and (best is None or found.cost < best.cost):
            best = found
    return None if best is None else best.order


def _search(
    p: Problem, strategy: int, route: list[int] | None, time_limit_s: float, solution_limit: int
) -> Found | None:
    manager = pywrapcp.RoutingIndexManager(p.size, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    drive = routing.RegisterTransitMatrix(p.travel_s)
    routing.SetArcCostEvaluatorOfAllVehicles(drive)
    with_visit = [[p.service_s[i] + t for t in row] for i, row in enumerate(p.travel_s)]
    transit = routing.RegisterTransitMatrix(with_visit)
    routing.AddDimension(transit, p.day_end_s - p.day_start_s, p.day_end_s, False, "time")
    time = routing.GetDimensionOrDie("time")
    time.CumulVar(routing.Start(0)).SetRange(p.day_start_s, p.day_end_s)
    time.CumulVar(routing.End(0)).SetRange(p.day_start_s, p.day_end_s)
    for node in range(1, p.size):
        index = manager.NodeToIndex(node)
        time.CumulVar(index).SetRange(p.earliest_s[node], p.latest_s[node])
        if not p.is_appointment(node):
            routing.AddDisjunction([index], DROP_UNIT * (1 + max(0, p.priority[node])))

    if p.lunch_s is not None:
        first, last, duration = p.lunch_s
        lunch = routing.solver().FixedDurationIntervalVar(first, last, duration, False, "lunch")
        visits = [p.service_s[manager.IndexToNode(i)] for i in range(routing.Size())]
        time.SetBreakIntervalsOfVehicle([lunch], 0, visits)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = strategy
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.guided_local_search_lambda_coefficient = GLS_LAMBDA
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    params.solution_limit = solution_limit
    start = None
    if route is not None:
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes([route], True)
    if start is not None:
        solution = routing.SolveFromAssignmentWithParameters(start, params)
    else:
        solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    order: list[int] = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return Found(solution.ObjectiveValue(), order)

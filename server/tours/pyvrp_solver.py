"""One rep's day as a PyVRP model: a prize-collecting VRP with time windows, one vehicle.

PyVRP (MIT, https://pyvrp.org, Wouda, Lan & Kool 2024) is the state-of-the-art open
solver for these problems (hybrid genetic search). The same :class:`Problem` as the
OR-Tools model (solver.py), mapped as its documentation describes:

- home base = the depot, the working day = the vehicle's shift (`tw_early`, `tw_late`);
- an appointment = a required client whose window is its booked start (`tw_early ==
  tw_late`), lasting its booking (`service_duration`);
- a due account = an optional client (`required=False`) whose `prize` is the same as the
  OR-Tools drop penalty, `DROP_UNIT × (1 + priority)`: more than any driving it could
  save, so accounts are dropped only for lack of time and the higher priority wins;
- edges cost their driving seconds (distance) and take them (duration);
- lunch: PyVRP has no breaks, so lunch is a required group of clients, one at each
  place of the day (home base included) with the lunch window and duration, exactly
  one of which is taken: the rep eats where they are, between two visits. timeline.py,
  which allows lunch anywhere on a leg, lays out the order and judges it; should an
  order not fit there, the lowest-priority visits are dropped until it does (`repair`).
"""
from __future__ import annotations

from collections.abc import Sequence

from pyvrp import Model
from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

from server.tours.dayplan import Problem
from server.tours.solver import DROP_UNIT
from server.tours.timeline import feasible


# The engine stops after this many iterations without a better solution (or at its time
# limit): a count, not the clock, so that the same day gives the same plan on a fast or a
# slow machine. Tuned with tests/bench/bench_planner.py.
NO_IMPROVEMENT = 500


def solve(p: Problem, *, time_limit_s: float, seed: int = 1, no_improvement: int | None = NO_IMPROVEMENT
          ) -> list[int] | None:
    """The best feasible order found (home base excluded), or None.

    The search ends after `no_improvement` iterations without progress or at
    `time_limit_s`, whichever comes first; `no_improvement=None`: at `time_limit_s` only."""

    m = Model()
    places = [m.add_location(x=0, y=0) for _ in range(p.size)]
    depot = m.add_depot(places[0], tw_early=p.day_start_s, tw_late=p.day_end_s)
    m.add_vehicle_type(num_available=1, start_depot=depot, end_depot=depot, tw_early=p.day_start_s,
                       tw_late=p.day_end_s)
    clients = {}
    for node in range(1, p.size):
        required = p.is_appointment(node)
        clients[node] = m.add_client(
            places[node], service_duration=p.service_s[node], tw_early=p.earliest_s[node],
            tw_late=p.latest_s[node], required=required,
            prize=0 if required else DROP_UNIT * (1 + max(0, p.priority[node])))
    if p.lunch_s is not None:
        # One lunch per place of the day, exactly one of them taken (a required group).
        first, last, duration = p.lunch_s
        group = m.add_client_group(required=True)
        for place in places:
            m.add_client(place, service_duration=duration, tw_early=first, tw_late=last, required=False,
                         group=group)
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            m.add_edge(a, b, distance=p.travel_s[i][j], duration=p.travel_s[i][j])
    stop = MaxRuntime(time_limit_s)
    if no_improvement is not None:
        stop = MultipleCriteria([stop, NoImprovement(no_improvement)])
    result = m.solve(stop=stop, seed=seed, display=False, collect_stats=False)
    if not result.best.is_feasible():
        return None
    # A client visit's index counts the clients in the order they were added (lunch last).
    node_of = dict(enumerate(clients))
    order = [node_of[a.idx] for route in result.best.routes() for a in route if a.is_client() and a.idx in node_of]
    return repair(p, order)


def repair(p: Problem, order: Sequence[int]) -> list[int] | None:
    """`order` with the lowest-priority visits dropped until timeline.py finds it feasible."""
    order = list(order)
    while not feasible(p, order):
        optional = [n for n in order if not p.is_appointment(n)]
        if not optional:
            return None
        worst = min(optional, key=lambda n: (p.priority[n], -p.service_s[n]))
        order.remove(worst)
    return order

"""Plan one day of a field rep: which accounts to visit, in which order, at what times.

Owns the entry point :func:`plan_day`: it turns the day (home base, working hours,
lunch, booked appointments, candidate accounts) into a :class:`~server.tours.dayplan.Problem`,
asks PyVRP for an order (pyvrp_solver.py; OR-Tools, solver.py, on request), falls back to
the heuristic (fallback.py) when the solver fails, polishes the order with the heuristic's
moves (fallback.improve), lays it on the clock (timeline.py, which also judges it) and
explains in plain words why each candidate left out did not fit. Pure Python: no Flask,
no database.

Booked appointments are commitments: every one is kept. When they cannot all be kept at
their booked times (one too far from the one before, or from home base at the day's
start), the day is relaxed around them first (`_around_appointments`: the rep is there late,
`PlannedStop.late_min`; back late; no lunch) and the due accounts are still planned in it.
A day of the appointments alone (`_appointments_only`) is only the safety net.

PyVRP is the engine because it keeps more visits and more priority than the OR-Tools
model at the same wall time (tests/bench/bench_planner.py, docs/benchmarks.md). The
polish is why the planner's driving is not above PyVRP's alone given the same time
(which the search spends to its end): a few ms of 2-opt and segment moves, judged by
timeline.py (where lunch may fall on any leg, not only at a stop as in PyVRP's model),
catch what the search left when it stopped. It only ever takes the solver's order further
(moves that shorten the drive, visits added, higher priority swapped in), and it must stay
cheap: when the clock, not the search's own count, ends the search (a loaded machine, a
long day), PyVRP alone given the planner's wall time searches for as long as the polish
took, and one more step of its search can be worth more than the polish. So the polish
lays a move on the clock only when the day can hold it (timeline.cheapest_insertion) and
counts the drive a move saves from the legs it changes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from server.tours import fallback, pyvrp_solver, solver as ortools_solver
from server.tours.dayplan import (
    APPOINTMENTS_CLASH, LOWER_PRIORITY, NO_TIME, OUTSIDE_HOURS, TOO_FAR,
    Appointment, Candidate, DayPlan, Lunch, PlannedStop, Problem, Totals,
)
from server.tours.fallback import improve, insert_all
from server.tours.timeline import Timeline, drive_s, timeline
from server.tours.travel import HaversineTravel, Point, TravelModel

__all__ = ["plan_day", "nearest_neighbour_order", "Appointment", "Candidate", "DayPlan", "Lunch"]

log = logging.getLogger(__name__)
nearest_neighbour_order = fallback.nearest_neighbour_order

# Share of the time budget left to the solver; the rest pays for the travel matrix,
# building the model and explaining the candidates left out.
SOLVER_SHARE = 0.8


def plan_day(
    *,
    depot: Point,
    day_start: float,
    day_end: float,
    candidates: Sequence[Candidate] = (),
    appointments: Sequence[Appointment] = (),
    lunch: Lunch | None = Lunch(),
    travel: TravelModel | None = None,
    time_limit_s: float = 1.0,
    solver: Literal["pyvrp", "ortools", "fallback", "nearest-neighbour", "pyvrp-peer"] = "pyvrp",
    solution_limit: int | None = None,
) -> DayPlan:
    """Plan the day; ``time_limit_s`` bounds the whole call, not only the search.

    ``solution_limit`` overrides how many solutions OR-Tools looks at (solver.py).
    ``solver="nearest-neighbour"`` is the benchmark's naive baseline, not for reps;
    ``solver="pyvrp-peer"`` its peer: PyVRP alone until ``time_limit_s`` (counted, like
    the planner's, from the start of the call: the travel matrix and the problem are built
    on the same clock), its order judged by timeline.py but not completed by the fallback.
    """
    started = time.perf_counter()
    if solver not in ("pyvrp", "ortools", "fallback", "nearest-neighbour", "pyvrp-peer"):
        raise ValueError(f"unknown solver {solver!r}")
    booked = {a.key for a in appointments}
    unplanned: list[tuple[str, str]] = []
    kept: list[Candidate] = []
    for c in candidates:
        if c.key in booked:
            continue  # already visited through its appointment
        reason = _static_reason(c, day_start, day_end)
        if reason:
            unplanned.append((c.key, reason))
        else:
            kept.append(c)
    points = [depot, *((a.lat, a.lon) for a in appointments), *((c.lat, c.lon) for c in kept)]
    minutes, km = (travel or HaversineTravel()).matrices(points)
    p = _problem(minutes, km, day_start, day_end, lunch, appointments, kept)

    relaxed: list[str] = []
    if timeline(p, _appointment_order(p)) is None:
        around, relaxed = _around_appointments(p, appointments)
        if around is None:  # never expected (the relaxation is feasible by construction): the safety net
            return _appointments_only(p, appointments, kept, unplanned)
        p = around  # the day is planned around them, with the rep there as soon as it can be
    used = solver
    order = None
    if solver in ("pyvrp", "ortools"):
        try:
            budget = max(0.05, SOLVER_SHARE * time_limit_s - (time.perf_counter() - started))
            if solver == "pyvrp":
                order = pyvrp_solver.solve(p, time_limit_s=budget)
            else:
                # The heuristic's tour is one more start for OR-Tools: never worse than it.
                order = ortools_solver.solve(p, time_limit_s=budget, solution_limit=solution_limit,
                                             initial=fallback.plan_order(p))
        except Exception:  # a solver crash must not leave the rep without a tour
            log.exception("%s failed; planning with the fallback heuristic", solver)
        if order is not None and timeline(p, order) is None:
            log.error("%s returned an infeasible order; using the fallback heuristic", solver)
            order = None
    elif solver == "nearest-neighbour":
        order = fallback.greedy_order(p)
    elif solver == "pyvrp-peer":
        # The same clock as the planner's: the matrix and the problem were built on it.
        budget = max(0.01, time_limit_s - (time.perf_counter() - started))
        order = pyvrp_solver.solve(p, time_limit_s=budget, no_improvement=None)
    if order is None:
        used, order = "fallback", fallback.plan_order(p)
    assert order is not None  # the appointments alone fit (checked above)
    dropped = sorted(set(p.candidate_nodes) - set(order), key=lambda n: (-p.priority[n], n))
    if used not in ("nearest-neighbour", "pyvrp-peer"):
        # A few ms of local search on the solver's order, with timeline.py as the judge:
        # it lets lunch fall on any leg where PyVRP's model eats at a stop, and 2-opt and
        # segment moves catch what the search left; time freed goes to the stops left out.
        dropped = improve(p, order, dropped, deadline=started + time_limit_s)
    unplanned += [(kept[n - p.n_appointments - 1].key, _reason(p, order, n)) for n in dropped]
    tl = timeline(p, order)
    assert tl is not None
    plan = _assemble(p, order, tl, appointments, kept, unplanned, used)
    plan.warnings.extend(relaxed)
    return plan


def _around_appointments(p: Problem, appointments: Sequence[Appointment]) -> tuple[Problem | None, list[str]]:
    """The day relaxed just enough for its booked appointments to be kept all, when they cannot
    be at their booked times, and a warning (in `_appointments_only`'s words) for each relaxation.

    Appointments are commitments: none is dropped, and one out of reach must not empty the day
    (a user trial found days reduced to their appointments). Driving from home base at the day's
    start through the appointments alone, in booked order:

    - an appointment the rep cannot reach at its start is moved to when the rep can be there
      (its window is [booked start, that arrival]: the rep is never made later by a visit slotted
      before it); the appointments after it follow, late only if that lateness carries over;
    - back at home base after the end of the working day: the day ends then (the overtime is the
      appointments', never lengthened by a visit);
    - no room for the lunch break around them: the day has none.

    The due accounts are then planned around them by the same solvers. The lateness is the
    stop's `late_min` (its start minus the booked start). (None, []) if still infeasible."""
    order = _appointment_order(p)
    latest = list(p.latest_s)
    warnings = []
    t, prev = p.day_start_s, 0
    for node in order:
        arrival = t + p.travel_s[prev][node]
        if arrival > latest[node]:
            latest[node] = arrival
            warnings.append(f"cannot reach appointment {appointments[node - 1].key} in time")
        t, prev = max(arrival, p.earliest_s[node]) + p.service_s[node], node
    relaxed = replace(p, latest_s=latest)
    back = t + p.travel_s[prev][0]
    if back > p.day_end_s:
        relaxed = replace(relaxed, day_end_s=back, overtime_s=back - p.day_end_s)
        warnings.append("back at home base after the end of the working day")
    if timeline(relaxed, order) is None and relaxed.lunch_s is not None:
        relaxed = replace(relaxed, lunch_s=None)
        warnings.append("no room for the lunch break between the appointments")
    return (relaxed, warnings) if timeline(relaxed, order) is not None else (None, [])


def _static_reason(c: Candidate, day_start: float, day_end: float) -> str | None:
    """Why a candidate cannot be visited on this day whatever the tour, if so."""
    if c.service_min > day_end - day_start:
        return NO_TIME
    opens = day_start if c.opens is None else max(day_start, c.opens)
    closes = day_end if c.closes is None else min(day_end, c.closes)
    return OUTSIDE_HOURS if closes - opens < c.service_min else None


def _problem(
    minutes: list[list[float]],
    km: list[list[float]],
    day_start: float,
    day_end: float,
    lunch: Lunch | None,
    appointments: Sequence[Appointment],
    kept: Sequence[Candidate],
) -> Problem:
    def s(m: float) -> int:
        return round(m * 60)

    service = [0] + [s(a.end - a.start) for a in appointments] + [s(c.service_min) for c in kept]
    earliest = [s(day_start)] + [s(a.start) for a in appointments]
    latest = [s(day_end)] + [s(a.start) for a in appointments]
    for c in kept:
        earliest.append(s(day_start if c.opens is None else max(day_start, c.opens)))
        closes = day_end if c.closes is None else min(day_end, c.closes)
        latest.append(s(closes - c.service_min))
    lunch_s = None
    if lunch is not None:
        # Only the part of the lunch window inside the working day counts; a day that
        # does not cover the lunch (a half day) has no break.
        first, last = max(lunch.window_start, day_start), min(lunch.window_end, day_end)
        if last - first >= lunch.duration > 0:
            lunch_s = (s(first), s(last - lunch.duration), s(lunch.duration))
    return Problem(
        travel_s=[[s(m) for m in row] for row in minutes],
        km=km,
        service_s=service,
        priority=[0] * (1 + len(appointments)) + [c.priority for c in kept],
        earliest_s=earliest,
        latest_s=latest,
        day_start_s=s(day_start),
        day_end_s=s(day_end),
        lunch_s=lunch_s,
        n_appointments=len(appointments),
    )


def _appointment_order(p: Problem) -> list[int]:
    return sorted(p.appointment_nodes, key=lambda n: (p.earliest_s[n], n))


def _reason(p: Problem, order: list[int], node: int) -> str:
    """Why ``node`` found no place in ``order`` (each test is an insertion attempt)."""
    work_end = p.day_end_s - p.overtime_s
    has_hours = p.earliest_s[node] > p.day_start_s or p.latest_s[node] + p.service_s[node] < work_end
    relaxed = _without_hours(p, node) if has_hours else p
    if insert_all(relaxed, list(_appointment_order(p)), [node]):
        return NO_TIME  # does not fit even around the appointments alone
    if has_hours and not insert_all(relaxed, list(order), [node]):
        return OUTSIDE_HOURS  # it would fit in the tour, were it open then
    kept = [p.priority[n] for n in order if not p.is_appointment(n)]
    if kept and min(kept) > p.priority[node]:
        return LOWER_PRIORITY
    # The free time of the day (its length less the visits, drives and lunch of the tour) would
    # hold the visit: it is the drive that does not fit in any gap, not the day that is full.
    free = p.day_end_s - p.overtime_s - p.day_start_s - drive_s(p, order) - sum(p.service_s[n] for n in order)
    free -= p.lunch_s[2] if p.lunch_s is not None else 0
    return TOO_FAR if free >= p.service_s[node] else NO_TIME


def _without_hours(p: Problem, node: int) -> Problem:
    earliest, latest = list(p.earliest_s), list(p.latest_s)
    earliest[node], latest[node] = p.day_start_s, p.day_end_s - p.overtime_s - p.service_s[node]
    return Problem(**{**vars(p), "earliest_s": earliest, "latest_s": latest})


def _assemble(
    p: Problem,
    order: list[int],
    tl: Timeline,
    appointments: Sequence[Appointment],
    kept: Sequence[Candidate],
    unplanned: list[tuple[str, str]],
    used: str,
) -> DayPlan:
    stops: list[PlannedStop] = []
    prev = 0
    for node, start in zip(order, tl.starts):
        if p.is_appointment(node):
            item: Appointment | Candidate = appointments[node - 1]
        else:
            item = kept[node - p.n_appointments - 1]
        stops.append(
            PlannedStop(
                key=item.key,
                kind="appointment" if p.is_appointment(node) else "candidate",
                lat=item.lat,
                lon=item.lon,
                arrive=start / 60,
                depart=(start + p.service_s[node]) / 60,
                drive_min=p.travel_s[prev][node] / 60,
                drive_km=p.km[prev][node],
                # A booked appointment's window opens at its booked start (_around_appointments
                # moves only its close): a later start is the rep's lateness.
                late_min=max(0, start - p.earliest_s[node]) / 60 if p.is_appointment(node) else 0.0,
            )
        )
        prev = node
    lunch = None
    if tl.lunch_start is not None and p.lunch_s is not None:
        lunch = (tl.lunch_start / 60, (tl.lunch_start + p.lunch_s[2]) / 60)
    # Leave home just in time for the first visit, unless lunch comes before it.
    start_at = p.day_start_s / 60
    if stops and tl.lunch_leg != 0:
        start_at = stops[0].arrive - stops[0].drive_min
    back_min, back_km = p.travel_s[prev][0] / 60, p.km[prev][0]
    totals = Totals(
        drive_km=sum(s.drive_km for s in stops) + back_km,
        drive_min=sum(s.drive_min for s in stops) + back_min,
        visit_min=sum(s.depart - s.arrive for s in stops),
    )
    return DayPlan(
        start_at=start_at, end_at=tl.end / 60, stops=stops, unplanned=unplanned, totals=totals,
        return_drive_min=back_min, return_drive_km=back_km, lunch=lunch, solver=used,
    )


def _appointments_only(
    p: Problem,
    appointments: Sequence[Appointment],
    kept: Sequence[Candidate],
    unplanned: list[tuple[str, str]],
) -> DayPlan:
    """The safety net, should the day relaxed around the appointments not fit (never expected):
    show them at their booked times, every candidate left out, and say so."""
    order = _appointment_order(p)
    warnings = []
    t, prev = p.day_start_s, 0
    for node in order:
        if t + p.travel_s[prev][node] > p.earliest_s[node]:
            warnings.append(f"cannot reach appointment {appointments[node - 1].key} in time")
        t, prev = max(t + p.travel_s[prev][node], p.earliest_s[node]) + p.service_s[node], node
    if t + p.travel_s[prev][0] > p.day_end_s:
        warnings.append("back at home base after the end of the working day")
    if not warnings:  # the drives fit, so the lunch break is what does not
        warnings.append("no room for the lunch break between the appointments")
    tl = Timeline([p.earliest_s[n] for n in order], t + p.travel_s[prev][0], None, None)
    plan = _assemble(p, order, tl, appointments, kept, unplanned, "appointments-only")
    plan.warnings.extend(warnings)
    plan.unplanned.extend((c.key, APPOINTMENTS_CLASH) for c in kept)
    return plan

"""Tour planning against DESIGN.md's targets (tour of 25–40 stops, 3 appointments).

Run: `.venv/bin/python tests/bench/bench_tours.py` (about 3.5 minutes on 2 cores).
Two kinds of random days, each with 3 booked appointments and a lunch break:

- "country": 25–40 candidate accounts within 40 km of Dijon, visits of 20–45 min by
  segment; only 6–11 fit in the day, so the planner mostly chooses *which* to visit;
- "city": 25–40 accounts within 12 km and 10-minute visits, so that the tour itself
  has 25–40 stops, as DESIGN.md's target reads.

Printed next to each target:

- wall time of `plan_day` with its defaults (median, max), target < 1 s;
- driving against the best plan PyVRP finds in a 30 s search (`solver="pyvrp-peer"`),
  target ≤ 1.03×, on 2 days of each kind. A plan that keeps other stops than the 30 s plan drives a different tour,
  so the stops kept are shown beside the figure;
- driving against a nearest-neighbour tour of the same stops (its target, ≥ 15 % less, is
  retired by DESIGN.md: the comparison ignores opening hours; the planner's target is now
  bench_planner's, PyVRP at equal wall time), on every day: the planner's stops with their clock taken away (no appointment times,
  opening hours or lunch: a plain tour from home base and back), planned by `plan_day`
  and by always driving to the closest stop not yet visited. Nearest neighbour ignores
  the clock, so it is measured where there is none; with the clock, the order is
  mostly set by the appointments and opening hours, not by the routing.
  This replaces a comparison with a greedy rep who drives to the closest account that
  still fits the clock, counted only on days where that greedy tour kept all the
  planner's stops: a selection of the days whose order the clock forces (9 country
  days out of 20 and no city day in the last run), where both tours are the same
  (median 1.000) — it said nothing about routing, and "nan" for the city.
  The 15 % is what nearest neighbour loses on average on large random tours; on these
  days it often loses less, so beside each figure stands its floor, the shortest tour of
  the same stops: exact for a country day's 7–10 stops (Held–Karp), the best PyVRP finds
  in a 5 s search for a city day's 25–30 (a floor no planner goes far below).
- For information: the planner's driving against the nearest-neighbour order of its
  stops with the clock ignored (not drivable: it misses appointments), and how many
  visits it keeps against a greedy day built from the same candidates (`plan_day(
  solver="nearest-neighbour")`: the closest account that still fits, always).

`main()` prints a Markdown table and returns its rows, for the `make bench` runner.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from server.tours.fallback import nearest_neighbour_order  # noqa: E402
from server.tours.planner import Appointment, Candidate, DayPlan, plan_day  # noqa: E402
from server.tours.travel import HaversineTravel  # noqa: E402

HOME = (47.32, 5.04)  # Dijon
DAY = {"day_start": 8 * 60, "day_end": 18 * 60}
REFERENCE_S = 30.0
FLOOR_S = 5.0  # a city day's shortest tour: PyVRP's best in this long
# kind: (days, reference days, radius km, {segment: (visit minutes, priority)}, appointment minutes)
KINDS = {
    "country": (20, 2, 40.0, {"A": (45, 3), "B": (30, 2), "C": (20, 1)}, 45),
    "city": (10, 2, 12.0, {"A": (12, 3), "B": (10, 2), "C": (8, 1)}, 30),
}


def _point(rng: random.Random, radius_km: float) -> tuple[float, float]:
    r, angle = radius_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return (
        HOME[0] + r * math.sin(angle) / 111.2,
        HOME[1] + r * math.cos(angle) / (111.2 * math.cos(math.radians(HOME[0]))),
    )


def random_day(seed: int, kind: str = "country") -> dict:
    """A day whose 3 appointments can be driven (the booking service ensures that)."""
    _, _, radius, segments, appointment_min = KINDS[kind]
    rng = random.Random(f"{kind}-{seed}")
    candidates = []
    for i in range(rng.randint(25, 40)):
        service, priority = segments[rng.choice("AABBBCCCC")]
        lat, lon = _point(rng, radius)
        hours = rng.choice([None, None, None, (8 * 60, 12 * 60), (14 * 60, 18 * 60)])
        candidates.append(Candidate(
            key=f"acc-{i}", lat=lat, lon=lon, service_min=service, priority=priority,
            opens=hours and hours[0], closes=hours and hours[1],
        ))
    while True:
        appointments = []
        for k, start in enumerate(sorted(rng.sample(range(9 * 60, 17 * 60, 30), 3))):
            lat, lon = _point(rng, radius)
            appointments.append(Appointment(key=f"rdv-{k}", lat=lat, lon=lon, start=start,
                                            end=start + appointment_min))
        if not plan_day(depot=HOME, **DAY, appointments=appointments).warnings:  # all three reachable in time
            return {"candidates": candidates, "appointments": appointments}


def shortest_tour_drive(plan: DayPlan) -> float:
    """Driving minutes of the shortest tour from home base through the plan's stops and back.

    Held–Karp dynamic programming (Held & Karp 1962), O(2^n · n²): for the ≤ 12 stops of a country day."""
    points = [HOME, *((s.lat, s.lon) for s in plan.stops)]
    minutes, _ = HaversineTravel().matrices(points)
    n = len(points) - 1
    assert n <= 12, "exact only for small tours"
    best = {(1 << k, k): minutes[0][k + 1] for k in range(n)}  # (visited set, last stop): minutes
    for size in range(2, n + 1):
        for visited in (m for m in range(1 << n) if m.bit_count() == size):
            for last in (k for k in range(n) if visited >> k & 1):
                before = visited & ~(1 << last)
                best[visited, last] = min(best[before, k] + minutes[k + 1][last + 1]
                                          for k in range(n) if before >> k & 1)
    return min(best[(1 << n) - 1, k] + minutes[k + 1][0] for k in range(n)) if n else 0.0


def naive_order_drive(plan: DayPlan) -> float:
    points = [HOME, *((s.lat, s.lon) for s in plan.stops)]
    minutes, _ = HaversineTravel().matrices(points)
    order = [0, *nearest_neighbour_order(minutes, range(1, len(points))), 0]
    return sum(minutes[a][b] for a, b in zip(order, order[1:]))


def without_clock(plan: DayPlan, search_s: float | None = None) -> DayPlan:
    """The plan's stops as a plain tour (same visit lengths, no times to keep, no lunch), planned
    by the planner with its defaults, or by PyVRP alone for `search_s` seconds."""
    stops = [Candidate(key=s.key, lat=s.lat, lon=s.lon, service_min=s.depart - s.arrive) for s in plan.stops]
    how = {} if search_s is None else {"solver": "pyvrp-peer", "time_limit_s": search_s}
    tour = plan_day(depot=HOME, **DAY, candidates=stops, lunch=None, **how)
    assert len(tour.stops) == len(stops), "the stops fit with their clock, so they fit without it"
    return tour


def bench_kind(kind: str) -> list[dict]:
    days, reference_days = KINDS[kind][:2]
    times, vs_nn, vs_naive, visits, per_visit, plans, floor = [], [], [], [], [], [], []
    for seed in range(days):
        day = random_day(seed, kind)
        started = time.perf_counter()
        plan = plan_day(depot=HOME, **DAY, **day)
        times.append(time.perf_counter() - started)
        plans.append((day, plan))
        vs_nn.append(without_clock(plan).totals.drive_min / naive_order_drive(plan))
        shortest = shortest_tour_drive(plan) if kind == "country" else without_clock(plan, FLOOR_S).totals.drive_min
        floor.append(shortest / naive_order_drive(plan))
        vs_naive.append(plan.totals.drive_min / naive_order_drive(plan))
        greedy_day = plan_day(depot=HOME, **DAY, **day, solver="nearest-neighbour")
        visits.append(len(plan.stops) / len(greedy_day.stops))
        per_visit.append((plan.totals.drive_min / len(plan.stops))
                         / (greedy_day.totals.drive_min / len(greedy_day.stops)))
    vs_best, same = [], []
    for day, plan in plans[:reference_days]:
        best = plan_day(depot=HOME, **DAY, **day, time_limit_s=REFERENCE_S, solver="pyvrp-peer")
        vs_best.append(plan.totals.drive_min / best.totals.drive_min)
        same.append("same" if {s.key for s in plan.stops} == {s.key for s in best.stops}
                    else f"{len(plan.stops)} vs {len(best.stops)}, other set")
    stops = [len(p.stops) for _, p in plans]
    k = f"{kind} ({days} days, {min(stops)}–{max(stops)} stops)"
    return [
        _row(f"{k}: plan time, median (s)", statistics.median(times), "< 1 s", statistics.median(times) < 1),
        _row(f"{k}: plan time, max (s)", max(times), "< 1 s", max(times) < 1),
        _row(f"{kind}: driving vs best in {REFERENCE_S:.0f} s, worst of {reference_days} days "
             f"(stops kept: {'; '.join(same)})", max(vs_best), "≤ 1.03× (ours; DESIGN.md's is bench_planner's)",
             max(vs_best) <= 1.03),
        # Retired by DESIGN.md ("it ignores opening hours"), kept for information beside its floor.
        _row(f"{kind}: driving vs nearest-neighbour tour of the same stops without the clock, "
             f"median of {len(vs_nn)} days", statistics.median(vs_nn), "(information; the ≤ 0.85× target is retired)",
             None),
        _row(f"{kind}: floor: the shortest tour of the same stops vs nearest-neighbour "
             f"({'exact' if kind == 'country' else f'best in {FLOOR_S:.0f} s'}), median of {len(floor)} days",
             statistics.median(floor), "(the best possible)", None),
        _row(f"{kind}: driving vs nearest-neighbour order ignoring time windows, median",
             statistics.median(vs_naive), "(information)", None),
        _row(f"{kind}: visits kept vs a nearest-neighbour day from the same candidates, median",
             statistics.median(visits), "(information)", None),
        _row(f"{kind}: driving per visit vs that nearest-neighbour day, median",
             statistics.median(per_visit), "(information)", None),
    ]


def _row(measure: str, value: float, target: str, met: bool | None) -> dict:
    return {"measure": measure, "value": value, "target": target, "met": met}


def main() -> list[dict]:
    rows = [row for kind in KINDS for row in bench_kind(kind)]
    print("| measure | value | target | met |\n|---|---|---|---|")
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"| {r['measure']} | {r['value']:.3f} | {r['target']} | {met} |")
    return rows


if __name__ == "__main__":
    main()

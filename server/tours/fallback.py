"""The fallback tour heuristic, used when OR-Tools fails, and the benchmark's baseline.

Appointments are placed first, in time order (hard windows); candidates are inserted
one by one, higher priority first and, within a priority, in nearest-neighbour order
from home base, each at its cheapest feasible place; then 2-opt and segment moves
(or-opt) shorten the drive while the clock (timeline.py) stays feasible; time freed
that way is offered again to the candidates left out. Plain Python, deterministic, a
few ms for 40 stops. The same moves (:func:`improve`) polish the solvers' orders.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from server.tours.dayplan import Problem
from server.tours.timeline import cheapest_insertion, drive_s, feasible

MAX_PASSES = 50


def nearest_neighbour_order(
    travel: Sequence[Sequence[float]], nodes: Iterable[int], start: int = 0
) -> list[int]:
    """Visit ``nodes`` by always driving to the closest one not yet visited (ties: lowest index)."""
    left = sorted(set(nodes) - {start})
    order: list[int] = []
    here = start
    while left:
        here = min(left, key=lambda n: (travel[here][n], n))
        left.remove(here)
        order.append(here)
    return order


def greedy_order(p: Problem) -> list[int] | None:
    """The benchmark's baseline: drive to the nearest account that still fits, always.

    Appointments stay at their times: the next one is driven to only when no account
    fits before it. None when the appointments alone cannot be kept.
    """
    pending = sorted(p.appointment_nodes, key=lambda n: (p.earliest_s[n], n))
    left = set(p.candidate_nodes)
    order: list[int] = []
    if not feasible(p, pending):
        return None
    while left or pending:
        here = order[-1] if order else 0
        fits = [n for n in left if feasible(p, [*order, n, *pending])]
        if fits:
            nxt = min(fits, key=lambda n: (p.travel_s[here][n], n))
            left.remove(nxt)
        elif pending:
            nxt = pending.pop(0)
        else:
            break
        order.append(nxt)
    return order


def plan_order(p: Problem) -> list[int] | None:
    """A feasible order of nodes, or None when the appointments alone cannot be kept."""
    order = sorted(p.appointment_nodes, key=lambda n: (p.earliest_s[n], n))
    if not feasible(p, order):
        return None
    chain = nearest_neighbour_order(p.travel_s, p.candidate_nodes)
    rank = {node: i for i, node in enumerate(chain)}
    queue = sorted(p.candidate_nodes, key=lambda n: (-p.priority[n], rank[n]))
    left_out = insert_all(p, order, queue)
    improve(p, order, left_out)
    return order


def improve(p: Problem, order: list[int], left_out: Sequence[int], *, deadline: float | None = None) -> list[int]:
    """Shorten ``order`` in place by 2-opt and segment moves, offering freed time to ``left_out``.

    A move is kept only when it shortens the drive and the clock stays feasible, so no
    node is ever dropped; returns the nodes of ``left_out`` that still found no place.
    After the first pass (a few ms), no new one starts past ``deadline`` (a
    `time.perf_counter()` value).
    """
    left = list(left_out)
    for n in range(MAX_PASSES):
        if n and deadline is not None and time.perf_counter() > deadline:
            break
        improved = _two_opt(p, order) | _move_segments(p, order)
        left = insert_all(p, order, left)
        improved |= _swap_up(p, order, left)
        if not improved:
            break
    return left


def _swap_up(p: Problem, order: list[int], left: list[int]) -> bool:
    """Swap a kept stop for a left-out one of higher priority wherever that fits (in place).

    The search can stall on which accounts to keep (one for another is a plateau of its
    moves); a swap never loses a visit and always gains priority, the first rule of a day."""
    swapped = False
    for node in sorted(left, key=lambda n: (-p.priority[n], n)):
        route = [0, *order, 0]
        saving = {k: p.travel_s[route[i]][k] + p.travel_s[k][route[i + 2]] - p.travel_s[route[i]][route[i + 2]]
                  for i, k in enumerate(order)}
        lower = sorted((k for k in order if not p.is_appointment(k) and p.priority[k] < p.priority[node]),
                       key=lambda k: (p.priority[k], -saving[k], k))
        for out in lower:
            rest = [n for n in order if n != out]
            found = cheapest_insertion(p, rest, node)
            if found is not None:
                rest.insert(found[1], node)
                order[:] = rest
                left.remove(node)
                left.append(out)
                swapped = True
                break
    return swapped


def insert_all(p: Problem, order: list[int], queue: Sequence[int]) -> list[int]:
    """Insert each node of ``queue`` (in place, in turn) where it fits best; return the rest."""
    rest = []
    for node in queue:
        found = cheapest_insertion(p, order, node)
        if found is None:
            rest.append(node)
        else:
            order.insert(found[1], node)
    return rest


def _two_opt(p: Problem, order: list[int]) -> bool:
    """Reverse segments while that shortens the drive and keeps the day feasible.

    The drive saved is computed from the two legs replaced and the segment's legs both
    ways (running sums; travel times may be asymmetric), so the clock is the only check
    that walks the route."""
    improved = False
    t = p.travel_s
    route, ahead, back = _running_legs(t, order)
    for i in range(len(order) - 1):
        for j in range(i + 1, len(order)):
            # Route positions i+1 .. j+1 hold order[i .. j]; route[i] and route[j+2] stay.
            before, first, last, after = route[i], route[i + 1], route[j + 1], route[j + 2]
            saved = (t[before][first] + t[last][after] + ahead[j + 1] - ahead[i + 1]
                     - t[before][last] - t[first][after] - (back[j + 1] - back[i + 1]))
            if saved > 0:
                trial = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                if feasible(p, trial):
                    order[:], improved = trial, True
                    route, ahead, back = _running_legs(t, order)
    return improved


def _running_legs(t: Sequence[Sequence[int]], order: list[int]) -> tuple[list[int], list[int], list[int]]:
    """The route from home base and back, and the running sums of its legs driven forward
    (``ahead[k]``: route[0] to route[k]) and each driven the other way (``back[k]``)."""
    route = [0, *order, 0]
    ahead, back = [0], [0]
    for a, b in zip(route, route[1:]):
        ahead.append(ahead[-1] + t[a][b])
        back.append(back[-1] + t[b][a])
    return route, ahead, back


def _move_segments(p: Problem, order: list[int]) -> bool:
    """Move runs of 1 to 3 stops elsewhere, either way round, while that shortens the drive
    and stays feasible (or-opt; the drive saved is computed from the legs it changes)."""
    improved = False
    t = p.travel_s
    for length in (1, 2, 3):
        i = 0
        while i + length <= len(order):
            route = [0, *order, 0]
            first, last = route[i + 1], route[i + length]
            before, after = route[i], route[i + length + 1]
            removed = t[before][first] + t[last][after] - t[before][after]
            rest = order[:i] + order[i + length:]
            segment = order[i:i + length]
            # Reversed, a run drives its own legs the other way (travel times may be asymmetric).
            ways = [(segment, 0)]
            if length > 1:
                back = segment[::-1]
                ways.append((back, _legs(t, back) - _legs(t, segment)))
            best: tuple[int, list[int]] | None = None
            gap = [0, *rest, 0]
            for pos in range(len(rest) + 1):
                if pos == i:
                    continue  # where it came from
                a, b = gap[pos], gap[pos + 1]
                for seg, inner in ways:
                    added = t[a][seg[0]] + t[seg[-1]][b] - t[a][b] + inner
                    if added - removed < (best[0] if best else 0):
                        trial = [*rest[:pos], *seg, *rest[pos:]]
                        if feasible(p, trial):
                            best = (added - removed, trial)
            if best is not None:
                order[:], improved = best[1], True
            else:
                i += 1
    return improved


def _legs(t: Sequence[Sequence[int]], run: Sequence[int]) -> int:
    return sum(t[a][b] for a, b in zip(run, run[1:]))

"""Day planner vs PyVRP (the peer): visits kept, priority kept and driving, day by day, in the same run.

Run: `.venv/bin/python tests/bench/bench_planner.py` (bench extra: pyvrp). The instances
are the ones the planner gets: bench_tours.py's country and city days (3 appointments,
lunch, opening hours on a third of the accounts) and the demo's rep-days of the coming
week (loaded into a scratch SQLite database, gathered by server/tours/planning.py and
caught at `plan_day`). Both solvers see the same `Problem` (matrix, windows,
appointments as required clients at their booked start, lunch, prizes from the
priorities); each plan is laid out by timeline.py, which also judges it.

For each day the planner runs with its defaults and its wall time is measured; PyVRP
(server/tours/pyvrp_solver.py) then gets a call of exactly that long: like the planner,
it searches for what is left once the travel matrix and the problem are built (both
calls' wall times are shown). Until 2026-11 the peer searched for the whole wall time on
top of building them, a head start of the planner's set-up time. Reported per day:
visits kept, priority kept (sum of the kept accounts' priorities) and driving minutes.
Targets (issue "Ahead of the peers"): never fewer visits nor less priority than PyVRP
on any day, and driving ≤ 1.00× PyVRP's on the days both keep as many visits.
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from server.tours.planner import plan_day  # noqa: E402
from tests.bench.bench_tours import DAY, HOME, random_day  # noqa: E402

DAYS = {"country": 8, "city": 6}


def bench_days() -> list[tuple[str, dict]]:
    return [(f"{kind} {seed}", {"depot": HOME, **DAY, **random_day(seed, kind)})
            for kind, n in DAYS.items() for seed in range(n)]


def demo_days() -> list[tuple[str, dict]]:
    """The keyword arguments the planner gets for each demo rep's working days of the coming week."""
    folder = tempfile.mkdtemp(prefix="tournee-bench-planner-")
    from flask_migrate import upgrade
    from sqlalchemy import select

    from server import create_app
    from server.db import utcnow
    from server.demo import load_demo
    from server.extensions import db
    from server.tours import planning
    from server.tours.context import load_rep
    from server.users.models import User

    # The URL is given to the app itself: server.config has read the environment already.
    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/tournee.db")
    caught: list[tuple[str, dict]] = []
    with app.app_context():
        logging.disable(logging.INFO)  # alembic's lines (some span two) are not the report
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        load_demo()
        now = utcnow()
        real = planning.plan_day
        for user in db.session.scalars(select(User).where(User.role == "rep").order_by(User.email)).all():
            rep = load_rep(db.session, user.id)
            today = now.astimezone(rep.tz).date()
            monday = today + timedelta(days=7 - today.weekday())
            for day in (monday + timedelta(days=n) for n in range(5)):
                if rep.span(day) is None:
                    continue
                def catch(**kwargs):
                    caught.append((f"demo {user.email.split('@')[0]} {day:%a}", kwargs))
                    return real(**kwargs)
                planning.plan_day = catch
                try:
                    g = planning.gather(db.session, rep, day, now=now, horizon_days=7)
                    planning.solve(g, travel=planning.travel_model(app.config), time_limit_s=0.05, now=now,
                                   solver="fallback")
                finally:
                    planning.plan_day = real
    return [(name, {k: v for k, v in kw.items() if k not in ("solver", "time_limit_s")}) for name, kw in caught]


def figures(kwargs: dict, plan) -> tuple[int, int, float]:
    priority = {c.key: c.priority for c in kwargs.get("candidates", ())}
    kept = [s for s in plan.stops if s.kind == "candidate"]
    return len(kept), sum(priority[s.key] for s in kept), plan.totals.drive_min


def compare(days: list[tuple[str, dict]]) -> list[dict]:
    rows = []
    for name, kwargs in days:
        started = time.perf_counter()
        ours = plan_day(**kwargs)
        wall = time.perf_counter() - started
        started = time.perf_counter()
        peer = plan_day(**kwargs, solver="pyvrp-peer", time_limit_s=wall)
        peer_wall = time.perf_counter() - started
        (v1, p1, d1), (v2, p2, d2) = figures(kwargs, ours), figures(kwargs, peer)
        rows.append({"day": name, "wall_s": (wall, peer_wall), "visits": (v1, v2), "priority": (p1, p2), "drive": (d1, d2),
                     "solvers": (ours.solver, peer.solver)})
    return rows


def main() -> list[dict]:
    days = bench_days() + demo_days()
    rows = compare(days)
    print("| day | time (s): planner / PyVRP | visits kept: planner / PyVRP | priority kept | driving min | driving × |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        (v1, v2), (p1, p2), (d1, d2) = r["visits"], r["priority"], r["drive"]
        ratio = f"{d1 / d2:.3f}" if v1 == v2 and d2 else ""
        flag = " **fewer**" if v1 < v2 or p1 < p2 else ""
        print(f"| {r['day']} | {r['wall_s'][0]:.2f} / {r['wall_s'][1]:.2f} | {v1} / {v2}{flag} | {p1} / {p2} | {d1:.0f} / {d2:.0f} | {ratio} |")
    visits = [sum(r["visits"][i] for r in rows) for i in (0, 1)]
    priority = [sum(r["priority"][i] for r in rows) for i in (0, 1)]
    behind = [r["day"] for r in rows if r["visits"][0] < r["visits"][1] or r["priority"][0] < r["priority"][1]]
    equal = [r for r in rows if r["visits"][0] == r["visits"][1]]
    drive = [sum(r["drive"][i] for r in equal) for i in (0, 1)]
    print()
    print("| measure | value | target | met |\n|---|---|---|---|")
    print(f"| visits kept over {len(rows)} days, planner / PyVRP | {visits[0]} / {visits[1]} | ≥ | "
          f"{'yes' if visits[0] >= visits[1] else 'NO'} |")
    print(f"| priority kept, planner / PyVRP | {priority[0]} / {priority[1]} | ≥ | "
          f"{'yes' if priority[0] >= priority[1] else 'NO'} |")
    print(f"| days with fewer visits or priority than PyVRP | {len(behind)} ({', '.join(behind) or 'none'}) | 0 | "
          f"{'yes' if not behind else 'NO'} |")
    ratio = drive[0] / drive[1] if drive[1] else float("nan")
    print(f"| driving on the {len(equal)} equal-visit days, planner ÷ PyVRP | {ratio:.3f} | ≤ 1.00× | "
          f"{'yes' if ratio <= 1.0 else 'NO'} |")
    return rows


if __name__ == "__main__":
    main()

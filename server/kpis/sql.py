"""The bits of SQL that differ between SQLite and PostgreSQL: durations and percentiles."""
from __future__ import annotations

from sqlalchemy import Float, Integer, Select, cast, func, or_, select
from sqlalchemy.orm import Session


def minutes_between(session: Session, start, end):
    """end − start in minutes, as a SQL expression."""
    if session.get_bind().dialect.name == "postgresql":
        # date_part gives a double; EXTRACT gives a numeric since PostgreSQL 14, whose slower
        # arithmetic showed over the ~350,000 visits of a company's year (bench_kpis).
        return func.date_part("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def clamp(session: Session, value, low: float, high: float):
    """`value` kept within [low, high], computed once per row (GREATEST/LEAST; max/min on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.least(func.greatest(value, low), high)
    return func.min(func.max(value, low), high)


def percentiles(session: Session, values: Select, ps: tuple[float, ...]) -> dict[float, float | None]:
    """Percentiles (linear interpolation between closest ranks, as percentile_cont) of
    the single column `x` that `values` selects; None when it selects no row."""
    sub = values.subquery()
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(select(*[func.percentile_cont(p).within_group(sub.c.x) for p in ps])).one()
        return {p: (None if v is None else float(v)) for p, v in zip(ps, row)}
    ranked = select(sub.c.x, (func.row_number().over(order_by=sub.c.x) - 1).label("k"),
                    func.count().over().label("n")).subquery()
    wanted = []
    for p in ps:
        low = cast((ranked.c.n - 1) * p, Integer)
        wanted += [ranked.c.k == low, ranked.c.k == low + 1]
    rows = session.execute(select(ranked.c.k, ranked.c.n, cast(ranked.c.x, Float)).where(or_(*wanted))).all()
    if not rows:
        return {p: None for p in ps}
    n = rows[0][1]
    at = {k: x for k, _, x in rows}
    out = {}
    for p in ps:
        pos = (n - 1) * p
        low = int(pos)
        high = min(low + 1, n - 1)
        out[p] = at[low] + (at[high] - at[low]) * (pos - low)
    return out


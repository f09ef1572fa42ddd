"""The KPIs of API.md → "KPIs (stable)", in a handful of aggregate queries.

Each figure is one GROUP BY over the period (by rep and segment), never a Python
loop over visits or quotes; Python only adds up the few grouped rows (≤ reps × 3).

Definitions (the API's words, and our rules where it leaves a choice):
- `visits.done`: on-site visits started in the period, by the segment of the account.
- `visits.planned`: per rep and segment, day by day: the days an action plan covers
  count through the plan (its visit target × the share of the plan's days inside the
  period); the other days through the cadence, on the rep's working days only
  (accounts of the segment × visits_per_year × working days among them ÷ working days
  in a year). Summed over the reps, rounded. `planned_basis` (in all and per rep) says
  how many days each source decided: `plan_days`, `cadence_days` and, among these,
  `working_days`.
- `coverage`: accounts of the segment (owned by the reps in scope) with an on-site
  visit within the segment's cadence interval (365 / visits_per_year days) before the
  end of `to`, over all accounts of the segment. Up to today it reads the accounts'
  `last_visit_at` (kept by every on-site visit logged); for a past `to`, the visits.
- `time_share`: visit minutes (every kind: on site, phone, video; ended − started,
  the segment's visit_minutes when the end is missing, 0–12 h) per segment over all.
- `calls`: phone visits in the period; `opportunities`: visits whose outcome is
  interested, quote-requested or order.
- quotes of the reps in scope: `requested` created in the period, `quoted` quoted in
  it, `won`/`lost` closed in it; `conversion_rate` = won / (won + lost);
  `turnaround_hours_p50/p90` over quotes quoted in the period (quoted_at − created_at);
  `route_hours_p50` over quotes routed in it; `average_amount` = mean amount of the
  quotes won in the period (the average basket); `revenue` = their amounts by segment.
- `action_plan`: the plans overlapping the period, targets prorated like `planned`,
  against the same reps' visits, calls and revenue of the period; `attainment` is the
  mean over the non-zero targets of min(actual / target, 1).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.workdays import WorkCalendar, calendars_of, working_days_per_year
from server.db import UTCDateTime, utcnow
from server.kpis.models import ActionPlan
from server.kpis.period import Period, RepScope
from server.kpis.sql import clamp, minutes_between, percentiles
from server.quotes.models import QuoteRequest
from server.segmentation.cadence import interval_days, visit_minutes
from server.segmentation.service import active_model
from server.visits.models import Visit

SEGMENTS = ("A", "B", "C")
OPPORTUNITY_OUTCOMES = ("interested", "quote-requested", "order")
MAX_VISIT_MIN = 12 * 60


def kpis(*, session: Session, scope: RepScope, period: Period) -> dict[str, Any]:
    definition = active_model(session).definition
    policy = definition["cadence"]
    reps = session.execute(scope.reps()).all()
    accounts, covered = _accounts(session, scope, period, policy)
    visits = _visits(session, scope, period, policy)
    if period.upper < utcnow():  # as of a past day: from the visits; up to today, last_visit_at says it
        covered = _coverage(session, scope, period, policy)
    quotes = _quotes(session, scope, period)
    plans = _plans(session, scope, period)
    planned, basis = _planned(session, reps, accounts, plans, policy, period)

    total = lambda table, field: {s: sum(row[field] for (_, seg), row in table.items() if seg == s) for s in SEGMENTS}  # noqa: E731
    done, minutes = total(visits, "done"), total(visits, "minutes")
    owned = {s: sum(n for (_, seg), n in accounts.items() if seg == s) for s in SEGMENTS}
    reached = {s: sum(n for (_, seg), n in covered.items() if seg == s) for s in SEGMENTS}
    all_minutes = sum(minutes.values())
    q = _sum_quotes(quotes.values())
    won_count = sum(row["won_with_amount"] for row in quotes.values())
    p = percentiles(session, _hours(session, QuoteRequest.created_at, QuoteRequest.quoted_at, scope, period), (0.5, 0.9))
    route = percentiles(session, _hours(session, QuoteRequest.created_at, QuoteRequest.routed_at, scope, period), (0.5,))
    return {
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "visits": {s: {"done": done[s], "planned": round(sum(v for (_, seg), v in planned.items() if seg == s))}
                   for s in SEGMENTS},
        "coverage": {s: _ratio(reached[s], owned[s]) or 0.0 for s in SEGMENTS},
        "time_share": {s: (round(minutes[s] / all_minutes, 4) if all_minutes else 0.0) for s in SEGMENTS},
        "time_share_target": {s: float(definition["time_split"].get(s, 0)) for s in SEGMENTS},
        "quotes": {"requested": q["requested"], "quoted": q["quoted"], "won": q["won"], "lost": q["lost"],
                   "conversion_rate": _ratio(q["won"], q["won"] + q["lost"]),
                   "turnaround_hours_p50": _round(p[0.5]), "turnaround_hours_p90": _round(p[0.9]),
                   "route_hours_p50": _round(route[0.5], 3),
                   "average_amount": round(q["revenue"] / won_count, 2) if won_count else None},
        "revenue": {s: round(sum(r["revenue"] for (_, seg), r in quotes.items() if seg == s), 2) for s in SEGMENTS},
        "calls": total(visits, "calls"),
        "opportunities": total(visits, "opportunities"),
        "accounts": owned,
        "action_plan": _attainment(plans, visits, quotes, period),
        "by_rep": _by_rep(reps, visits, planned, accounts, covered, quotes, basis),
        "planned_basis": {key: sum(b[key] for b in basis.values())
                          for key in ("plan_days", "cadence_days", "working_days")},
    }


def actuals(*, session: Session, scope: RepScope, period: Period) -> dict[str, dict[str, float]]:
    """Per segment, the visits, calls and revenue of the reps in scope over the period."""
    policy = active_model(session).definition["cadence"]
    visits, quotes = _visits(session, scope, period, policy), _quotes(session, scope, period)
    return {s: {"visits": sum(r["done"] for (_, seg), r in visits.items() if seg == s),
                "calls": sum(r["calls"] for (_, seg), r in visits.items() if seg == s),
                "revenue": round(sum(r["revenue"] for (_, seg), r in quotes.items() if seg == s), 2)}
            for s in SEGMENTS}


def _accounts(session: Session, scope: RepScope, period: Period, policy: dict):
    """Accounts per (owner, segment), and those whose last on-site visit (`last_visit_at`, kept
    by every visit logged) falls within the segment's cadence interval before the period's end."""
    window = _window(Account.last_visit_at, period, policy)
    covered = func.sum(case((and_(window, Account.last_visit_at < period.upper), 1), else_=0))
    rows = session.execute(select(Account.owner_id, Account.segment, func.count(), covered)
                           .where(scope.where(Account.owner_id)).group_by(Account.owner_id, Account.segment))
    counts, reached = {}, {}
    for owner, seg, n, hit in rows:
        counts[(owner, seg)], reached[(owner, seg)] = n, int(hit or 0)
    return counts, reached


def _window(column, period: Period, policy: dict):
    """`column` within the cadence interval of the account's segment before the end of the period."""
    since = {s: period.upper - timedelta(days=interval_days(policy, s)) for s in SEGMENTS}
    at = lambda value: literal(value, UTCDateTime())  # noqa: E731
    return column >= case(*[(Account.segment == s, at(since[s])) for s in SEGMENTS[:-1]], else_=at(since["C"]))


def _visits(session: Session, scope: RepScope, period: Period, policy: dict) -> dict[tuple[str, str], dict]:
    default_minutes = case(*[(Account.segment == s, visit_minutes(policy, s)) for s in SEGMENTS],
                           else_=visit_minutes(policy, "C"))
    raw = minutes_between(session, Visit.started_at, Visit.ended_at)
    minutes = case((Visit.ended_at.is_(None), default_minutes), else_=clamp(session, raw, 0, MAX_VISIT_MIN))
    flag = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    stmt = (select(Visit.rep_id, Account.segment, flag(Visit.kind == "onsite"), flag(Visit.kind == "phone"),
                   func.sum(cast(minutes, Float)), flag(Visit.outcome.in_(OPPORTUNITY_OUTCOMES)))
            .join(Account, Account.id == Visit.account_id)
            .where(Visit.started_at >= period.lower, Visit.started_at < period.upper, scope.where(Visit.rep_id))
            .group_by(Visit.rep_id, Account.segment))
    return {(rep, seg): {"done": int(done or 0), "calls": int(calls or 0), "minutes": float(mins or 0),
                         "opportunities": int(opps or 0)}
            for rep, seg, done, calls, mins, opps in session.execute(stmt)}


def _coverage(session: Session, scope: RepScope, period: Period, policy: dict) -> dict[tuple[str, str], int]:
    """Accounts per (owner, segment) visited on site within their cadence interval before the end of `to`."""
    end = period.upper
    earliest = end - timedelta(days=max(interval_days(policy, s) for s in SEGMENTS))
    stmt = (select(Account.owner_id, Account.segment, func.count(func.distinct(Visit.account_id)))
            .join(Account, Account.id == Visit.account_id)
            .where(Visit.kind == "onsite", Visit.started_at < end, Visit.started_at >= earliest,
                   _window(Visit.started_at, period, policy), scope.where(Account.owner_id))
            .group_by(Account.owner_id, Account.segment))
    return {(owner, seg): n for owner, seg, n in session.execute(stmt)}


def _quotes(session: Session, scope: RepScope, period: Period) -> dict[tuple[str, str], dict]:
    lo, hi = period.lower, period.upper
    within = lambda column: and_(column >= lo, column < hi)  # noqa: E731
    won = and_(QuoteRequest.status == "won", within(QuoteRequest.closed_at))
    lost = and_(QuoteRequest.status == "lost", within(QuoteRequest.closed_at))
    flag = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    stmt = (select(QuoteRequest.rep_id, Account.segment, flag(within(QuoteRequest.created_at)),
                   flag(within(QuoteRequest.quoted_at)), flag(won), flag(lost),
                   func.sum(case((won, QuoteRequest.amount), else_=0.0)),
                   flag(and_(won, QuoteRequest.amount.is_not(None))))
            .join(Account, Account.id == QuoteRequest.account_id)
            .where(within(QuoteRequest.created_at) | within(QuoteRequest.quoted_at) | within(QuoteRequest.closed_at),
                   scope.where(QuoteRequest.rep_id))
            .group_by(QuoteRequest.rep_id, Account.segment))
    keys = ("requested", "quoted", "won", "lost", "revenue", "won_with_amount")
    return {(rep, seg): {k: (float(v or 0) if k == "revenue" else int(v or 0)) for k, v in zip(keys, values)}
            for rep, seg, *values in session.execute(stmt)}


def _hours(session: Session, start, end, scope: RepScope, period: Period):
    hours = minutes_between(session, start, end) / 60.0
    return (select(case((hours < 0, 0.0), else_=hours).label("x"))
            .where(end >= period.lower, end < period.upper, scope.where(QuoteRequest.rep_id)))


def _plans(session: Session, scope: RepScope, period: Period) -> list[ActionPlan]:
    return list(session.scalars(select(ActionPlan).where(
        scope.where(ActionPlan.rep_id), ActionPlan.period_start <= period.end, ActionPlan.period_end >= period.start)))


def plan_share(plan: ActionPlan, period: Period) -> float:
    """The share of the plan's days that fall inside the period."""
    first, last = max(plan.period_start, period.start), min(plan.period_end, period.end)
    days = (plan.period_end - plan.period_start).days + 1
    return max(0, (last - first).days + 1) / days


def _target(plan: ActionPlan, segment: str, key: str) -> float:
    return float(((plan.targets or {}).get(segment) or {}).get(key) or 0)


def _planned(session: Session, reps, accounts, plans, policy, period: Period
             ) -> tuple[dict[tuple[str, str], float], dict[str, dict[str, int]]]:
    """Per (rep, segment), the visits the period asks for, and per rep how many of the
    period's days each source decided (`{"plan_days", "cadence_days", "working_days"}`).

    Day by day: a day covered by one of the rep's action plans counts through that plan
    (its target × the share of its days inside the period, as before); a day no plan
    covers counts through the cadence, on working days only: accounts × visits_per_year ×
    (the rep's working days among the uncovered days) ÷ (its working days in a year,
    weekly hours and public holidays, absences aside). An absence therefore lowers what
    is planned; a weekend or a holiday does not dilute the cadence."""
    by_rep = defaultdict(list)
    for plan in plans:
        by_rep[plan.rep_id].append(plan)
    calendars = calendars_of(session, [rep_id for rep_id, _ in reps])
    out, basis = {}, {}
    for rep_id, _name in reps:
        calendar = calendars.get(rep_id) or WorkCalendar(hours={})
        rep_plans = by_rep.get(rep_id, [])
        gaps = _uncovered(period, [(p.period_start, p.period_end) for p in rep_plans])
        uncovered = sum((last - first).days + 1 for first, last in gaps)
        worked = sum(calendar.count_working(first, last) for first, last in gaps)
        per_year = working_days_per_year(calendar, period.start)
        basis[rep_id] = {"plan_days": period.days - uncovered, "cadence_days": uncovered,
                         "working_days": worked}
        for s in SEGMENTS:
            from_plans = sum(_target(p, s, "visits") * plan_share(p, period) for p in rep_plans)
            visits_per_year = (policy.get(s) or {}).get("visits_per_year") or 0
            from_cadence = accounts.get((rep_id, s), 0) * visits_per_year * worked / per_year if per_year else 0.0
            out[(rep_id, s)] = from_plans + from_cadence
    return out, basis


def _uncovered(period: Period, spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The runs of the period's days (first, last, both included) that no span covers."""
    gaps, day = [], period.start
    for first, last in sorted(spans):
        if first > day:
            gaps.append((day, min(first - timedelta(days=1), period.end)))
        day = max(day, last + timedelta(days=1))
        if day > period.end:
            break
    if day <= period.end:
        gaps.append((day, period.end))
    return [(a, b) for a, b in gaps if a <= b]


def _attainment(plans, visits, quotes, period: Period) -> dict[str, Any] | None:
    if not plans:
        return None
    planned_reps = {p.rep_id for p in plans}
    targets, actual, ratios = {}, {}, []
    for s in SEGMENTS:
        targets[s] = {k: round(sum(_target(p, s, k) * plan_share(p, period) for p in plans), 2)
                      for k in ("visits", "calls", "revenue")}
        actual[s] = {"visits": sum(r["done"] for (rep, seg), r in visits.items() if seg == s and rep in planned_reps),
                     "calls": sum(r["calls"] for (rep, seg), r in visits.items() if seg == s and rep in planned_reps),
                     "revenue": round(sum(r["revenue"] for (rep, seg), r in quotes.items()
                                          if seg == s and rep in planned_reps), 2)}
        ratios += [min(actual[s][k] / targets[s][k], 1.0) for k in targets[s] if targets[s][k] > 0]
    return {"plans": len(plans), "targets": targets, "actual": actual,
            "attainment": round(sum(ratios) / len(ratios), 4) if ratios else None}


def _by_rep(reps, visits, planned, accounts, covered, quotes, basis) -> list[dict[str, Any]]:
    out = []
    for rep_id, name in reps:
        pick = lambda table, field: sum(r[field] for (rep, _), r in table.items() if rep == rep_id)  # noqa: E731
        owned = sum(accounts.get((rep_id, s), 0) for s in SEGMENTS)
        reached = sum(covered.get((rep_id, s), 0) for s in SEGMENTS)
        won, lost = pick(quotes, "won"), pick(quotes, "lost")
        out.append({"rep_id": rep_id, "name": name, "done": pick(visits, "done"),
                    "planned": round(sum(planned.get((rep_id, s), 0) for s in SEGMENTS)),
                    "calls": pick(visits, "calls"), "accounts": owned, "coverage": _ratio(reached, owned) or 0.0,
                    "coverage_A": _ratio(covered.get((rep_id, "A"), 0), accounts.get((rep_id, "A"), 0)),
                    "won": won, "lost": lost, "conversion_rate": _ratio(won, won + lost),
                    "revenue": round(pick(quotes, "revenue"), 2), "planned_basis": basis.get(rep_id)})
    return out


def _sum_quotes(rows) -> dict[str, float]:
    out = defaultdict(float)
    for row in rows:
        for key, value in row.items():
            out[key] += value
    return {k: (out[k] if k == "revenue" else int(out[k])) for k in ("requested", "quoted", "won", "lost", "revenue")}


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)

"""The forecast for a period: won, weighted, commit and best case, by month, rep, segment or product line.

Definitions (API.md → Forecast):
- `won`: amounts of the deals won in the period (closed at or before now);
- `weighted`: Σ amount × win probability of the deals open now whose expected close
  date falls in the period. An open deal whose expected close date has passed is
  expected today (it has not closed, so it can only close from now on);
- `commit`: `won` + the amounts of open deals in the `commit` category;
- `best_case`: `commit` + the amounts of open deals in the `best_case` category
  (the cumulative roll-ups of Salesforce's forecast categories).
The amount of an open deal is its quoted amount once quoted, else the rep's estimate,
else the mean won amount of its product line (server/forecast/knowledge.py); its
expected close date is the one set on the opportunity, else today plus the median
time that won deals of its age still took; its probability is the model's, updated
on its still being open at its age (`Known.still_open`).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache

from server.agenda.workdays import WorkCalendar
from server.forecast.deals import Deal
from server.forecast.knowledge import Known
from server.kpis.period import Period

FIGURES = ("won", "weighted", "best_case", "commit")


def expected_close(deal: Deal, known: Known, as_of: datetime, zone) -> date:
    """When an open deal is expected to close, seen from `as_of` (never before that day): the
    date set on the opportunity, else `as_of` plus the median time the history's wins of
    that age still took (server/forecast/knowledge.py). A date the app works out (an estimate,
    or today for a date set and passed) is a worked day of the default week (`_worked_from`);
    a date a person set and still ahead stays as set."""
    today = as_of.astimezone(zone).date()
    if deal.expected_close is not None and deal.expected_close >= today:
        return deal.expected_close
    if deal.expected_close is not None:
        return _worked_from(today)
    if not known.won_delays:
        return _worked_from(max(deal.opened_at.astimezone(zone).date() + timedelta(days=known.delay_days), today))
    return _worked_from((as_of + timedelta(days=known.remaining_days(_age(deal, as_of)))).astimezone(zone).date())


@lru_cache(maxsize=4096)
def _worked_from(day: date) -> date:
    """`day`, or the first day after it worked in the default week (Monday to Friday, France's
    public holidays; server/agenda/workdays.py): a deal was listed to close on a Saturday, a
    Sunday or Christmas Day (a user trial). Cached: a company's forecast asks the same few
    hundred days again and again."""
    return WorkCalendar(hours={}).working_day_on_or_after(day) or day


def _age(deal: Deal, as_of: datetime) -> float:
    return max(0.0, (as_of - deal.opened_at).total_seconds() / 86400)


def amount(deal: Deal, known: Known, as_of: datetime) -> float:
    known_amount = deal.known_amount(as_of)
    return known_amount if known_amount is not None else known.amount(deal.product_line)


def probability(deal: Deal, known: Known, as_of: datetime) -> float:
    """The model's probability for the deal's stage, maturity, segment and product line, updated
    on its age when the model is calibrated (the stage fallback stays the configured figure)."""
    p = known.model.probability(deal.stage(as_of), deal.maturity, deal.segment, deal.product_line)
    if known.model.kind != "calibrated":
        return p
    return known.still_open(p, _age(deal, as_of))


def open_in(deals: list[Deal], known: Known, as_of: datetime, period: Period):
    """(deal, expected close, amount, probability) of the deals open at `as_of` expected in the period."""
    for deal in deals:
        if not deal.is_open(as_of):
            continue
        day = expected_close(deal, known, as_of, period.zone)
        if period.start <= day <= period.end:
            yield deal, day, amount(deal, known, as_of), probability(deal, known, as_of)


def won_in(deals: list[Deal], now: datetime, period: Period):
    """(deal, close day) of the deals won in the period, by `now`."""
    for deal in deals:
        if deal.won_by(now) and period.lower <= deal.closed_at < period.upper:
            yield deal, deal.closed_at.astimezone(period.zone).date()


def forecast(*, deals: list[Deal], known: Known, now: datetime, period: Period, group_by: str) -> dict:
    """The contract's figures: totals, groups (which add up to them) and the model used."""
    groups: dict[str, dict[str, float]] = defaultdict(_empty)
    if group_by == "month":
        for month in months(period.start, period.end):
            groups[month]
    for deal, day in won_in(deals, now, period):
        group = groups[_key(deal, day, group_by)]
        group["won"] += deal.won_amount
        group["commit"] += deal.won_amount
        group["best_case"] += deal.won_amount
    for deal, day, value, p in open_in(deals, known, now, period):
        group = groups[_key(deal, day, group_by)]
        group["weighted"] += value * p
        group["open_count"] += 1
        if deal.category == "commit":
            group["commit"] += value
        if deal.category in ("commit", "best_case"):
            group["best_case"] += value
    rows = [{"key": key, **{name: round(g[name], 2) for name in FIGURES}, "open_count": int(g["open_count"])}
            for key, g in sorted(groups.items())]
    totals = {name: round(sum(row[name] for row in rows), 2) for name in FIGURES}
    return {"from": period.start.isoformat(), "to": period.end.isoformat(), **totals, "groups": rows,
            "model": known.model.describe()}


def _empty() -> dict[str, float]:
    return {"won": 0.0, "weighted": 0.0, "best_case": 0.0, "commit": 0.0, "open_count": 0}


def _key(deal: Deal, day: date, group_by: str) -> str:
    if group_by == "month":
        return day.strftime("%Y-%m")
    if group_by == "rep":
        return deal.rep_id
    if group_by == "segment":
        return deal.segment
    return deal.product_line


def months(start: date, end: date) -> list[str]:
    """YYYY-MM of every month that [start, end] touches."""
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def pipeline(*, deals: list[Deal], known: Known, now: datetime, period: Period) -> list[dict]:
    """The open deals behind the forecast (drill-down): each with its stage, category,
    expected close, amount and probability; largest expected value first.
    `amount_estimated`: the deal has neither a quoted amount nor the rep's estimate, so its
    amount is the mean won amount of its product line (`amount`, above): a guess to show as one."""
    rows = [{"id": deal.id, "rep_id": deal.rep_id, "account_id": deal.account_id, "segment": deal.segment,
             "product_line": deal.product_line, "maturity": deal.maturity, "stage": deal.stage(now),
             "category": deal.category, "expected_close": day.isoformat(), "amount": round(value, 2),
             "probability": round(p, 4), "weighted": round(value * p, 2),
             "quote": deal.quote_at is not None, "amount_estimated": deal.known_amount(now) is None}
            for deal, day, value, p in open_in(deals, known, now, period)]
    return sorted(rows, key=lambda r: (-r["weighted"], r["id"]))

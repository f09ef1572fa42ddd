"""The backtest: for each past month, the forecast made on its first day from what was
known then, beside what was actually won and two naive baselines.

For the month starting at `as_of` (00:00 on the 1st, in the caller's zone) the
forecast is rebuilt from the deals as they stood at `as_of` and nothing later:
deals opened after it are unseen, a close after it has not happened, an amount
quoted after it is not known, the model and the typical delay and amounts are
learned from deals closed before it (server/forecast/knowledge.py). It is

    Σ amount × probability of the deals open at `as_of` expected in the month
    + the new business: the mean revenue, over the 6 months before, of deals
      opened and won within the same month (those a month-start forecast cannot see).

Baselines: `stage` — the weighted pipeline of usual CRMs (the same open deals ×
the configured stage probabilities); `last_period` — what was won the month before.
MAPE = mean of |forecast − actual| / actual over the months with an actual, in
percent (Hyndman & Koehler 2006); bias = mean of (forecast − actual) / actual, percent.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from server.forecast import service
from server.forecast.deals import Deal
from server.forecast.knowledge import knowledge
from server.kpis.period import Period

NEW_BUSINESS_MONTHS = 6


def _first(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def won_between(deals: list[Deal], lower: datetime, upper: datetime) -> float:
    return sum(d.won_amount for d in deals if d.outcome == "won" and lower <= d.closed_at < upper)


def new_business(deals: list[Deal], first: date, zone) -> float:
    """Mean monthly revenue from deals opened and won in the same month, over the months before `first`."""
    totals, month = [], first
    for _ in range(NEW_BUSINESS_MONTHS):
        month = _previous_month(month)
        lower, upper = _instant(month, zone), _instant(_next_month(month), zone)
        totals.append(sum(d.won_amount for d in deals if d.outcome == "won" and lower <= d.opened_at < upper
                          and lower <= d.closed_at < upper))
    return sum(totals) / len(totals)


def _instant(day: date, zone) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def month_forecast(deals: list[Deal], history: list[Deal], first: date, zone, *,
                   stage_probabilities: dict[str, float], min_history: int) -> dict[str, float]:
    """The forecast made at 00:00 on `first` for its month of `deals`, and the stage baseline, from what
    was known then (the model learns from the company's `history`)."""
    as_of = _instant(first, zone)
    known = knowledge(history, as_of, stage_probabilities=stage_probabilities, min_history=min_history)
    period = Period(first, _next_month(first) - timedelta(days=1), zone)
    weighted = stage = 0.0
    for deal, _day, value, p in service.open_in(deals, known, as_of, period):
        weighted += value * p
        stage += value * stage_probabilities.get(deal.stage(as_of), 0.0)
    return {"forecast": weighted + new_business(deals, first, zone), "stage": stage, "kind": known.model.kind}


def backtest(*, deals: list[Deal], history: list[Deal], months: int, now: datetime, zone, stage_probabilities: dict[str, float],
             min_history: int) -> dict:
    """The last `months` complete months before the current one, oldest first (API.md → Forecast):
    the forecast of `deals` (the caller's scope), the model learned from the company's `history`."""
    first = _first(now.astimezone(zone).date())
    starts = []
    for _ in range(months):
        first = _previous_month(first)
        starts.append(first)
    rows, errors = [], {"forecast": [], "stage": [], "last_period": []}
    for start in reversed(starts):
        made = month_forecast(deals, history, start, zone, stage_probabilities=stage_probabilities, min_history=min_history)
        actual = won_between(deals, _instant(start, zone), _instant(_next_month(start), zone))
        last = won_between(deals, _instant(_previous_month(start), zone), _instant(start, zone))
        rows.append({"month": start.strftime("%Y-%m"), "forecast": round(made["forecast"], 2),
                     "actual": round(actual, 2), "stage": round(made["stage"], 2), "last_period": round(last, 2)})
        if actual > 0:
            for name, value in (("forecast", made["forecast"]), ("stage", made["stage"]), ("last_period", last)):
                errors[name].append((value - actual) / actual)
    return {"months": rows, "mape": _mape(errors["forecast"]),
            "baseline_mape": {"stage": _mape(errors["stage"]), "last_period": _mape(errors["last_period"])},
            "bias": round(100 * sum(errors["forecast"]) / len(errors["forecast"]), 2) if errors["forecast"] else 0.0}


def _mape(relative: list[float]) -> float:
    return round(100 * sum(abs(e) for e in relative) / len(relative), 2) if relative else 0.0

"""What the company's closed history said at an instant: the win model, the typical
delay to close and the typical amount per product line.

Everything here reads only deals closed by `as_of`, so the backtest can rebuild what
was known on the first day of a past month. The live forecast asks for "now" and
keeps the answer until the history changes (`cached`).
"""
from __future__ import annotations

import bisect
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from server.forecast import deals as deal_store
from server.forecast.deals import Deal
from server.forecast.models import Opportunity
from server.forecast.probability import Model, train
from server.quotes.models import QuoteRequest

DEFAULT_DELAY_DAYS = 45  # until the company has won a deal


@dataclass(frozen=True)
class Known:
    model: Model
    delay_days: int  # median days from opening to winning
    amounts: dict[str, float]  # mean won amount per product line; "" for all lines
    won_delays: tuple[float, ...] = ()  # days from opening to the win, sorted
    lost_delays: tuple[float, ...] = ()  # days from opening to the loss, sorted

    def amount(self, product_line: str) -> float:
        """The amount to assume for a deal without estimate nor quote yet."""
        return self.amounts.get(product_line, self.amounts.get("", 0.0))

    def still_open(self, p: float, age_days: float) -> float:
        """The win probability `p` of a deal, updated on its still being open at `age_days`
        (Bayes' rule with the survival of won and of lost deals in the history):

            p · S_won(age) / (p · S_won(age) + (1 − p) · S_lost(age))

        where S(age) is the share of closed deals still open at that age, counted
        (k + ½)/(n + 1) so that an age beyond every closed deal does not divide by zero.
        A deal older than most wins but not most losses is now less likely to be won."""
        won, lost = _survival(self.won_delays, age_days), _survival(self.lost_delays, age_days)
        if won is None or lost is None:
            return p
        return p * won / (p * won + (1 - p) * lost) if p > 0 else 0.0

    def remaining_days(self, age_days: float) -> float:
        """Median time left before a win for a deal open at `age_days`: the median of the
        wins that took longer, minus its age (the history's median delay when none did)."""
        delays = self.won_delays
        start = bisect.bisect_right(delays, age_days)
        count = len(delays) - start
        if not count:
            return 0.0
        # The median of a sorted suffix, read in place (no copy: this runs for every open deal).
        return (delays[start + (count - 1) // 2] + delays[start + count // 2]) / 2 - age_days


def _survival(delays: tuple[float, ...], age_days: float) -> float | None:
    if not delays:
        return None
    beyond = len(delays) - bisect.bisect_right(delays, age_days)
    return (beyond + 0.5) / (len(delays) + 1)


def knowledge(history: list[Deal], as_of: datetime, *, stage_probabilities: dict[str, float],
              min_history: int) -> Known:
    """What the deals closed by `as_of` teach (nothing after it is read)."""
    closed = [d for d in history if d.closed_by(as_of)]
    won = [d for d in closed if d.outcome == "won"]
    delays = [(d.closed_at - d.opened_at).total_seconds() / 86400 for d in won]
    delay = round(statistics.median(delays)) if delays else DEFAULT_DELAY_DAYS
    by_line: dict[str, list[float]] = {}
    for deal in won:
        by_line.setdefault(deal.product_line, []).append(deal.won_amount)
        by_line.setdefault("", []).append(deal.won_amount)
    amounts = {line: statistics.fmean(values) for line, values in by_line.items()}
    model = train(closed, stage_probabilities=stage_probabilities, min_history=min_history)
    lost = sorted((d.closed_at - d.opened_at).total_seconds() / 86400 for d in closed if d.outcome == "lost")
    return Known(model=model, delay_days=max(1, delay), amounts=amounts, won_delays=tuple(sorted(delays)),
                 lost_delays=tuple(lost))


_cache: dict[str, tuple[tuple, float, Known]] = {}
_lock = threading.Lock()
RECHECK_S = 60  # the model may lag the history by this much: probabilities move slowly


def cached(session: Session, now: datetime, config) -> Known:
    """The company-wide knowledge at `now`. Trained again when a quote request or an
    opportunity changed (their last update times and counts are the fingerprint) or a
    day passed; the fingerprint itself is read at most once every RECHECK_S seconds."""
    if not config.get("FORECAST_CACHE", True):
        return _train_now(session, now, config)
    key = f"{session.get_bind().url}"
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0][-1] == now.date() and time.monotonic() - hit[1] < RECHECK_S:
        return hit[2]
    # updated_at moves on every change, the back office's workflow steps included.
    fingerprint = (
        *session.execute(select(func.max(QuoteRequest.updated_at), func.count(QuoteRequest.id))).one(),
        *session.execute(select(func.max(Opportunity.updated_at), func.count(Opportunity.id))).one(),
        repr(config["FORECAST_STAGE_PROBABILITIES"]), config["FORECAST_MIN_HISTORY"], now.date(),
    )
    if hit is not None and hit[0] == fingerprint:
        known = hit[2]
    else:
        known = _train_now(session, now, config)
    with _lock:
        _cache[key] = (fingerprint, time.monotonic(), known)
    return known


def _train_now(session: Session, now: datetime, config) -> Known:
    return knowledge(deal_store.load(session, lambda _column: true()), now,
                     stage_probabilities=config["FORECAST_STAGE_PROBABILITIES"],
                     min_history=config["FORECAST_MIN_HISTORY"])

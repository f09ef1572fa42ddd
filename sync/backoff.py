"""When the dispatcher tries a failed delivery again, and when it gives up.

``attempt`` counts the attempts already made (1 after the first failure). The
upper bound grows as ``30 s × 2^(attempt-1)``, capped at one hour, and the delay is
drawn uniformly between half the bound and the bound ("equal jitter": retries of
many quotes failing together spread out, yet never come back too soon):

    attempt  delay before the next try
    1        15 s  –  30 s     (first retry within 30 s, as API.md promises)
    2        30 s  –   1 min
    3         1 min –  2 min
    4         2 min –  4 min
    5         4 min –  8 min
    6         8 min – 16 min
    7        16 min – 32 min
    8+       30 min –  1 h

A ``Retry-After`` from the receiver is a floor: the delay is at least that, capped
at one hour, so a receiver asking for a day does not use up the whole retry window
in one wait. The first seven retries take at most ~64 min, after which one attempt
every 30–60 min goes on until :func:`should_give_up` says 24 h have passed since
the first attempt (some 30–55 attempts in all); the quote then becomes
``undeliverable`` and the back office can retry it by hand.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

__all__ = ["BASE_DELAY_S", "GIVE_UP_AFTER", "MAX_DELAY_S", "delay_bounds", "next_delay", "should_give_up"]

BASE_DELAY_S = 30.0
MAX_DELAY_S = 3600.0
GIVE_UP_AFTER = timedelta(hours=24)

_system_random = random.SystemRandom()


def delay_bounds(attempt: int) -> tuple[float, float]:
    """The (low, high) range of the jittered delay after ``attempt`` attempts."""
    if attempt < 1:
        raise ValueError("attempt counts the attempts already made and starts at 1")
    # min() on the exponent keeps 2**n from growing without bound for huge attempts.
    high = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** min(attempt - 1, 32))
    return high / 2, high


def next_delay(
    attempt: int,
    *,
    rng: random.Random | None = None,
    retry_after_s: float | None = None,
) -> float:
    """Seconds to wait before the next attempt, ``attempt`` attempts having failed."""
    low, high = delay_bounds(attempt)
    delay = (rng or _system_random).uniform(low, high)
    if retry_after_s is not None and math.isfinite(retry_after_s) and retry_after_s > 0:
        delay = max(delay, min(retry_after_s, MAX_DELAY_S))
    return delay


def should_give_up(
    first_attempt_at: datetime,
    now: datetime,
    *,
    give_up_after: timedelta = GIVE_UP_AFTER,
) -> bool:
    """True once ``give_up_after`` (24 h) has passed since the first attempt.

    Called after a failed attempt: deliveries are tried for at least that long.
    """
    return now - first_attempt_at >= give_up_after

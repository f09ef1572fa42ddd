"""Per-account exponential back-off, instead of a hard lock an attacker could hold for others.

After `free` failures of a key (an e-mail at sign-in, a user changing its
password), each failure makes the next attempt wait `base_s · 2^(n − free)` seconds
(n failures so far), at most `max_s`; a success clears the count.
An attempt during the wait answers `429` with `Retry-After` and is not even
checked, so guessing is slow while the account's owner waits seconds, not hours.

Counts and holds live in the rate limiter's storage (the database or Redis,
server/ratelimits/storage.py), so every worker and host sees the same ones; they
are plain counters with an expiry, which every `limits` storage offers.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app

from server.errors import Problem


class TooManyAttempts(Problem):
    status, kind, title = 429, "rate_limited", "Too many requests"


@dataclass(frozen=True)
class Policy:
    free: int = 5  # failures before the first wait
    base_s: float = 1.0
    max_s: float = 60.0
    window_s: int = 3600  # failures older than this are forgotten

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.max_s, self.base_s * 2 ** min(failures - self.free, 30))


def _storage():
    from server.extensions import limiter
    return limiter.storage


def _keys(scope: str, subject: str) -> tuple[str, str]:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]  # no e-mail in the counters table
    return f"backoff:{scope}:{digest}:failures", f"backoff:{scope}:{digest}:hold"


def policy() -> Policy:
    config = current_app.config
    return Policy(free=config["BACKOFF_FREE_FAILURES"], base_s=config["BACKOFF_BASE_S"],
                  max_s=config["BACKOFF_MAX_S"])


def check(scope: str, subject: str) -> None:
    """Raise `429` while `subject` must wait after its last failures."""
    _, hold = _keys(scope, subject)
    storage = _storage()
    if storage.get(hold) > 0:
        wait = max(1, math.ceil(storage.get_expiry(hold) - time.time()))
        raise TooManyAttempts(f"Too many failed attempts; retry in {wait} s.", headers={"Retry-After": str(wait)})


def failed(scope: str, subject: str, rules: Policy | None = None) -> float:
    """Count a failure; the wait it imposes on the next attempt, in seconds."""
    rules = rules or policy()
    failures_key, hold = _keys(scope, subject)
    storage = _storage()
    failures = storage.incr(failures_key, rules.window_s)
    delay = rules.delay(failures)
    if delay > 0:
        storage.clear(hold)
        storage.incr(hold, max(1, math.ceil(delay)))
    return delay


def succeeded(scope: str, subject: str) -> None:
    for key in _keys(scope, subject):
        _storage().clear(key)

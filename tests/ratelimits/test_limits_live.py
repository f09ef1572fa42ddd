"""Rate limits hold across gunicorn workers: 4 workers, limits in the database (the default).

Before, each worker counted alone in memory: the per-e-mail limit of 10 first answered
429 after 28 failures, the per-address limit of 50 after about 180. Here a failed
sign-in is counted once whichever worker answers it. The server trusts one proxy hop
(TRUSTED_PROXIES=1), so each test speaks from an address of its own.
"""
from __future__ import annotations

from server.db import new_id
from tests.live import PASSWORD, live_fixture

# Back-off: 5 failures, then 30 s, 60 s… (long enough that the next attempt always waits).
live = live_fixture(workers=4, env={"BACKOFF_FREE_FAILURES": "5", "BACKOFF_BASE_S": "30",
                                    "LOGIN_LIMIT_PER_ADDRESS": "20 per 5 minutes", "TRUSTED_PROXIES": "1"})


def attempt(live, email: str, address: str, password: str = "wrong guess") -> int:
    return live.request("POST", "/api/auth/login", {"email": email, "password": password},
                        headers={"X-Forwarded-For": address}).status


def failures_before_429(live, emails, address: str, limit: int = 100) -> int:
    for n in range(limit):
        status = attempt(live, emails(n), address)
        if status == 429:
            return n
        assert status == 401, status
    raise AssertionError(f"no 429 after {limit} failures")


def test_per_email_back_off_holds_across_workers(live):
    assert failures_before_429(live, lambda n: "rep2@example.com", "203.0.113.1") == 5
    # During the wait the right password waits too, from any address; another account is untouched.
    assert attempt(live, "rep2@example.com", "198.51.100.9", PASSWORD) == 429
    assert attempt(live, "rep3@example.com", "203.0.113.1", PASSWORD) == 200


def test_per_address_limit_holds_across_workers_and_keys_on_the_real_client(live):
    """Fresh e-mails each time (no back-off): only the address limit of 20 speaks."""
    prefix = new_id()[:8]
    assert failures_before_429(live, lambda n: f"{prefix}-{n}@example.com", "203.0.113.2") == 20
    # Another client behind the same proxy is not held back by that one.
    assert attempt(live, "rep4@example.com", "203.0.113.3", PASSWORD) == 200

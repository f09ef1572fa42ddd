"""Rate limits and the sync ledger hold across gunicorn workers: 4 workers, limits in the database (the default).

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


def test_the_ledger_answers_each_user_its_own_results_whichever_worker_serves(live):
    """rep1's mutation id replayed by rep2 (on 4 workers) is refused and tells nothing."""
    def sign_in(email, address):
        response = live.request("POST", "/api/auth/login", {"email": email, "password": PASSWORD},
                                headers={"X-Forwarded-For": address})
        assert response.status == 200, response.body[:200]
        return response.json()["access_token"]

    def first_account(token):
        page = live.request("GET", "/api/accounts?per_page=1", token=token).json()
        return page["items"][0]

    rep1, rep2 = sign_in("rep1@example.com", "203.0.113.10"), sign_in("rep5@example.com", "203.0.113.11")
    mine, theirs = first_account(rep1), first_account(rep2)
    mutation_id = new_id()

    def push(token, account, phone):
        body = {"client_id": new_id(), "mutations": [{"mutation_id": mutation_id, "entity": "account", "op": "update",
                                                      "id": account["id"], "changes": {"phone": phone}}]}
        response = live.request("POST", "/api/sync/push", body, token=token)
        assert response.status == 200, response.body[:300]
        return response.json()["results"][0]

    first = push(rep1, mine, "+33 3 80 12 34 56")
    assert first["status"] == "applied"
    for _ in range(4):  # whichever worker answers
        refused = push(rep2, theirs, "+33 3 85 00 00 00")
        assert refused["status"] == "rejected" and refused["error"]["type"].endswith("/id_conflict")
        assert mine["id"] not in str(refused) and "version" not in refused
        assert push(rep1, mine, "+33 1 00 00 00 00") == first

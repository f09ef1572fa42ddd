"""Quote routing: 200 quote requests pushed at once, delivered by webhook to a local receiver.

Run: `.venv/bin/python tests/bench/bench_quotes.py` (about 40 s) on SQLite and on
PostgreSQL (TOURNEE_BENCH_QUOTES_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/tournee_bench, wiped first).

One tablet pushes 200 `quote_request` creates in a single `POST /api/sync/push`
(the test client, the real endpoint); 1 or 2 `tournee dispatch` processes, started
beforehand and polling every second as in production, deliver to an HTTP receiver
on 127.0.0.1 that answers 200 at once. Measured per quote: time to route = `routed_at − created_at` (created_at is the
tablet's time of the mutation, so the push itself counts). Printed: p50, p95 and max
(target p95 < 2 s), and deliveries per second from the first receipt to the last
routing. Every quote is checked to be delivered exactly once.

`main()` prints a Markdown table and returns its rows, for the `make bench` runner.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="tournee-bench-quotes-"))
os.environ.update(SECRET_KEY="bench-" + "x" * 40, TOURNEE_INSTANCE=str(TMP),
                  DATABASE_URL=f"sqlite:///{TMP / 'bench.db'}")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

QUOTES = 200


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(url: str, dispatchers: int) -> dict:
    from sqlalchemy import func, select, text

    from server import create_app
    from server.config import Config
    from server.db import new_id
    from server.extensions import db
    from server.quotes.models import QuoteRequest
    from sync.models import OutboxEvent
    from tests.channels.receivers import HttpReceiver
    from tests.factories import make_account, make_contact, make_tech_team, make_user, token_headers

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    receiver = HttpReceiver()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()
        rep = make_user(db.session, "rep")
        accounts = [make_account(db.session, rep) for _ in range(20)]
        contacts = [make_contact(db.session, account) for account in accounts]
        make_tech_team(db.session, channel="webhook", webhook_url=receiver.url, is_default=True,
                       webhook_secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        db.session.commit()
        headers = token_headers(app, rep)
        env = {**os.environ, "DATABASE_URL": url, "DISPATCH_INTERVAL_S": "1",
               "OUTBOUND_ALLOWED_HOSTS": "127.0.0.1"}  # the receiver listens on loopback
        workers = [subprocess.Popen([sys.executable, "-m", "server.cli", "dispatch", "--id", f"bench-{i}"],
                                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for i in range(dispatchers)]
        time.sleep(4)  # started, idle and polling, as in production
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        mutations = [{"mutation_id": new_id(), "entity": "quote_request", "op": "create", "id": new_id(),
                      "client_time": now, "changes": {
                          "account_id": accounts[i % 20].id, "contact_id": contacts[i % 20].id,
                          "product_line": "maintenance", "urgency": "urgent" if i % 7 == 0 else "normal",
                          "items": [{"label": "Révision moteur", "quantity": 1 + i % 3, "unit": "u"}]}}
                     for i in range(QUOTES)]
        started = time.perf_counter()
        response = app.test_client().post("/api/sync/push", json={"client_id": new_id(), "mutations": mutations},
                                          headers=headers)
        push_s = time.perf_counter() - started
        assert response.status_code == 200, response.get_json()
        deadline = time.monotonic() + 120
        while True:
            db.session.rollback()
            done = db.session.scalar(select(func.count()).where(OutboxEvent.state == "delivered"))
            db.session.rollback()
            if done == QUOTES or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for worker in workers:
            worker.terminate()
            worker.wait(20)
        quotes = db.session.scalars(select(QuoteRequest)).all()
        route_s = [q.route_seconds for q in quotes if q.route_seconds is not None]
        first_receipt = min(q.received_at for q in quotes)
        last_route = max(q.routed_at for q in quotes if q.routed_at)
        received = Counter(r.header("webhook-id") for r in receiver.requests)
        backend = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()
    receiver.close()
    assert len(route_s) == QUOTES, f"only {len(route_s)} of {QUOTES} routed"
    assert len(received) == QUOTES and max(received.values()) == 1, "a quote was delivered twice"
    return {"backend": backend, "dispatchers": dispatchers, "push_s": push_s,
            "p50": _percentile(route_s, 50), "p95": _percentile(route_s, 95), "max": max(route_s),
            "per_s": QUOTES / (last_route - first_receipt).total_seconds()}


def main() -> list[dict]:
    urls = [os.environ["DATABASE_URL"], os.environ.get(
        "TOURNEE_BENCH_QUOTES_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_bench")]
    rows = [run(url, dispatchers) for url in urls for dispatchers in (1, 2)]
    print(f"{QUOTES} quote requests in one push, webhook to a local receiver answering 200\n")
    print("| database | dispatchers | push (s) | time to route p50 (s) | p95 (s) | max (s) | deliveries/s | p95 < 2 s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['dispatchers']} | {r['push_s']:.2f} | {r['p50']:.2f} | {r['p95']:.2f} "
              f"| {r['max']:.2f} | {r['per_s']:.0f} | {'yes' if r['p95'] < 2 else 'NO'} |")
    return rows


if __name__ == "__main__":
    main()

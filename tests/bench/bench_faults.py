"""Faults under load: workers and the dispatcher killed, PostgreSQL restarted, the technical service down.

30 tablets (6 per demo rep) push visits, account edits and quote requests to gunicorn
(4 workers × 4 threads) on PostgreSQL while a dispatcher delivers the quotes by
webhook to a receiver on loopback. During the run this script:

- kills gunicorn workers with SIGKILL (the master starts new ones), several times;
- kills the dispatcher with SIGKILL and starts a new one;
- restarts PostgreSQL (`pg_ctlcluster … restart`: every connection dies);
- takes the webhook receiver down for RECEIVER_DOWN_S (2 minutes by default).

A tablet behaves like the PWA: a batch without an answer (connection dropped, 503,
timeout) is sent again, same mutation ids, until it gets one. At the end the check of
tests/faults/check.py reads the mutation ledger, the stored records, the outbox and the
receiver's log: every acknowledged mutation is stored once, every unacknowledged one
went through on retry, every quote reached the receiver under one webhook-id. The
receiver de-duplicates on webhook-id as Standard Webhooks asks; how many times a quote
was sent again under its id (the dispatcher killed between the receiver's 2xx and its
own record of it) is counted.

This restarts the machine's PostgreSQL, so it runs in `make bench`, not in the tests
(tests/faults holds the deterministic versions of each fault). Database:
TOURNEE_BENCH_FAULTS_DATABASE_URL (default …/tournee_faults), emptied and reloaded.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from uuid import uuid4

import httpx

from tests.bench.bench_load import SERVER_ENV, iso, login, pull_pages, records_of
from tests.channels.receivers import HttpReceiver
from tests.faults.check import Sent, assert_nothing_lost_nothing_doubled, assert_quotes_delivered_once, receiver_log
from tests.live import BIN, ROOT, Live, empty_postgres, start

PG_URL = os.environ.get("TOURNEE_BENCH_FAULTS_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_faults")
TABLETS = 30
LOAD_S = float(os.environ.get("FAULTS_LOAD_S", "100"))  # tablets make new changes this long
RECEIVER_DOWN_S = float(os.environ.get("FAULTS_RECEIVER_DOWN_S", "120"))
PG_RESTART = os.environ.get("FAULTS_PG_RESTART", "1") == "1"  # 0: while other work uses this PostgreSQL
DRAIN_S = 420  # then everything pending must be acknowledged and delivered within this
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    """The technical service: tests/channels/receivers.py's HttpReceiver (answering 200) on
    one port, which can go down (the port then refuses connections, as a stopped service's
    does) and come back. `requests` holds what every incarnation received, in order."""

    def __init__(self) -> None:
        self.current: HttpReceiver | None = HttpReceiver()
        self.url, self.port = self.current.url, self.current.port
        self._before: list = []

    def down(self) -> None:
        self.current.close()
        self._before += self.current.requests
        self.current = None

    def up(self) -> None:
        self.current = HttpReceiver(port=self.port)

    @property
    def requests(self) -> list:
        return self._before + (list(self.current.requests) if self.current else [])


class Faults:
    """What went wrong for the tablets, and when the chaos happened."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.client_failures: Counter[str] = Counter()
        self.retried_batches = 0
        self.events: list[tuple[float, str]] = []
        self.t0 = time.monotonic()
        self.last_ok = 0.0  # monotonic time of the latest acknowledged push

    def failed(self, kind: str) -> None:
        with self.lock:
            self.client_failures[kind] += 1

    def event(self, what: str) -> None:
        with self.lock:
            self.events.append((time.monotonic() - self.t0, what))
        print(f"  t={time.monotonic() - self.t0:5.1f} s  {what}", flush=True)


def mutations_for(rng: random.Random, accounts: list[dict]) -> list[dict]:
    batch = []
    for _ in range(rng.randint(2, 5)):
        account = rng.choice(accounts)
        now = time.time()
        roll = rng.random()
        if roll < 0.55:
            started = now - rng.randint(1800, 18000)
            batch.append({"mutation_id": str(uuid4()), "entity": "visit", "op": "create", "id": str(uuid4()),
                          "client_time": iso_s(now),
                          "changes": {"account_id": account["id"], "started_at": iso_s(started),
                                      "ended_at": iso_s(started + 2400), "kind": "onsite", "outcome": "interested",
                                      "notes": "Visite (pannes)"}})
        elif roll < 0.85:
            batch.append({"mutation_id": str(uuid4()), "entity": "account", "op": "update", "id": account["id"],
                          "base_version": account["version"], "client_time": iso_s(now),
                          "changes": {"phone": f"+33 3 80 {rng.randint(10, 99)} {rng.randint(10, 99)} 00"}})
        else:
            batch.append({"mutation_id": str(uuid4()), "entity": "quote_request", "op": "create", "id": str(uuid4()),
                          "client_time": iso_s(now),
                          "changes": {"account_id": account["id"], "product_line": "maintenance",
                                      "items": [{"label": "Révision", "quantity": 1, "unit": "u"}]}})
    return batch


def iso_s(seconds: float) -> str:
    from datetime import UTC, datetime
    return iso(datetime.fromtimestamp(seconds, UTC))


def push_until_answered(client: httpx.Client, client_id: str, batch: list[dict], sent: Sent, faults: Faults,
                        rng: random.Random, deadline: float) -> None:
    """Send the batch until the server answers it, as the PWA's outbox does."""
    tries = 0
    while True:
        tries += 1
        try:
            response = client.post("/api/sync/push", json={"client_id": client_id, "mutations": batch})
            if response.status_code == 200:
                sent.acknowledge(batch, response.json()["results"])
                with faults.lock:
                    faults.retried_batches += tries > 1
                    faults.last_ok = time.monotonic()
                return
            faults.failed(f"HTTP {response.status_code}")
            if response.status_code < 500 and response.status_code != 429:
                raise RuntimeError(f"push refused: {response.status_code} {response.text[:300]}")
        except httpx.TransportError as error:
            faults.failed(type(error).__name__)
        if time.monotonic() > deadline:
            raise RuntimeError(f"a batch stayed unanswered until the deadline ({tries} tries)")
        time.sleep(min(5.0, 0.3 * 2 ** min(tries, 4)) * rng.uniform(0.5, 1.0))


def tablet(base: str, session: dict, seed: int, sent: Sent, faults: Faults, stop_at: float, deadline: float,
           errors: list[str]) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            pages, cursor, _spent = pull_pages(client)
            records = records_of(pages)
            accounts = [data for (entity, _), data in records.items() if entity == "account"]
            client_id = str(uuid4())
            while time.monotonic() < stop_at:
                time.sleep(rng.uniform(0.3, 1.0))
                if rng.random() < 0.3:
                    try:
                        page = client.get(f"/api/sync/pull?since={cursor}&limit=500")
                        if page.status_code == 200:
                            cursor = page.json()["cursor"]
                        else:
                            faults.failed(f"pull HTTP {page.status_code}")
                    except httpx.TransportError as error:
                        faults.failed(f"pull {type(error).__name__}")
                    continue
                batch = mutations_for(rng, accounts)
                sent.add(batch)
                push_until_answered(client, client_id, batch, sent, faults, rng, deadline)
    except Exception as error:  # noqa: BLE001 — reported and failing the run
        errors.append(f"tablet {seed}: {error}")


def start_dispatcher(env: dict, workdir: Path, name: str) -> subprocess.Popen:
    log = (workdir / f"{name}.log").open("wb")
    return subprocess.Popen([str(BIN / "tournee"), "dispatch", "--id", name], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def _signed(request) -> bool:
    from sync.channels.webhook import WebhookVerificationError, verify
    try:
        verify(SECRET, dict(request.headers), request.body, tolerance_s=10**9)
        return True
    except WebhookVerificationError:
        return False


def restart_postgres() -> float:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    began = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True, timeout=120)
    return time.monotonic() - began


def main() -> None:
    empty_postgres(PG_URL)
    workdir = Path(tempfile.mkdtemp(prefix="tournee-faults-"))
    # Short leases and timeouts so a killed dispatcher's claims come back within the run.
    env = {**SERVER_ENV, "DISPATCH_LEASE_S": "10", "DISPATCH_TIMEOUT_S": "3", "DISPATCH_INTERVAL_S": "0.5"}
    receiver = Receiver()
    server = start(workdir, database_url=PG_URL, env=env, workers=4, threads=4, fault_injection=False)
    dispatchers = [start_dispatcher(server.env, workdir, "bench-1")]
    try:
        _run(server, workdir, receiver, dispatchers)
    finally:
        server.stop()
        for process in dispatchers:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if receiver.current:
            receiver.current.close()


def _run(server: Live, workdir: Path, receiver: Receiver, dispatchers: list[subprocess.Popen]) -> None:
    base, env = server.url, server.env
    admin = login(base, "admin@example.com")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin['access_token']}"}, timeout=30) as c:
        for team in c.get("/api/admin/technical-teams").json():
            answer = c.patch(f"/api/admin/technical-teams/{team['id']}",
                             json={"channel": "webhook", "webhook_url": receiver.url, "webhook_secret": SECRET})
            answer.raise_for_status()
    reps = [login(base, f"rep{n}@example.com") for n in range(1, 6)]
    sent, faults, errors = Sent(), Faults(), []
    stop_at = time.monotonic() + LOAD_S
    deadline = stop_at + DRAIN_S
    threads = [threading.Thread(target=tablet, args=(base, reps[i % 5], i, sent, faults, stop_at, deadline, errors))
               for i in range(TABLETS)]
    print(f"{TABLETS} tablets pushing for {LOAD_S:.0f} s; chaos:", flush=True)
    for thread in threads:
        thread.start()
    recoveries: dict[str, float] = {}

    def recovered_after(label: str, since: float) -> None:
        """Seconds from a fault to the next acknowledged push (polled, 0.1 s resolution)."""
        while time.monotonic() < deadline:
            if faults.last_ok > since:
                recoveries[label] = faults.last_ok - since
                return
            time.sleep(0.1)

    def at(t: float) -> None:
        time.sleep(max(0.0, faults.t0 + t - time.monotonic()))

    at(12)
    victim = random.choice(sorted(server.alive_workers()))
    os.kill(victim, signal.SIGKILL)
    faults.event(f"kill -9 gunicorn worker {victim}")
    at(22)
    for victim in sorted(server.alive_workers())[:2]:
        os.kill(victim, signal.SIGKILL)
    faults.event("kill -9 two gunicorn workers at once")
    at(30)
    receiver.down()
    receiver_down_at = time.monotonic()
    faults.event(f"webhook receiver down (port {receiver.port} refuses connections) for {RECEIVER_DOWN_S:.0f} s")
    at(36)
    os.kill(dispatchers[0].pid, signal.SIGKILL)
    faults.event("kill -9 the dispatcher")
    at(40)
    dispatchers.append(start_dispatcher(env, workdir, "bench-2"))
    faults.event("a new dispatcher started")
    at(50)
    if PG_RESTART:
        began = time.monotonic()
        took = restart_postgres()
        faults.event(f"PostgreSQL restarted (pg_ctlcluster restart took {took:.1f} s)")
        recovered_after("PostgreSQL restart", began)
    at(70)
    victim = random.choice(sorted(server.alive_workers()))
    os.kill(victim, signal.SIGKILL)
    began = time.monotonic()
    faults.event(f"kill -9 gunicorn worker {victim}")
    recovered_after("last worker kill", began)
    at(80)
    os.kill(dispatchers[-1].pid, signal.SIGKILL)
    faults.event("kill -9 the dispatcher again")
    dispatchers.append(start_dispatcher(env, workdir, "bench-3"))
    faults.event("a new dispatcher started")
    time.sleep(max(0.0, receiver_down_at + RECEIVER_DOWN_S - time.monotonic()))
    receiver.up()
    receiver_up_at = time.monotonic()
    faults.event("webhook receiver up again")
    for thread in threads:
        thread.join()
    faults.event("every tablet stopped; every batch answered" if not errors else "tablets stopped with errors")

    from sqlalchemy import create_engine, text
    engine = create_engine(PG_URL)
    quote_ids = {m["id"] for m in sent.mutations.values() if m["entity"] == "quote_request"}

    def pending() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM outbox_event WHERE state = 'pending'")).scalar_one()

    while pending() and time.monotonic() < deadline:
        time.sleep(0.5)
    drained_after = time.monotonic() - receiver_up_at
    faults.event(f"outbox empty {drained_after:.0f} s after the receiver came back" if not pending()
                 else f"outbox still holds {pending()} events at the deadline")
    engine.dispose()
    engine = create_engine(PG_URL)
    verdicts = []
    with engine.connect() as conn:
        try:
            assert not errors, errors[:3]
            assert_nothing_lost_nothing_doubled(conn, sent)
            verdicts.append("mutations: every acknowledged one stored once, every other one acknowledged on retry")
        except AssertionError as failure:
            verdicts.append(f"**MUTATIONS FAILED**: {failure}")
        requests = receiver.requests
        try:
            redeliveries = assert_quotes_delivered_once(conn, receiver_log(requests), quote_ids,
                                                        redelivery_allowed=True)
            verdicts.append(f"quotes: each accepted under its one webhook-id; {redeliveries} sent again under "
                            "the same id (de-duplicated by the receiver)")
        except AssertionError as failure:
            redeliveries = None
            verdicts.append(f"**QUOTES FAILED**: {failure}")
        attempts = conn.execute(text("SELECT count(*), count(*) FILTER (WHERE ok) FROM delivery_attempt")).one()
        undeliverable = conn.execute(text("SELECT count(*) FROM outbox_event WHERE state = 'undeliverable'")).scalar()
        ledger_rows = conn.execute(text("SELECT count(*) FROM sync_mutation")).scalar_one()
    bad_signatures = sum(1 for r in requests if not _signed(r))
    repeated = len(requests) - len({r.header("webhook-id") for r in requests})

    print("\n| what | figure |\n|---|---|")
    print(f"| mutations sent / acknowledged / in the ledger | {len(sent.mutations)} / {len(sent.acknowledged)} "
          f"/ {ledger_rows} |")
    statuses = Counter(r["status"] for r in sent.acknowledged.values())
    print(f"| results | {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))} |")
    print(f"| batches that needed a retry | {faults.retried_batches} |")
    print(f"| failures seen by tablets | {', '.join(f'{k} {v}' for k, v in faults.client_failures.most_common())} |")
    print(f"| quote requests / outbox undeliverable | {len(quote_ids)} / {undeliverable} |")
    print(f"| delivery attempts / accepted | {attempts[0]} / {attempts[1]} |")
    print(f"| receiver: requests / same webhook-id again / bad signatures | {len(requests)} / "
          f"{repeated} / {bad_signatures} |")
    for label, seconds in recoveries.items():
        print(f"| first acknowledged push after the {label} | {seconds:.1f} s |")
    print(f"| outbox drained after the receiver came back | {drained_after:.0f} s |")
    print("\nChaos, in order:\n" + "\n".join(f"- t={t:.0f} s: {what}" for t, what in faults.events))
    print("\nVerdict:\n" + "\n".join(f"- {v}" for v in verdicts))
    if any("FAILED" in v for v in verdicts) or redeliveries is None:
        sys.exit(1)


if __name__ == "__main__":
    main()

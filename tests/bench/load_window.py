"""bench_load's measured windows: 50 users at one pace, a worker SIGKILLed half-way (see bench_load)."""
from __future__ import annotations

import os
import random
import signal
import statistics
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
from uuid6 import uuid7  # ids as the tablet makes them (pwa/lib/changes.js)
from sqlalchemy import text

from tests.bench.bench_load import (ACTIONS, DEADLINE_S, TARGETS, USERS, Recorder, cpu_seconds, iso, login,
                                    percentile, pull_pages, records_of, server_cpu, spent, workday)

class Sent:
    """What the tablets pushed and the server answered, for the verdicts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.visits: set[str] = set()  # mutation ids of visits answered
        self.answered: set[str] = set()  # every mutation id answered
        self.unanswered: set[str] = set()


def paced(rng: random.Random, ready: threading.Barrier, think: tuple[float, float]):
    ready.wait()
    stop = time.monotonic() + DEADLINE_S
    for _ in range(ACTIONS):
        if time.monotonic() > stop:
            return
        time.sleep(rng.uniform(*think))
        yield


def push(rec: Recorder, client: httpx.Client, sent: Sent, name: str, client_id: str, mutation: dict, *,
         visit: bool) -> None:
    response = rec.call(client, name, "POST", "/api/sync/push", json={"client_id": client_id, "mutations": [mutation]})
    with sent.lock:
        if response is None:
            sent.unanswered.add(mutation["mutation_id"])
        else:
            sent.answered.add(mutation["mutation_id"])
            if visit and response.json()["results"][0]["status"] in ("applied", "merged"):
                sent.visits.add(mutation["mutation_id"])


def rep_user(rec, base, session, seed, ready, think, scope, sent) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    rep_id = session["user"]["id"]
    records, cursor = scope
    accounts = [data for (entity, _), data in records.items() if entity == "account"]
    client_id = str(uuid4())
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in paced(rng, ready, think):
            roll = rng.random()
            account = rng.choice(accounts)
            if roll < 0.35:
                page = rec.call(client, "pull (incremental)", "GET", f"/api/sync/pull?since={cursor}&limit=500")
                if page is not None:
                    cursor = page.json()["cursor"]
            elif roll < 0.50:
                started = datetime.now(UTC) - timedelta(minutes=rng.randint(30, 300))
                mutation_id = str(uuid7())
                mutation = {"mutation_id": mutation_id, "entity": "visit", "op": "create", "id": str(uuid7()),
                            "client_time": iso(datetime.now(UTC)),
                            "changes": {"account_id": account["id"], "started_at": iso(started),
                                        "ended_at": iso(started + timedelta(minutes=40)), "kind": "onsite",
                                        "outcome": "interested", "notes": f"Visite (charge) {mutation_id}"}}
                push(rec, client, sent, "push (visit)", client_id, mutation, visit=True)
            elif roll < 0.65:
                mutation = {"mutation_id": str(uuid7()), "entity": "account", "op": "update", "id": account["id"],
                            "base_version": account["version"], "client_time": iso(datetime.now(UTC)),
                            "changes": {"phone": f"+33 3 80 {rng.randint(10, 99)} {rng.randint(10, 99)} 00"}}
                push(rec, client, sent, "push (account edit)", client_id, mutation, visit=False)
            elif roll < 0.80:
                rec.call(client, "tour", "GET", f"/api/tours/{rep_id}/{workday(rng.randint(0, 4)).isoformat()}")
            else:
                rec.call(client, "accounts list", "GET", f"/api/accounts?page={rng.randint(1, 6)}&per_page=50")


def telemarketer_user(rec, base, session, seed, ready, think, team) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in paced(rng, ready, think):
            rep_id, account_id, contact_id = rng.choice(team)
            roll = rng.random()
            if roll < 0.45:
                first = workday(rng.randint(1, 5))
                rec.call(client, "slots", "GET", f"/api/reps/{rep_id}/slots?account_id={account_id}"
                         f"&from={first.isoformat()}&to={(first + timedelta(days=7)).isoformat()}&duration=60")
            elif roll < 0.65:
                day = workday(rng.randint(7, 40))
                begins = datetime(day.year, day.month, day.day, rng.randint(8, 14), rng.choice((0, 30)), tzinfo=UTC)
                # a retried booking that was made before the cut answers 409 (overlap): expected
                rec.call(client, "book appointment", "POST", "/api/appointments", ok=(200, 201), refused=(409,),
                         json={"rep_id": rep_id, "account_id": account_id, "contact_id": contact_id,
                               "start": iso(begins), "end": iso(begins + timedelta(hours=1)), "purpose": "Présentation"})
            else:
                rec.call(client, "accounts search", "GET", f"/api/accounts?q={rng.choice('abcdefgilmnoprst')}&per_page=20")


def office_user(rec, base, session, seed, ready, think, quotes) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in paced(rng, ready, think):
            roll = rng.random()
            if roll < 0.55:
                status = rng.choice(("routed", "in_progress", "quoted", ""))
                rec.call(client, "quotes list", "GET", f"/api/quotes?status={status}&per_page=50" if status
                         else "/api/quotes?per_page=50")
            elif roll < 0.75 and quotes:
                quote_id = quotes.pop()
                # legal from routed; a quote another session moved first answers 409 (expected)
                rec.call(client, "quote transition", "POST", f"/api/quotes/{quote_id}/transition",
                         refused=(409,), json={"to": "in_progress", "note": "Pris en charge"})
            else:
                rec.call(client, "accounts list", "GET", f"/api/accounts?page={rng.randint(1, 10)}&per_page=50")


def floor_probe(base: str, token: str, out: list[float], stop: threading.Event) -> None:
    """The same-run floor: GET /api/health with a token, 4 times a second, through the same workers."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while not stop.wait(0.25):
            began = time.perf_counter()
            try:
                client.get("/api/health")
            except httpx.TransportError:
                continue  # the killed worker's; the floor is about answered requests
            out.append((time.perf_counter() - began) * 1000)


def killer(server, rec: Recorder, half: int, window_start: dict[int, float], out: dict) -> None:
    """When half of the window's requests are made, SIGKILL the worker that used the most CPU."""
    while rec.count < half and not out.get("stop"):
        time.sleep(0.05)
    if out.get("stop"):
        return
    used = {pid: (cpu_seconds(pid) or 0) - window_start.get(pid, 0) for pid in server.alive_workers()}
    victim = max(used, key=used.get)
    out["cpu_at_kill"] = {victim: cpu_seconds(victim)}
    booted = len(server.booted())
    os.kill(victim, signal.SIGKILL)
    out["victim"], out["at"] = victim, time.perf_counter()
    deadline = time.monotonic() + 60
    while len(server.booted()) <= booted and time.monotonic() < deadline:
        time.sleep(0.02)
    out["respawn_s"] = time.perf_counter() - out["at"]


def run(server, reps: list[dict], *, pace: str, think: tuple[float, float], sent: Sent) -> None:
    base = server.url
    tele, office = login(base, "tele@example.com"), login(base, "backoffice@example.com")
    manager = login(base, "manager@example.com")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tele['access_token']}"}, timeout=60) as c:
        records = records_of(pull_pages(c)[0])
    contacts = defaultdict(list)
    for (entity, _), data in records.items():
        if entity == "contact":
            contacts[data["account_id"]].append(data["id"])
    team = [(data["owner_id"], data["id"], (contacts.get(data["id"]) or [None])[0])
            for (entity, _), data in records.items() if entity == "account"]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {office['access_token']}"}, timeout=60) as c:
        quotes = [q["id"] for q in c.get("/api/quotes?status=routed&per_page=500").json().get("items", [])]
    scopes = {}
    for session in reps:  # a tablet in the field synced its scope long ago (the morning peak is apart)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {session['access_token']}"},
                          timeout=120) as c:
            pages, cursor, _ = pull_pages(c)
            scopes[session["user"]["id"]] = (records_of(pages), cursor)
    rec = Recorder()
    ready = threading.Barrier(sum(USERS.values()) + 1)
    threads = []
    for i in range(USERS["rep"]):
        session = reps[i % 5]
        threads.append(threading.Thread(target=rep_user, args=(rec, base, session, i, ready, think,
                                                               scopes[session["user"]["id"]], sent)))
    for i in range(USERS["telemarketer"]):
        threads.append(threading.Thread(target=telemarketer_user, args=(rec, base, tele, 100 + i, ready, think, team)))
    for i in range(USERS["office"]):
        session = office if i < 7 else manager
        threads.append(threading.Thread(target=office_user, args=(rec, base, session, 200 + i, ready, think, quotes)))
    for thread in threads:
        thread.start()
    ready.wait(timeout=600)
    started = time.perf_counter()
    cpu_before = os.times()
    workers_before = {pid: cpu_seconds(pid) or 0 for pid in server.alive_workers()}
    server_before = server_cpu(server)
    kill: dict = {}
    chaos = threading.Thread(target=killer, args=(server, rec, sum(USERS.values()) * ACTIONS // 2, workers_before, kill))
    chaos.start()
    floor: list[float] = []
    probing = threading.Event()
    probe = threading.Thread(target=floor_probe, args=(base, manager["access_token"], floor, probing))
    probe.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    kill["stop"] = True
    probing.set()
    chaos.join()
    probe.join()
    load = os.getloadavg()[0]
    cpu_after = os.times()
    workers_after = {pid: cpu_seconds(pid) or 0 for pid in server.alive_workers()}
    server_spent = spent(server_before, server_cpu(server))
    for pid, cpu in kill.get("cpu_at_kill", {}).items():
        server_spent += (cpu or 0) - server_before.get(pid, 0)
    _report(rec, pace, think, wall, (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system),
            workers_before, workers_after, kill, floor, load, server_spent)


def _report(rec, pace, think, wall, generator_cpu, before, after, kill, floor, load, server_spent) -> None:
    rows = []
    for name in sorted(rec.times):
        values = rec.times[name]
        rows.append((name, values, rec.errors[name], rec.cut[name], rec.refused[name]))
    every = [v for values in rec.times.values() for v in values]
    rows.append(("**all**", every, sum(rec.errors.values()), sum(rec.cut.values()), sum(rec.refused.values())))
    p95_target, p99_target = TARGETS[pace]
    print(f"### {pace}: think time {think[0]}–{think[1]} s\n")
    print(f"{len(every)} requests in {wall:.0f} s ({len(every) / wall:.0f} req/s); the load generator used "
          f"{generator_cpu:.0f} CPU-s of the {2 * wall:.0f} the 2 cores had; load average at the end {load:.1f}.\n")
    print("| endpoint | requests | p50 ms | p95 ms | p99 ms | errors | cut by the kill, sent again | 409 (expected) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, values, errors, cut, refused in rows:
        print(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} "
              f"| {percentile(values, 99):.1f} | {errors} | {cut} | {refused} |")
    p95, p99, errors = percentile(every, 95), percentile(every, 99), sum(rec.errors.values())
    verdict = [f"p95 {p95:.0f} ms (target < {p95_target}: {'met' if p95 < p95_target else '**not met**'})"]
    if p99_target:
        verdict.append(f"p99 {p99:.0f} ms (target < {p99_target}: {'met' if p99 < p99_target else '**not met**'})")
    verdict.append(f"errors {errors} (target 0: {'met' if errors == 0 else '**not met**'})")
    print("\nVerdict: " + "; ".join(verdict) + ".")
    if floor:
        print(f"\nSame-run floor, GET /api/health with a token through the same workers ({len(floor)} probes): "
              f"p50 {statistics.median(floor):.1f} ms, p95 {percentile(floor, 95):.1f} ms; the mix's p95 is "
              f"{p95 / percentile(floor, 95):.1f}× the floor's, its p50 {statistics.median(every) / statistics.median(floor):.1f}×.")
    per_request = server_spent / len(every)
    print(f"\nServer CPU (gunicorn workers and PostgreSQL backends): {1000 * per_request:.1f} ms per request, "
          f"so the 2 cores, had they been ours alone, would serve about {2 / per_request:.0f} req/s of this mix.")
    if "victim" in kill:
        print(f"\nWorker {kill['victim']} (the busiest so far) SIGKILLed half-way; gunicorn booted its "
              f"replacement {kill['respawn_s']:.1f} s later.")
    used = {pid: after.get(pid, 0) - before.get(pid, 0) for pid in set(before) | set(after)}
    for pid, cpu in kill.get("cpu_at_kill", {}).items():
        used[pid] = (cpu or 0) - before.get(pid, 0)
    total = sum(used.values()) or 1
    shares = ", ".join(f"{100 * cpu / total:.0f} %" for cpu in sorted(used.values(), reverse=True))
    print(f"CPU per worker over the window (keep-alive balance; the killed one and its replacement "
          f"included): {shares} of {total:.0f} CPU-s.")
    workers = sum(used.values())
    print(f"Of the server's CPU per request: the gunicorn workers {1000 * workers / len(every):.1f} ms, "
          f"the PostgreSQL backends {1000 * (server_spent - workers) / len(every):.1f} ms.")
    if rec.samples:
        print("\nFirst errors:\n" + "\n".join(f"- {s}" for s in rec.samples))
    print()


def verdicts(server, sent: Sent) -> None:
    """Nothing lost, nothing doubled: read in the database after the windows."""
    rows = []
    with server.connect() as conn:
        found = defaultdict(int)
        for (notes,) in conn.execute(text("SELECT notes FROM visit WHERE notes LIKE 'Visite (charge) %'")):
            found[notes.removeprefix("Visite (charge) ")] += 1
        ledger = {m for (m,) in conn.execute(text("SELECT mutation_id FROM sync_mutation"))}
    missing = [m for m in sent.visits if found.get(m, 0) == 0]
    doubled = [m for m, n in found.items() if n > 1]
    rows.append(("visits pushed and answered", len(sent.visits), f"{len(missing)} missing, {len(doubled)} twice",
                 not missing and not doubled))
    unknown = [m for m in sent.answered if m not in ledger]
    rows.append(("mutations answered (visits and account edits)", len(sent.answered),
                 f"{len(unknown)} absent from the ledger", not unknown))
    rows.append(("mutations never answered after retries", len(sent.unanswered), "should be 0",
                 not sent.unanswered))
    print("### Nothing lost, nothing doubled\n")
    print("| what | count | checked in the database | verdict |")
    print("|---|---|---|---|")
    for what, count, detail, ok in rows:
        print(f"| {what} | {count} | {detail} | {'yes' if ok else '**no**'} |")

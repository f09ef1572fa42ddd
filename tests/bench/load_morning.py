"""bench_load's morning peak: 30 tablets' first full download at once, three ways (see bench_load)."""
from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
from uuid6 import uuid7  # ids as the tablet makes them (pwa/lib/changes.js)

from tests.bench.bench_load import TABLETS, TAIL, iso, pull_pages, records_of, server_cpu, spent, tournee

TARGET_S = 1.0
VISITS_SINCE = 100  # pushed between the snapshots' preparation and the download


def _burst(server, reps: list[dict], download) -> tuple[list[dict], float]:
    """TABLETS threads, released together; each returns {seconds, bytes, pages, rep}; and the
    CPU seconds the server (workers and PostgreSQL backends) spent meanwhile."""
    base = server.url
    ready = threading.Barrier(TABLETS)
    results: list[dict] = []
    lock = threading.Lock()

    def tablet(index: int) -> None:
        session = reps[index % len(reps)]
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            ready.wait()
            outcome = download(client)
        with lock:
            results.append({**outcome, "rep": session["user"]["id"]})

    threads = [threading.Thread(target=tablet, args=(i,)) for i in range(TABLETS)]
    before = server_cpu(server)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, spent(before, server_cpu(server))


def _paged(client: httpx.Client) -> dict:
    pages, _, spent = pull_pages(client, "0")
    return {"seconds": spent, "pages": pages, "bytes": None}


def _snapshot(client: httpx.Client) -> dict:
    began = time.perf_counter()
    response = client.get("/api/sync/snapshot")
    body = response.content
    spent = time.perf_counter() - began
    response.raise_for_status()
    wire = response.num_bytes_downloaded
    cursor = TAIL.search(body[-200:]).group(1).decode()
    pages, _, catch_up = pull_pages(client, cursor)
    return {"seconds": spent + catch_up, "pages": [body, *pages], "bytes": wire, "catch_up": catch_up}


def _push_visits(base: str, reps: list[dict]) -> None:
    """VISITS_SINCE visits, spread over the reps, after the snapshots were prepared."""
    for n, session in enumerate(reps):
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            accounts = [c["id"] for c in client.get("/api/accounts?per_page=50").json()["items"]]
            started = datetime.now(UTC) - timedelta(hours=2)
            mutations = [{"mutation_id": str(uuid7()), "entity": "visit", "op": "create", "id": str(uuid7()),
                          "client_time": iso(datetime.now(UTC)),
                          "changes": {"account_id": accounts[i % len(accounts)], "started_at": iso(started),
                                      "ended_at": iso(started + timedelta(minutes=30)), "kind": "onsite",
                                      "outcome": "interested", "notes": "Visite du matin"}}
                         for i in range(VISITS_SINCE // len(reps))]
            response = client.post("/api/sync/push", json={"client_id": str(uuid4()), "mutations": mutations})
            response.raise_for_status()


def _same_as_full_pull(base: str, reps: list[dict], results: list[dict]) -> str:
    truth = {}
    for session in reps:
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            truth[session["user"]["id"]] = records_of(pull_pages(client, "0")[0])
    same = sum(records_of(r["pages"]) == truth[r["rep"]] for r in results)
    return f"{same} / {len(results)}"


def run(server, reps: list[dict]) -> None:
    base = server.url
    rows = []
    peer, cpu = _burst(server, reps, _paged)
    rows.append(("paged full pull, `since=0`, 1,000 per page (the peer: the app's first sync before)", peer, cpu,
                 _same_as_full_pull(base, reps, peer)))
    on_request, cpu = _burst(server, reps, _snapshot)
    rows.append(("snapshot made on request (none prepared) + catch-up pull", on_request, cpu,
                 _same_as_full_pull(base, reps, on_request)))
    prepare_s, _ = tournee(server, "sync", "snapshots")
    _push_visits(base, reps)
    prepared, cpu = _burst(server, reps, _snapshot)
    rows.append((f"snapshot prepared by `tournee sync snapshots` + catch-up of the {VISITS_SINCE} visits "
                 f"pushed since", prepared, cpu, _same_as_full_pull(base, reps, prepared)))
    peer_p50 = statistics.median(r["seconds"] for r in peer)
    peer_cpu = rows[0][2]
    print(f"Morning peak: {TABLETS} tablets ({TABLETS // len(reps)} per demo rep, ~4,000 records each) download "
          f"their whole scope at once; time = the HTTP exchanges to the last byte, per tablet.\n")
    print("| first download | p50 s | max s | vs the peer (p50) | server CPU per tablet, ms (vs the peer) "
          "| 30 tablets on 2 idle cores, s | KB on the wire | same records as a full pull | target p50 | met |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, results, cpu, same in rows:
        times = [r["seconds"] for r in results]
        p50 = statistics.median(times)
        wire = [r["bytes"] for r in results if r["bytes"]]
        size = f"{statistics.median(wire) / 1024:.0f}" if wire else "–"
        met = "yes" if p50 < TARGET_S else "**no**"
        print(f"| {name} | {p50:.2f} | {max(times):.2f} | {p50 / peer_p50:.2f}× "
              f"| {1000 * cpu / TABLETS:.0f} ({cpu / peer_cpu:.2f}×) | {cpu / 2:.2f} | {size} | {same} "
              f"| < {TARGET_S:.0f} s | {met} |")
    catch_up = statistics.median(r["catch_up"] for r in prepared)
    print(f"\n`tournee sync snapshots` prepared the 5 reps' snapshots in {prepare_s:.1f} s (process start "
          f"included); the catch-up pull after the prepared snapshot took {catch_up * 1000:.0f} ms (p50). "
          f"\"30 tablets on 2 idle cores\" is the server CPU of the burst shared by two cores: the time the "
          f"last tablet would wait with nobody else on the machine, a bound the p50 stays under.\n")

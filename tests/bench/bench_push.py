"""Push of 1,000 mutations over HTTP against the PouchDB peer, same run, both databases, two history sizes.

DESIGN.md's target: Tournée's push of one tablet's day (500 visit creates + 500 account
edits, two batches of 500, as the tablet sends them) at least 2× faster than a PouchDB
client replicating the same 1,000 documents to express-pouchdb — and a push time that
does not grow with the rep's visit history.

- Tournée: gunicorn (1 worker, 1 thread) on a free loopback port, the demo data, rep1's
  tablet; timed by the client around the two POSTs (HTTP, JSON, durable commit, merge).
- The peer (README of the peer folder): copied to a temporary folder, `npm install`ed
  there, its server started on a free loopback port, `node bench.js` run for each round.
  Runs of the peer and of Tournée alternate; each figure is the median of ROUNDS rounds.
  Looked for in PEER_POUCHDB_DIR, else `shared/peers/pouchdb` beside the project or
  beside the folder holding it; when it is absent (or npm cannot install it) the peer's
  rows say "peer not available" and Tournée's figures are still given.
- Ids: UUIDv7, as the tablet makes them (pwa/lib/changes.js) and the server too; time-ordered
  ids land at the end of the primary key's index. (Random UUIDv4 ids, which no client of
  ours sends, touch a different page of that index per row once the history is large.)
- History: rep1 has the demo's visits (about 3k), then HISTORY_LARGE visits are added
  (plain inserts, no ANALYZE afterwards: the statistics are as stale as they get) and the
  push is measured again; ratio large / small, divided by the peer's own ratio between the
  two phases (the machine's drift), target ≤ 1.25 (noise allowance).

PostgreSQL: TOURNEE_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/tournee_push),
emptied first. ROUNDS (default 5) and HISTORY_LARGE (default 300000) from the environment.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.live import Live, empty_postgres, free_port, start

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TOURNEE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tournee_push")
ROUNDS = int(os.environ.get("ROUNDS", "5"))
HISTORY_LARGE = int(os.environ.get("HISTORY_LARGE", "300000"))
SERVER_ENV = {"PUSH_LIMIT_PER_USER": "100000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute"}


class Peer:
    """The PouchDB peer, installed in a temporary folder and serving on loopback."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.server = subprocess.Popen(["node", "server.js"], cwd=folder, env={**os.environ, "PORT": str(self.port)},
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.server.stdout.readline().strip() == "up", "the peer's server did not start"

    @classmethod
    def install(cls) -> tuple[Peer | None, str]:
        source = _peer_source()
        if source is None:
            return None, "peer not available (no peers/pouchdb folder; set PEER_POUCHDB_DIR)"
        if shutil.which("node") is None or shutil.which("npm") is None:
            return None, "peer not available (node or npm missing)"
        folder = Path(tempfile.mkdtemp(prefix="pouchdb-peer-")) / "pouchdb"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("node_modules"))
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=folder, capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            return None, f"peer not available (npm install failed: {done.stderr.strip()[-200:]})"
        return cls(folder), ""

    def run(self, n: int = 1000) -> float:
        """Seconds for the peer's client to replicate `n` documents to its server."""
        done = subprocess.run(["node", "bench.js"], cwd=self.folder, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PORT": str(self.port), "N": str(n)})
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        assert figures["docs_written"] == n, figures
        return figures["ms"] / 1000

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def _peer_source() -> Path | None:
    candidates = [os.environ.get("PEER_POUCHDB_DIR")]
    candidates += [str(base / "shared" / "peers" / "pouchdb") for base in (ROOT.parent, ROOT.parent.parent)]
    for candidate in candidates:
        if candidate and (Path(candidate) / "bench.js").is_file():
            return Path(candidate)
    return None


def _mutations(account_ids: list[str], round_no: int) -> list[dict]:
    from server.db import new_id  # the tablet's ids: UUIDv7 (pwa/lib/changes.js)
    now = datetime.now(UTC) - timedelta(days=1)
    mutations = []
    for i in range(500):
        account_id = account_ids[i % len(account_ids)]
        mutations.append({"mutation_id": new_id(), "entity": "visit", "op": "create", "id": new_id(),
                          "client_time": (now + timedelta(seconds=i)).isoformat(),
                          "changes": {"account_id": account_id, "kind": "onsite", "outcome": "follow-up",
                                      "started_at": (now + timedelta(minutes=i)).isoformat(),
                                      "notes": f"visite {round_no}-{i}", "maturity": 2}})
        mutations.append({"mutation_id": new_id(), "entity": "account", "op": "update", "id": account_id,
                          "client_time": now.isoformat(), "changes": {"notes": f"note {round_no}-{i}"}})
    return mutations


def _push_once(live: Live, token: str, account_ids: list[str], round_no: int) -> float:
    mutations = _mutations(account_ids, round_no)
    client_id = f"bench-push-{round_no}-{time.monotonic_ns()}"
    started = time.perf_counter()
    for batch in (mutations[:500], mutations[500:]):
        response = live.request("POST", "/api/sync/push", {"client_id": client_id, "mutations": batch}, token=token)
        assert response.status == 200, response.body[:300]
        statuses = {r["status"] for r in response.json()["results"]}
        assert statuses <= {"applied", "merged", "conflict"}, statuses
    return time.perf_counter() - started


def _grow_history(live: Live, rep_id: str, account_ids: list[str], total: int) -> int:
    """Insert visits for the rep until it has `total`; no ANALYZE afterwards. Their ids are
    UUIDv7, as the tablets and the server make them."""
    from server.db import new_id

    from sqlalchemy import func, insert, select

    from server.visits.models import Visit
    with live.connect() as conn:
        have = conn.scalar(select(func.count()).select_from(Visit.__table__).where(Visit.rep_id == rep_id))
        start = datetime(2020, 1, 1, tzinfo=UTC)
        for offset in range(have, total, 20000):
            rows = [{"id": new_id(), "version": 0, "field_meta": {}, "account_id": account_ids[i % len(account_ids)],
                     "rep_id": rep_id, "kind": "onsite", "started_at": start + timedelta(minutes=i), "outcome": "done",
                     "notes": "historique", "created_at": start, "updated_at": start, "verified": False,
                     "attachment_ids": []}
                    for i in range(offset, min(offset + 20000, total))]
            conn.execute(insert(Visit.__table__), rows)
            conn.commit()
        return conn.scalar(select(func.count()).select_from(Visit.__table__).where(Visit.rep_id == rep_id))


def bench_backend(name: str, url: str, peer: Peer | None, peer_note: str) -> list[dict]:
    from sqlalchemy import func, select

    import server.models  # noqa: F401  (every mapper, so relationships resolve)
    from server.accounts.models import Account
    from server.users.models import User
    from server.visits.models import Visit

    tmp = Path(tempfile.mkdtemp(prefix="tournee-push-"))
    live = start(tmp, database_url=url, env=SERVER_ENV, workers=1, threads=1, fault_injection=False)
    rows: list[dict] = []
    try:
        token = live.login("rep1@example.com")
        with live.connect() as conn:
            rep_id = conn.scalar(select(User.id).where(User.email == "rep1@example.com"))
            account_ids = list(conn.scalars(select(Account.id).where(Account.owner_id == rep_id).order_by(Account.id)))
            small = conn.scalar(select(func.count()).select_from(Visit.__table__)
                                .where(Visit.rep_id == rep_id))
        _push_once(live, token, account_ids, -1)  # warm the worker (imports, statement caches)
        if peer is not None:
            peer.run()  # and the peer's server (its JIT): both measured warm
        figures: dict[str, list[float]] = {"push": [], "peer": [], "push_large": [], "peer_large": []}
        for round_no in range(ROUNDS):
            if peer is not None:
                figures["peer"].append(peer.run())
            figures["push"].append(_push_once(live, token, account_ids, round_no))
        large = _grow_history(live, rep_id, account_ids, HISTORY_LARGE)
        _push_once(live, token, account_ids, -2)
        for round_no in range(ROUNDS):
            if peer is not None:
                figures["peer_large"].append(peer.run())
            figures["push_large"].append(_push_once(live, token, account_ids, 100 + round_no))
    finally:
        live.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in figures.items() if v}
    for label, key, peer_key, visits in (("history", "push", "peer", small), ("history", "push_large", "peer_large", large)):
        rows.append({"measure": f"{name}: push 1,000 mutations over HTTP, rep with {visits:,} visits",
                     "value": f"{med[key] * 1000:.0f} ms", "target": "(vs the peer below)", "met": None})
        if peer_key in med:
            ratio = med[peer_key] / med[key]
            rows.append({"measure": f"{name}: PouchDB peer, same 1,000 documents, same rounds",
                         "value": f"{med[peer_key] * 1000:.0f} ms", "target": "(peer)", "met": None})
            rows.append({"measure": f"{name}: speed vs the peer (peer ÷ push), {visits:,} visits",
                         "value": f"{ratio:.2f}×", "target": "≥ 2×", "met": ratio >= 2})
        else:
            rows.append({"measure": f"{name}: PouchDB peer", "value": peer_note, "target": "≥ 2×", "met": None})
    growth = med["push_large"] / med["push"]
    if "peer" in med and "peer_large" in med:  # the machine's drift between the two phases, taken out
        drift = med["peer_large"] / med["peer"]
        rows.append({"measure": f"{name}: push time at {large:,} ÷ at {small:,} visits", "value": f"{growth:.2f}",
                     "target": f"(raw; the peer's own ratio between the phases: {drift:.2f})", "met": None})
        growth /= drift
        rows.append({"measure": f"{name}: same, relative to the peer (raw ÷ peer's ratio)", "value": f"{growth:.2f}",
                     "target": "≤ 1.25 (independent of history)", "met": growth <= 1.25})
    else:
        rows.append({"measure": f"{name}: push time at {large:,} ÷ at {small:,} visits", "value": f"{growth:.2f}",
                     "target": "≤ 1.25 (independent of history)", "met": growth <= 1.25})
    return rows


def main() -> list[dict]:
    peer, note = Peer.install()
    rows: list[dict] = []
    try:
        folder = tempfile.mkdtemp(prefix="tournee-push-sqlite-")
        rows += bench_backend("SQLite", f"sqlite:///{folder}/bench.db", peer, note)
        empty_postgres(PG_URL)
        rows += bench_backend("PostgreSQL", PG_URL, peer, note)
    finally:
        if peer is not None:
            peer.stop()
    print(f"{ROUNDS} rounds each, medians; peer and push alternate within each round.\n")
    print("| measure | value | target | met |\n|---|---|---|---|")
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"| {r['measure']} | {r['value']} | {r['target']} | {met} |")
    return rows


if __name__ == "__main__":
    main()

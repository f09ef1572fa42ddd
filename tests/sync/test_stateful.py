"""Property test of the whole sync protocol (hypothesis stateful).

Two tablets of one rep and one online user (the manager) edit the same accounts and
contacts; tablets push in random interleavings, with responses lost (the batch is
resent), duplicated and in random page sizes; edits name fields, tags and keys of
`custom` (merged key by key). Invariants:
- a key of `custom` that no edit names is never dropped;
- a replayed mutation gets the very same result (no mutation applied twice);
- versions a tablet pulls for a record only go up;
- every acknowledged mutation is applied, merged, or its lost value is in the conflict log;
- after a final sync, every replica equals the server.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from server.db import new_id
from tests.conftest import _empty_tables
from tests.factories import make_account, make_custom_field, make_team, make_user, token_headers
from tests.sync.helpers import iso

FIELDS = ("phone", "notes", "city")
VALUES = st.sampled_from(["a", "b", "c", "d"])
TAGS = st.sampled_from(["or", "salon", "fidèle"])
KEYS = st.sampled_from(["parc_machines", "employees", "revenue_trend_3y"])  # keys of `custom`, merged one by one (M7)
KEY_VALUES = st.one_of(st.none(), st.integers(0, 3))


class Device:
    def __init__(self, client, headers, client_id):
        self.client, self.headers, self.client_id = client, headers, client_id
        self.outbox: list[dict] = []
        self.replica: dict[tuple[str, str], dict] = {}
        self.cursor = "0"
        self.seen_versions: dict[tuple[str, str], int] = {}


def test_tablets_and_online_edits_converge(app, client):
    seen = {"acknowledged": 0, "conflict": 0, "replayed": 0, "key_conflict": 0}

    class SyncMachine(RuleBasedStateMachine):
        @initialize()
        def setup(self):
            from server.extensions import db
            _empty_tables()
            session = db.session
            team = make_team(session)
            rep = make_user(session, "rep", team=team)
            manager = make_user(session, "manager", team=team)
            self.account_ids = [make_account(session, rep, custom={"keep": "me"}).id for _ in range(2)]
            make_custom_field(session, "parc_machines")
            make_custom_field(session, "keep", "text")
            self.rep_headers = token_headers(app, rep)
            self.manager_headers = token_headers(app, manager)
            self.tablets = [Device(client, self.rep_headers, new_id()) for _ in range(2)]
            self.results: dict[str, dict] = {}
            self.replayed: set[str] = set()
            self.acknowledged: list[tuple[dict, dict]] = []
            self.clock = datetime.now(UTC) - timedelta(hours=1)
            for tablet in self.tablets:
                self._pull(tablet, 500)

        def _tick(self) -> str:
            self.clock += timedelta(seconds=1)
            return iso(self.clock)

        def _local(self, tablet, entity, record_id, op, changes):
            key = (entity, record_id)
            base = tablet.replica.get(key, {}).get("version")
            m = {"mutation_id": new_id(), "entity": entity, "op": op, "id": record_id, "changes": changes,
                 "client_time": self._tick()}
            if base is not None and op != "create":
                m["base_version"] = base
            tablet.outbox.append(m)

        @rule(t=st.integers(0, 1), a=st.integers(0, 1), field=st.sampled_from(FIELDS), value=VALUES)
        def tablet_edit(self, t, a, field, value):
            self._local(self.tablets[t], "account", self.account_ids[a], "update", {field: value})

        @rule(t=st.integers(0, 1), a=st.integers(0, 1), tag=TAGS, add=st.booleans())
        def tablet_tag(self, t, a, tag, add):
            self._local(self.tablets[t], "account", self.account_ids[a], "update",
                        {"tags": {"add": [tag] if add else [], "remove": [] if add else [tag]}})

        @rule(t=st.integers(0, 1), a=st.integers(0, 1), key=KEYS, value=KEY_VALUES)
        def tablet_custom(self, t, a, key, value):
            self._local(self.tablets[t], "account", self.account_ids[a], "update", {"custom": {key: value}})

        @rule(a=st.integers(0, 1), key=KEYS, value=KEY_VALUES)
        def online_custom(self, a, key, value):
            response = client.patch(f"/api/accounts/{self.account_ids[a]}",
                                    json={"changes": {"custom": {key: value}}}, headers=self.manager_headers)
            assert response.status_code == 200, response.get_json()
            assert response.get_json()["custom"].get(key) == value

        @rule(t=st.integers(0, 1), a=st.integers(0, 1))
        def tablet_new_contact(self, t, a):
            self._local(self.tablets[t], "contact", new_id(), "create", {"account_id": self.account_ids[a], "name": "X"})

        @rule(t=st.integers(0, 1), data=st.data())
        def tablet_delete_contact(self, t, data):
            contacts = sorted(k[1] for k in self.tablets[t].replica if k[0] == "contact")
            if contacts:
                self._local(self.tablets[t], "contact", data.draw(st.sampled_from(contacts)), "delete", {})

        @rule(a=st.integers(0, 1), field=st.sampled_from(FIELDS), value=VALUES)
        def online_edit(self, a, field, value):
            response = client.patch(f"/api/accounts/{self.account_ids[a]}", json={"changes": {field: value}},
                                    headers=self.manager_headers)
            assert response.status_code == 200, response.get_json()

        @rule(t=st.integers(0, 1), lose_response=st.booleans(), resend=st.booleans(), size=st.integers(1, 4))
        def push(self, t, lose_response, resend, size):
            tablet = self.tablets[t]
            batch = tablet.outbox[:size]
            if not batch:
                return
            body = {"client_id": tablet.client_id, "mutations": batch}
            self.replayed.update(m["mutation_id"] for m in batch if m["mutation_id"] in self.results)
            response = client.post("/api/sync/push", json=body, headers=tablet.headers)
            assert response.status_code == 200, response.get_json()
            results = response.get_json()["results"]
            if resend:
                again = client.post("/api/sync/push", json=body, headers=tablet.headers).get_json()["results"]
                assert again == results
            for m, r in zip(batch, results):
                first = self.results.setdefault(m["mutation_id"], r)
                assert first == r, "a replay changed its result"
            self._check_landed(batch, results)
            if lose_response:
                return  # the tablet never heard back: the batch stays in its outbox
            del tablet.outbox[:len(batch)]
            self.acknowledged.extend(zip(batch, results))
            seen["acknowledged"] += len(batch)
            seen["conflict"] += sum(r["status"] == "conflict" for r in results)
            seen["key_conflict"] += sum(c["field"].startswith("custom.") for r in results for c in r.get("conflicts", []))
            seen["replayed"] += sum(m["mutation_id"] in self.replayed for m in batch)

        def _check_landed(self, batch, results):
            """Right after a push, the last applied write of each field is what the server holds.

            A replayed mutation (its first response was lost) was applied when first sent; edits
            made since may have changed its fields, so nothing is expected of its record now."""
            last: dict[tuple[str, str, str], object] = {}
            replayed_records = {m["id"] for m in batch if m["mutation_id"] in self.replayed}
            for m, r in zip(batch, results):
                if m["id"] in replayed_records:
                    continue
                if r["status"] in ("applied", "merged", "conflict") and m["op"] == "update" and not r.get("deleted"):
                    lost = {c["field"] for c in r.get("conflicts", []) if c["kept"] == "theirs"}
                    for field, value in m["changes"].items():
                        if field == "custom":  # per key: a lost key leaves the others landed
                            last.update({(m["entity"], m["id"], f"custom.{k}"): v for k, v in value.items()
                                         if f"custom.{k}" not in lost})
                        elif field not in lost:
                            last[(m["entity"], m["id"], field)] = value
            for (entity, record_id, field), value in last.items():
                path = "accounts" if entity == "account" else "contacts"
                response = client.get(f"/api/{path}/{record_id}", headers=self.rep_headers)
                if response.status_code == 404:
                    continue  # deleted by a later mutation of the same batch
                data = response.get_json()
                held = data["custom"].get(field[7:]) if field.startswith("custom.") else data[field]
                if field == "tags":
                    assert set(value["add"]) <= set(held) and not set(value["remove"]) & set(held)
                else:
                    assert held == value, (field, held, value)

        def _pull(self, tablet, limit):
            while True:
                response = client.get(f"/api/sync/pull?since={tablet.cursor}&limit={limit}", headers=tablet.headers)
                assert response.status_code == 200
                page = response.get_json()
                for change in page["changes"]:
                    key = (change["entity"], change["id"])
                    assert change["version"] >= tablet.seen_versions.get(key, 0), "a version went backwards"
                    tablet.seen_versions[key] = change["version"]
                    if change["op"] == "delete":
                        tablet.replica.pop(key, None)
                    else:
                        tablet.replica[key] = change["data"]
                tablet.cursor = page["cursor"]
                if not page["has_more"]:
                    return

        @rule(t=st.integers(0, 1), limit=st.integers(1, 5))
        def pull(self, t, limit):
            self._pull(self.tablets[t], limit)

        @invariant()
        def acknowledged_mutations_are_kept(self):
            for m, r in getattr(self, "acknowledged", []):
                assert r["status"] in ("applied", "merged", "conflict", "rejected")
                if r["status"] == "rejected":
                    # only deletes/updates of records another device deleted may be refused
                    assert r["error"]["type"].rsplit("/", 1)[-1] in ("not_found", "id_conflict"), r

        @invariant()
        def untouched_keys_stay(self):
            """No edit names the key `keep`: a per-key change never drops it (M7)."""
            if hasattr(self, "account_ids"):
                for account_id in self.account_ids:
                    custom = client.get(f"/api/accounts/{account_id}", headers=self.rep_headers).get_json()["custom"]
                    assert custom.get("keep") == "me", custom

        def teardown(self):
            if not hasattr(self, "tablets"):
                return
            for tablet in self.tablets:  # final sync, no losses this time
                while tablet.outbox:
                    self.push(self.tablets.index(tablet), False, False, 500)
            for tablet in self.tablets:
                self._pull(tablet, 500)
            server = {}
            for entity, path in (("account", "accounts"), ("contact", "contacts")):
                body = client.get(f"/api/{path}?per_page=1000", headers=self.rep_headers).get_json()
                server.update({(entity, item["id"]): item for item in body["items"]})
            for tablet in self.tablets:
                assert tablet.replica == server
            lost = {(c["record_id"], c["field"], c["lost_value"])
                    for c in client.get("/api/sync/conflicts", headers=self.rep_headers).get_json()}
            lost |= {(c["record_id"], c["field"], c["lost_value"])
                     for c in client.get("/api/sync/conflicts", headers=self.manager_headers).get_json()}
            for m, r in self.acknowledged:
                for c in r.get("conflicts", []):
                    loser = c["yours"] if c["kept"] == "theirs" else c["theirs"]
                    assert (m["id"], c["field"], loser) in lost, "a losing value is missing from the conflict log"

    run_state_machine_as_test(SyncMachine, settings=settings(
        max_examples=12, stateful_step_count=20, deadline=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate)))  # no shrinking: bounded time in CI
    # The machine really exercised the protocol: pushes, replays after lost responses, conflicts.
    print(seen)
    assert seen["acknowledged"] > 20 and seen["replayed"] > 0 and seen["conflict"] > 0, seen
    assert seen["key_conflict"] > 0, seen  # per-key conflicts of `custom` were exercised

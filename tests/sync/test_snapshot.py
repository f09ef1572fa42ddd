"""First download (GET /api/sync/snapshot, PROTOCOL S1–S5): exactly a full pull, served
with an ETag, and a cursor from which the incremental pull skips nothing."""
from __future__ import annotations

import gzip
import json
import threading

import pytest
from sqlalchemy import select, update

from server.db import new_id
from sync.models import ChangeCounter, ScopeSnapshot
from tests.factories import make_account, make_contact, make_team, make_user, make_visit, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep1 = make_user(session, "rep", team=team)
    rep2 = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    accounts = [make_account(session, rep1) for _ in range(6)]
    for account in accounts:
        make_contact(session, account)
        make_visit(session, account, rep1)
    make_contact(session, make_account(session, rep2))
    session.commit()
    return {"rep1": rep1, "rep2": rep2, "manager": manager, "accounts": accounts}


def first_download(client, headers, **extra):
    """The snapshot as a tablet's browser receives it (gzip), decoded."""
    response = client.get("/api/sync/snapshot", headers={**headers, "Accept-Encoding": "gzip", **extra})
    if response.status_code != 200:
        return response, None
    assert response.headers["Content-Encoding"] == "gzip"
    return response, json.loads(gzip.decompress(response.data))


def replica(changes) -> dict:
    return {(c["entity"], c["id"]): c["data"] for c in changes if c["op"] == "upsert"}


@pytest.mark.parametrize("who", ["rep1", "manager"])
def test_the_snapshot_is_the_full_pull(app, client, world, who):
    headers = token_headers(app, world[who])
    tablet = Tablet(client, headers)
    # a deleted record and a reassigned account: a full pull shows neither, nor their tombstones
    gone = new_id()
    tablet.push(mutation("contact", "create", gone, {"account_id": world["accounts"][0].id, "name": "Lou"}))
    tablet.push(mutation("contact", "delete", gone))
    manager = token_headers(app, world["manager"])
    moved = client.patch(f"/api/accounts/{world['accounts'][1].id}",
                         json={"changes": {"owner_id": world["rep2"].id}}, headers=manager)
    assert moved.status_code == 200, moved.get_json()
    paged = tablet.pull(limit=4)  # the full pull, page after page
    response, page = first_download(client, headers)
    assert response.status_code == 200
    assert page["has_more"] is False
    assert page["cursor"] == tablet.cursor
    # the same records, the same data, in the same order; paging may add deletes of records
    # it never sent (a later page's tombstones), which change nothing on the tablet
    assert page["changes"] == [c for c in paged if c["op"] == "upsert"]
    assert replica(page["changes"]) == tablet.replica
    one_page = client.get("/api/sync/pull?since=0&limit=1000", headers=headers).get_json()
    assert page == one_page
    assert all(c["op"] == "upsert" for c in page["changes"])
    assert ("contact", gone) not in replica(page["changes"])


def test_without_gzip_the_same_page_comes_plain(app, client, world):
    headers = token_headers(app, world["rep1"])
    _, zipped = first_download(client, headers)
    plain = client.get("/api/sync/snapshot", headers={**headers, "Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert plain.get_json() == zipped


def test_etag_answers_304_until_the_snapshot_is_remade(app, client, world):
    headers = token_headers(app, world["rep1"])
    first, page = first_download(client, headers)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Cache-Control"] == "no-store"  # scoped records: no HTTP cache
    again = client.get("/api/sync/snapshot", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b"" and again.headers["ETag"] == etag
    other = client.get("/api/sync/snapshot", headers={**headers, "If-None-Match": '"something-else"'})
    assert other.status_code == 200
    # a change, and a snapshot past its age: made anew, with a new cursor and ETag
    Tablet(client, headers).push(mutation("account", "update", world["accounts"][0].id, {"phone": "+33 1"}))
    app.config["SYNC_SNAPSHOT_MAX_AGE_S"] = 0
    remade, newer = first_download(client, headers, **{"If-None-Match": etag})
    assert remade.status_code == 200
    assert remade.headers["ETag"] != etag
    assert int(newer["cursor"]) > int(page["cursor"])


def test_another_users_snapshot_is_never_served(app, client, world):
    _, mine = first_download(client, token_headers(app, world["rep1"]))
    theirs_response, theirs = first_download(client, token_headers(app, world["rep2"]))
    assert theirs_response.status_code == 200
    assert not set(replica(mine["changes"])) & set(replica(theirs["changes"]))


def test_no_change_is_skipped_between_a_kept_snapshot_and_the_next_pull(app, client, world, session):
    headers = token_headers(app, world["rep1"])
    _, kept = first_download(client, headers)  # prepared now, served later as it is
    writer = Tablet(client, headers)
    writer.cursor = kept["cursor"]
    account = world["accounts"][2]
    new_contact = new_id()
    writer.push(mutation("account", "update", account.id, {"phone": "+33 2"}),
                mutation("contact", "create", new_contact, {"account_id": account.id, "name": "Noé"}))
    writer.push(mutation("visit", "create", new_id(), {"account_id": account.id, "kind": "phone",
                                                       "started_at": "2026-11-20T09:00:00Z",
                                                       "ended_at": "2026-11-20T09:20:00Z", "outcome": "interested"}))
    response, served = first_download(client, headers)
    assert served == kept  # still the prepared one: its age is under SYNC_SNAPSHOT_MAX_AGE_S
    tablet = Tablet(client, headers)
    tablet.replica = replica(served["changes"])
    tablet.cursor = served["cursor"]
    tablet.pull()
    fresh = Tablet(client, headers)
    fresh.pull()
    assert tablet.replica == fresh.replica  # snapshot + catch-up = a full pull now
    assert tablet.replica[("account", account.id)]["phone"] == "+33 2"
    assert ("contact", new_contact) in tablet.replica


def test_a_record_gone_from_the_scope_since_makes_the_snapshot_anew(app, client, world):
    headers = token_headers(app, world["rep1"])
    first, kept = first_download(client, headers)
    moved = world["accounts"][3]
    manager = token_headers(app, world["manager"])
    assert client.patch(f"/api/accounts/{moved.id}", json={"changes": {"owner_id": world["rep2"].id}},
                        headers=manager).status_code == 200
    remade, page = first_download(client, headers)
    assert remade.headers["ETag"] != first.headers["ETag"]
    assert ("account", moved.id) in replica(kept["changes"])
    assert ("account", moved.id) not in replica(page["changes"])  # never handed out again
    assert not [c for c in page["changes"] if c["entity"] == "contact" and c["data"]["account_id"] == moved.id]


def test_a_snapshot_below_the_pruned_horizon_is_remade(app, client, world, session):
    headers = token_headers(app, world["rep1"])
    first, kept = first_download(client, headers)
    Tablet(client, headers).push(mutation("account", "update", world["accounts"][0].id, {"phone": "+33 3"}))
    session.execute(update(ChangeCounter).values(pruned_below=int(kept["cursor"]) + 1))
    session.commit()
    remade, page = first_download(client, headers)
    assert remade.headers["ETag"] != first.headers["ETag"]
    assert int(page["cursor"]) > int(kept["cursor"])
    assert Tablet(client, headers).pull() == page["changes"]


def test_a_snapshot_made_for_another_scope_is_remade(app, client, world, session):
    headers = token_headers(app, world["rep1"])
    first, page = first_download(client, headers)
    world["rep1"].role = "manager"  # promoted: the whole team is its scope now
    session.commit()
    remade, wider = first_download(client, headers)
    assert remade.headers["ETag"] != first.headers["ETag"]
    assert set(replica(wider["changes"])) > set(replica(page["changes"]))
    assert wider["changes"] == Tablet(client, headers).pull()


def test_a_signed_out_caller_gets_a_problem(client, world):
    response = client.get("/api/sync/snapshot")
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_snapshots_made_while_others_write_miss_nothing(app, session, world):
    """Builders race writers: every snapshot plus the pull from its cursor holds the last
    committed version of every record (PostgreSQL: commits out of order)."""
    app.config["SYNC_SNAPSHOT_MAX_AGE_S"] = 0  # each request builds a new snapshot
    headers = token_headers(app, world["rep1"])
    account_ids = [a.id for a in world["accounts"]]
    errors: list[str] = []
    snapshots: list[dict] = []

    def writer(index: int) -> None:
        client = app.test_client()
        for n in range(8):
            body = {"client_id": f"w{index}", "mutations": [mutation("account", "update", account_ids[index],
                                                                     {"notes": f"{index}-{n}"})]}
            if client.post("/api/sync/push", json=body, headers=headers).status_code != 200:
                errors.append("push")

    def builder() -> None:
        client = app.test_client()
        for _ in range(4):
            response, page = first_download(client, headers)
            if page is None:
                errors.append(f"snapshot {response.status_code}")
            else:
                snapshots.append(page)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)] + [threading.Thread(target=builder)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    client = app.test_client()
    truth = Tablet(client, headers)
    truth.pull()
    assert len(snapshots) == 4
    for page in snapshots:
        tablet = Tablet(client, headers)
        tablet.replica, tablet.cursor = replica(page["changes"]), page["cursor"]
        tablet.pull()
        assert tablet.replica == truth.replica
    assert session.get(ScopeSnapshot, world["rep1"].id).cursor == max(int(p["cursor"]) for p in snapshots)


def test_the_command_prepares_every_reps_first_download(app, client, runner, world, session):
    result = runner.invoke(args=["sync", "snapshots"])
    assert result.exit_code == 0, result.output
    stored = set(session.scalars(select(ScopeSnapshot.user_id)))
    assert stored == {world["rep1"].id, world["rep2"].id}
    headers = token_headers(app, world["rep1"])
    _, page = first_download(client, headers)
    assert page["changes"] == Tablet(client, headers).pull()

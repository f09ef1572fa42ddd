"""Pull: scope, paging, tombstones, reassignment and cursors the server cannot serve."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from server.db import new_id
from sync.models import ChangeCounter
from tests.factories import make_account, make_contact, make_team, make_user, make_visit, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep1 = make_user(session, "rep", team=team)
    rep2 = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    accounts = [make_account(session, rep1) for _ in range(7)]
    for account in accounts:
        make_contact(session, account)
        make_visit(session, account, rep1)
    theirs = make_account(session, rep2)
    make_contact(session, theirs)
    session.commit()
    return {"team": team, "rep1": rep1, "rep2": rep2, "manager": manager, "accounts": accounts, "theirs": theirs}


def test_full_pull_returns_the_whole_scope_once_and_nothing_else(app, client, world):
    tablet = Tablet(client, token_headers(app, world["rep1"]))
    changes = tablet.pull(limit=4)
    keys = [(c["entity"], c["id"]) for c in changes]
    assert len(keys) == len(set(keys)) == 7 * 3
    assert all(c["op"] == "upsert" for c in changes)
    assert ("account", world["theirs"].id) not in set(keys)
    versions = [c["version"] for c in changes]
    assert versions == sorted(versions)
    assert all(c["data"]["version"] == c["version"] for c in changes)


def test_incremental_pull_after_a_change_returns_just_that_change(app, client, world):
    tablet = Tablet(client, token_headers(app, world["rep1"]))
    tablet.pull()
    account = world["accounts"][0]
    tablet.push(mutation("account", "update", account.id, {"phone": "+33 4"}))
    changes = tablet.pull()
    assert [(c["entity"], c["id"], c["data"]["phone"]) for c in changes] == [("account", account.id, "+33 4")]
    assert tablet.pull() == []


def test_reassigned_account_is_a_delete_for_the_old_rep_and_an_upsert_for_the_new(app, client, world):
    rep1 = Tablet(client, token_headers(app, world["rep1"]))
    rep2 = Tablet(client, token_headers(app, world["rep2"]))
    rep1.pull(), rep2.pull()
    account = world["accounts"][0]
    manager = token_headers(app, world["manager"])
    response = client.patch(f"/api/accounts/{account.id}", json={"changes": {"owner_id": world["rep2"].id}}, headers=manager)
    assert response.status_code == 200, response.get_json()
    gone = rep1.pull()
    assert {(c["entity"], c["op"]) for c in gone} == {("account", "delete"), ("contact", "delete")}
    assert ("account", account.id) not in rep1.replica
    arrived = rep2.pull()
    assert {(c["entity"], c["op"]) for c in arrived} == {("account", "upsert"), ("contact", "upsert")}
    # rep1's pending edit of the account it lost is refused as not found, not applied to rep2's account
    late = rep1.push(mutation("account", "update", account.id, {"phone": "+33 0"}))["results"][0]
    assert late["error"]["type"].endswith("not_found")


def test_deleted_records_come_as_tombstones(app, client, world):
    tablet = Tablet(client, token_headers(app, world["rep1"]))
    tablet.pull()
    contact_id = new_id()
    tablet.push(mutation("contact", "create", contact_id, {"account_id": world["accounts"][1].id, "name": "Lou"}))
    tablet.pull()
    assert ("contact", contact_id) in tablet.replica
    tablet.push(mutation("contact", "delete", contact_id))
    changes = tablet.pull()
    assert [(c["entity"], c["id"], c["op"]) for c in changes] == [("contact", contact_id, "delete")]
    assert ("contact", contact_id) not in tablet.replica


def test_a_cursor_from_the_future_answers_410(app, client, session, world):
    tablet = Tablet(client, token_headers(app, world["rep1"]))
    tablet.pull()
    # The server is restored from a backup: its counter goes back.
    session.execute(update(ChangeCounter).values(value=ChangeCounter.value - 5))
    session.commit()
    response = client.get(f"/api/sync/pull?since={tablet.cursor}", headers=tablet.headers)
    assert response.status_code == 410
    assert response.headers["Content-Type"] == "application/problem+json"
    assert client.get("/api/sync/pull?since=0", headers=tablet.headers).status_code == 200


def test_a_cursor_older_than_the_kept_log_answers_410(app, client, session, world):
    tablet = Tablet(client, token_headers(app, world["rep1"]))
    tablet.pull()
    session.execute(update(ChangeCounter).values(pruned_below=ChangeCounter.value))
    session.commit()
    assert client.get("/api/sync/pull?since=1", headers=tablet.headers).status_code == 410


@pytest.mark.parametrize("query", ["since=abc", "since=-3", "limit=0", "limit=x"])
def test_bad_pull_arguments_are_422_problems(app, client, world, query):
    response = client.get(f"/api/sync/pull?{query}", headers=token_headers(app, world["rep1"]))
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_telemarketer_pulls_accounts_contacts_and_appointments_of_its_team_only(app, client, session, world):
    tele = make_user(session, "telemarketer", team=world["team"])
    session.commit()
    changes = Tablet(client, token_headers(app, tele)).pull()
    assert {c["entity"] for c in changes} == {"account", "contact"}
    assert len([c for c in changes if c["entity"] == "account"]) == 8


def test_a_change_left_unflushed_at_commit_stays_below_the_counter(app, client, session):
    """A record changed outside the engine after the transaction's last flush (the dispatcher
    routing a second quote of an account already in its team's scope) is stamped at commit;
    the counter must cover that number, or a pull from it would report more forever."""
    from sqlalchemy import func, select

    from sync.changes import numbers_for
    from sync.models import ChangeCounter
    from tests.factories import make_account, make_team, make_user, token_headers

    rep = make_user(session, "rep", team=make_team(session))
    account, other = make_account(session, rep), make_account(session, rep)
    session.commit()
    numbers_for(session).stamp(account, ("name",), time_ms=0, user_id=None)  # the counter, locked and used
    session.flush()
    other.notes = "changed after the last flush"
    session.commit()
    counter = session.get(ChangeCounter, 1).value
    assert session.scalar(select(func.max(account.__class__.version))) <= counter
    page = client.get("/api/sync/pull?since=0&limit=1000", headers=token_headers(app, rep)).get_json()
    later = client.get(f"/api/sync/pull?since={page['cursor']}", headers=token_headers(app, rep)).get_json()
    assert later["has_more"] is False and later["changes"] == []

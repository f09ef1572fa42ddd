"""The database goes away under the app: connections cut, refused, stalled, terminated.

PostgreSQL only (a connection that dies is a network and server matter; SQLite has
none). The app under test is a second app on the same database as the `app` fixture,
reached through a small TCP proxy (tests/faults/tcp_proxy.py) that the tests cut; what
reached the database is always read through a direct connection that bypasses it.

Each case ends with the shared check: every acknowledged mutation is in the ledger once
with the result the tablet got, and every unacknowledged one succeeded on retry.
"""
from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from server import create_app, faults
from server.config import TestConfig
from server.db import new_id
from server.extensions import db
from tests.factories import make_account, make_team, make_user, token_headers
from tests.faults.check import Sent, assert_nothing_lost_nothing_doubled, ledger
from tests.faults.tcp_proxy import TcpProxy
from tests.sync.helpers import iso, mutation

PG_URL = os.environ.get("TOURNEE_TEST_DATABASE_URL") or ""
APP_NAME = "tournee-app-under-fault"  # application_name of the app under test's sessions
CONNECT_TIMEOUT_S = 2  # the app's DATABASE_CONNECT_TIMEOUT_S here (psycopg's floor is 2 s)
# An answer from a database that is down comes without waiting out a timeout: psycopg alone
# waits 130 s on a dead socket, and a connect timeout per dead pooled connection would add
# 3 × CONNECT_TIMEOUT_S = 6 s. The bound leaves room for the push itself on a loaded shared
# machine (2.8 s seen in CI with another job running beside it, against 2.0 s allowed before).
FAST_S = 5.0

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="needs TOURNEE_TEST_DATABASE_URL (PostgreSQL)"),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),  # the conftest's PostgreSQL database
]


# -- the app under test, the proxy, and a direct connection -------------------------------

@pytest.fixture
def proxy(database_url):
    url = make_url(database_url)
    with TcpProxy(upstream=(url.host or "127.0.0.1", url.port or 5432)) as running:
        yield running


def _serve(database_url: str):
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, DATABASE_CONNECT_TIMEOUT_S=CONNECT_TIMEOUT_S)


def _close(served) -> None:
    faults.disarm_all()
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def proxied(app, proxy, database_url):
    """The app under test, talking to the test database through the proxy."""
    served = _serve(proxy.url(database_url, application_name=APP_NAME))
    yield served
    _close(served)


@pytest.fixture
def direct(app, database_url):
    """The app under test, talking to the test database directly (its sessions named APP_NAME)."""
    url = make_url(database_url).update_query_dict({"application_name": APP_NAME}).render_as_string(hide_password=False)
    served = _serve(url)
    yield served
    _close(served)


@pytest.fixture
def admin(database_url):
    """A direct connection factory, bypassing the proxy: what the database really holds."""
    engine = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    account = make_account(session, rep, phone="+33 3 80 00 00 00", notes="avant")
    session.commit()
    headers = token_headers(app, rep)
    return SimpleNamespace(rep_id=rep.id, account_id=account.id, headers=headers)


def a_batch(world, base_version: int) -> list[dict]:
    """What a rep's tablet sends after a morning: two visits, an account edit, a quote request."""
    now = datetime.now(UTC)
    visit = {"account_id": world.account_id, "kind": "onsite", "outcome": "interested"}
    return [
        mutation("visit", "create", new_id(), {**visit, "started_at": iso(now - timedelta(hours=3)),
                                               "ended_at": iso(now - timedelta(hours=2))}),
        mutation("visit", "create", new_id(), {**visit, "started_at": iso(now - timedelta(hours=1)),
                                               "ended_at": iso(now - timedelta(minutes=20))}),
        mutation("account", "update", world.account_id, {"phone": "+33 3 80 55 55 55"}, base_version=base_version),
        mutation("quote_request", "create", new_id(), {"account_id": world.account_id,
                                                       "items": [{"label": "Joint de culasse", "quantity": 1}]}),
    ]


def push(client, world, mutations, client_id="tablet-1"):
    return client.post("/api/sync/push", json={"client_id": client_id, "mutations": mutations}, headers=world.headers)


def stored(admin, world, mutations) -> dict:
    """What the database holds of `mutations` and around them, read directly."""
    ids = [m["id"] for m in mutations if m["op"] == "create"]
    with admin.connect() as conn:
        def count(table: str, column: str = "id") -> int:
            return conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE {column} = ANY(:ids)'),
                                {"ids": ids}).scalar()
        phone, notes, version = conn.execute(text("SELECT phone, notes, version FROM account WHERE id = :id"),
                                             {"id": world.account_id}).one()
        return {"ledger": ledger(conn, [m["mutation_id"] for m in mutations]),
                "ledger_rows_of_rep": conn.execute(text("SELECT count(*) FROM sync_mutation WHERE user_id = :u"),
                                                   {"u": world.rep_id}).scalar(),
                "visits": count("visit"), "quotes": count("quote_request"),
                "outbox_events": count("outbox_event", "quote_id"), "contacts": count("contact"),
                "account": (phone, notes, version),
                "counter": conn.execute(text("SELECT value FROM sync_counter")).scalar()}


def account_version(admin, world) -> int:
    with admin.connect() as conn:
        return conn.execute(text("SELECT version FROM account WHERE id = :id"), {"id": world.account_id}).scalar()


def assert_unavailable(response) -> None:
    """503 problem+json with Retry-After: the tablet keeps its outbox and tries again."""
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("/unavailable")
    assert int(response.headers["Retry-After"]) > 0


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def app_backends(admin) -> dict[int, str]:
    """pid → state of the app under test's sessions on the server."""
    with admin.connect() as conn:
        rows = conn.execute(text("SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND application_name = :name"), {"name": APP_NAME})
        return {pid: state for pid, state in rows}


def gone_soon(admin, pid: int, within_s: float = 5.0) -> bool:
    """PostgreSQL ended backend `pid` (and so rolled its transaction back) within `within_s`."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if pid not in app_backends(admin):
            return True
        time.sleep(0.05)
    return False


def terminate_app_backends(admin) -> int:
    """What a restart or a failover does to the app's sessions: every one of them ends.
    (Only the app under test's: the suite's own connections share the server.)"""
    with admin.connect() as conn:
        return len(conn.execute(text(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = :name AND pid <> pg_backend_pid()"),
            {"name": APP_NAME}).all())


def hold_connections(served, n: int) -> None:
    """Leave `n` pooled connections in the app's pool, idle (as after a busy minute)."""
    with served.app_context():
        held = [db.engine.connect() for _ in range(n)]
        for conn in held:
            conn.execute(text("SELECT 1"))
        for conn in held:
            conn.close()


def own_backend_pid() -> int:
    """The backend of the request's own transaction (called at a fault point, in the request)."""
    return db.session.execute(text("SELECT pg_backend_pid()")).scalar()


def retry_until_applied(client, world, mutations, sent: Sent) -> list[dict]:
    """The tablet's retry, then a replay of the same batch (its answer was 'lost')."""
    response = push(client, world, mutations)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    sent.acknowledge(mutations, results)
    replay = push(client, world, mutations)
    assert replay.status_code == 200, replay.get_json()
    sent.acknowledge(mutations, replay.get_json()["results"])  # P3: the same results, byte for byte
    return results


def assert_applied_once(admin, world, mutations, sent: Sent, base_version: int) -> None:
    # the account edit merges with the visits' own change to the account (last_visit_at)
    assert [sent.acknowledged[m["mutation_id"]]["status"] for m in mutations] == ["applied", "applied", "merged",
                                                                                    "applied"]
    with admin.connect() as conn:
        assert_nothing_lost_nothing_doubled(conn, sent)
    now = stored(admin, world, mutations)
    assert (now["visits"], now["quotes"], now["outbox_events"]) == (2, 1, 1)
    assert now["account"][0] == "+33 3 80 55 55 55"
    assert now["account"][2] > base_version


# -- a. the connection is cut in the middle of a push -------------------------------------

def test_a_push_cut_before_commit_answers_503_commits_nothing_and_its_retry_applies_once(proxied, proxy, admin, world):
    client = proxied.test_client()
    base = account_version(admin, world)
    mutations = a_batch(world, base)
    sent = Sent()
    sent.add(mutations)
    before = stored(admin, world, mutations)
    hold_connections(proxied, 3)  # the pool holds more connections than the push uses: all die
    cut_session: list[int] = []
    faults.arm("push.before_commit", lambda: (cut_session.append(own_backend_pid()), proxy.cut()))

    response, took = timed(lambda: push(client, world, mutations))

    assert_unavailable(response)
    assert took < FAST_S
    assert cut_session and proxy.counters.cut >= 3
    assert gone_soon(admin, cut_session[0]), "PostgreSQL kept the cut session (and its transaction) alive"
    assert stored(admin, world, mutations) == before, "a cut push left part of its batch committed"

    # The app's pool held only dead connections; the next request does not pay for them.
    # (Here SQLAlchemy already dropped the whole pool when the commit met the dead socket;
    # deaths nobody saw are pool_pre_ping's, in the tests below.)
    following, took = timed(lambda: client.get("/api/sync/pull?since=0", headers=world.headers))
    assert following.status_code == 200, following.get_json()
    assert took < FAST_S

    retry_until_applied(client, world, mutations, sent)
    assert_applied_once(admin, world, mutations, sent, base)


def test_a_connections_cut_while_idle_are_replaced_on_checkout(proxied, proxy, admin, world):
    """pool_pre_ping: connections that died between two requests are tested before use."""
    client = proxied.test_client()
    assert client.get("/api/sync/pull?since=0", headers=world.headers).status_code == 200
    hold_connections(proxied, 3)
    assert proxy.cut() >= 3
    base = account_version(admin, world)
    mutations = a_batch(world, base)
    sent = Sent()
    sent.add(mutations)
    response, took = timed(lambda: push(client, world, mutations))
    assert response.status_code == 200, response.get_json()  # never a 503 for a death nobody saw
    assert took < FAST_S
    sent.acknowledge(mutations, response.get_json()["results"])
    for _ in range(3):
        assert client.get("/api/sync/pull?since=0", headers=world.headers).status_code == 200
    assert_applied_once(admin, world, mutations, sent, base)


# -- b. the database is down for a while (a restart) --------------------------------------

def test_b_database_down_answers_503_at_once_commits_nothing_and_recovers_without_restart(proxied, proxy, admin, world):
    client = proxied.test_client()
    assert client.get("/api/sync/pull?since=0", headers=world.headers).status_code == 200  # pool warm
    base = account_version(admin, world)
    mutations = a_batch(world, base)
    sent = Sent()
    sent.add(mutations)
    before = stored(admin, world, mutations)
    # The first push starts with the database up and loses it before it commits; the
    # database then stays down: existing connections died, new ones are refused.
    faults.arm("push.before_commit", lambda: (proxy.cut(), proxy.refuse(True)))
    assert_unavailable(push(client, world, mutations))

    attempts = [
        lambda: push(client, world, mutations),
        lambda: client.get("/api/sync/pull?since=0", headers=world.headers),
        lambda: client.get("/api/accounts", headers=world.headers),
        lambda: client.patch(f"/api/accounts/{world.account_id}", json={"changes": {"notes": "pendant"}},
                             headers=world.headers),
        lambda: push(client, world, mutations),
    ]
    for attempt in attempts:
        response, took = timed(attempt)
        assert_unavailable(response)  # never a 500, never a hang
        assert took < FAST_S
    assert proxy.counters.refused >= len(attempts)
    assert stored(admin, world, mutations) == before

    proxy.refuse(False)  # the database is back; the app was not restarted
    retry_until_applied(client, world, mutations, sent)
    assert_applied_once(admin, world, mutations, sent, base)
    assert stored(admin, world, mutations)["account"][1] == "avant"  # the PATCH made while down never landed


def test_b_a_database_that_accepts_but_never_answers_gives_503_within_the_connect_timeout(proxied, proxy, admin, world):
    """A host gone from the network (failover to a new address, partition): connects hang.
    DATABASE_CONNECT_TIMEOUT_S bounds them; psycopg alone would wait 130 s."""
    client = proxied.test_client()
    assert client.get("/api/sync/pull?since=0", headers=world.headers).status_code == 200
    base = account_version(admin, world)
    mutations = a_batch(world, base)
    sent = Sent()
    sent.add(mutations)
    proxy.cut()
    proxy.refuse(True, how="stall")

    answers: list = []
    worker = threading.Thread(target=lambda: answers.append(timed(lambda: push(client, world, mutations))), daemon=True)
    worker.start()
    worker.join(CONNECT_TIMEOUT_S + 5)  # bounded: a hang fails here (the proxy's stop frees the thread)
    assert answers, f"the push still waits for the database after {CONNECT_TIMEOUT_S + 5} s"
    response, took = answers[0]
    assert_unavailable(response)
    assert took < CONNECT_TIMEOUT_S + 3
    assert proxy.counters.refused >= 1
    assert ledger_of(admin, mutations) == {}

    proxy.refuse(False)
    retry_until_applied(client, world, mutations, sent)
    assert_applied_once(admin, world, mutations, sent, base)


def ledger_of(admin, mutations) -> dict:
    with admin.connect() as conn:
        return ledger(conn, [m["mutation_id"] for m in mutations])


# -- c. the server ends the app's sessions (restart, failover) ----------------------------

def test_c_sessions_terminated_between_two_requests_do_not_fail_the_next_one(direct, admin, world):
    client = direct.test_client()
    assert client.get("/api/sync/pull?since=0", headers=world.headers).status_code == 200
    hold_connections(direct, 3)
    assert terminate_app_backends(admin) >= 3
    assert app_backends(admin) == {}

    base = account_version(admin, world)
    mutations = a_batch(world, base)
    sent = Sent()
    sent.add(mutations)
    response = push(client, world, mutations)
    assert response.status_code == 200, response.get_json()  # pool_pre_ping replaced the dead connection
    sent.acknowledge(mutations, response.get_json()["results"])
    for _ in range(3):
        assert client.get("/api/accounts", headers=world.headers).status_code == 200
    assert_applied_once(admin, world, mutations, sent, base)


def test_c_session_terminated_before_commit_answers_503_commits_nothing_and_its_retry_applies(direct, admin, world):
    client = direct.test_client()
    base = account_version(admin, world)
    mutations = a_batch(world, base)
    sent = Sent()
    sent.add(mutations)
    before = stored(admin, world, mutations)
    terminated: list[bool] = []

    def terminate_own_session() -> None:
        pid = own_backend_pid()
        with admin.connect() as conn:  # a separate admin connection, as an operator would
            terminated.append(conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar())

    faults.arm("push.before_commit", terminate_own_session)
    response, took = timed(lambda: push(client, world, mutations))
    assert terminated == [True]
    assert_unavailable(response)
    assert took < FAST_S
    assert stored(admin, world, mutations) == before

    retry_until_applied(client, world, mutations, sent)
    assert_applied_once(admin, world, mutations, sent, base)


# -- d. REST writes cut mid-request ---------------------------------------------------------

def cut_before_commit_of(served, proxy):
    """A one-shot SQLAlchemy listener: when `served` commits, flush its writes, then cut."""
    fired: list[bool] = []

    def listener(session: Session) -> None:
        if fired or current_app._get_current_object() is not served:
            return
        fired.append(True)
        session.flush()  # the writes reach the database, uncommitted
        proxy.cut()

    return listener, fired


@pytest.mark.parametrize("write", ["patch_account", "create_contact"])
def test_d_rest_write_cut_mid_request_answers_503_writes_nothing_and_its_retry_lands_once(
        proxied, proxy, admin, world, write):
    client = proxied.test_client()
    contact_id = new_id()
    if write == "patch_account":
        def send():
            return client.patch(f"/api/accounts/{world.account_id}", json={"changes": {"notes": "après la coupure"}},
                                headers=world.headers)
    else:
        def send():
            return client.post("/api/contacts", json={"id": contact_id, "account_id": world.account_id,
                                                      "name": "Mme Girard"}, headers=world.headers)
    probe = [{"op": "create", "id": contact_id, "mutation_id": new_id()}]
    before = stored(admin, world, probe)
    listener, fired = cut_before_commit_of(proxied, proxy)
    event.listen(Session, "before_commit", listener)
    try:
        response = send()
    finally:
        event.remove(Session, "before_commit", listener)
    assert fired == [True]
    assert_unavailable(response)
    assert stored(admin, world, probe) == before, "a cut REST write left part of it committed"

    retried = send()
    assert retried.status_code in (200, 201), retried.get_json()
    after = stored(admin, world, probe)
    assert after["ledger_rows_of_rep"] == before["ledger_rows_of_rep"] + 1  # applied once
    if write == "patch_account":
        assert after["account"][1] == "après la coupure"
        assert after["account"][2] > before["account"][2]
    else:
        assert after["contacts"] == 1
        again = send()  # the client retries once more: the same id cannot make a second contact
        assert again.status_code == 409, again.get_json()
        assert stored(admin, world, probe)["contacts"] == 1

"""Tablets whose clocks are hours off, and a server whose clock jumps (PROTOCOL M2–M5).

The test owns the true time: `Timeline.at(minutes)` moves to a moment of it, and the
server's clock (time-machine) reads it plus the server's own offset; a tablet's clock
reads it plus the tablet's skew. Mutations carry the tablet's clock (`client_time`), and
the PWA also says what its clock read when it sent the batch (`sent_at`), which lets the
server put those times back on its own clock; older clients omit it and only get the
clamp of future times.

The rules checked: a field edited on two tablets goes to the edit made later in true
time, whatever their clocks say (an old client: the later clamped time, so an ahead
clock never beats an edit made after it reached the server); the losing value is in its
author's conflict log; an edit made after pulling the other's is no conflict at all;
visits keep the times the tablet wrote; change numbers, not clocks, order changes and
pulls; tokens are judged by the server's clock only. Each test ends with the shared
check: nothing lost, nothing doubled.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from server.db import new_id
from server.extensions import db
from tests.factories import PASSWORD, make_account, make_team, make_user
from tests.faults.check import Sent, assert_nothing_lost_nothing_doubled
from tests.sync.helpers import Tablet, iso, mutation

HOUR = timedelta(hours=1)


class Timeline:
    """The true time of the test; the server's clock (time-machine) is it plus `server_offset`."""

    def __init__(self, traveller, start: datetime) -> None:
        self.traveller, self.start = traveller, start
        self.true = start
        self.server_offset = timedelta(0)

    def at(self, minutes: float, *, server_offset: timedelta | None = None) -> None:
        if server_offset is not None:
            self.server_offset = server_offset
        self.true = self.start + timedelta(minutes=minutes)
        self.traveller.move_to(self.true + self.server_offset)


class SkewedTablet(Tablet):
    """A tablet whose clock reads the true time plus `skew`; it queues edits offline and
    pushes its outbox later, as the PWA does (`sent_at` unless it is an older client)."""

    def __init__(self, client, headers, timeline: Timeline, skew: timedelta, sent: Sent, *, sends_sent_at: bool,
                 refresh_token: str | None = None) -> None:
        super().__init__(client, headers)
        self.timeline, self.skew, self.sent = timeline, skew, sent
        self.sends_sent_at, self.refresh_token = sends_sent_at, refresh_token
        self.outbox: list[dict] = []

    def now(self) -> datetime:
        return self.timeline.true + self.skew

    def edit(self, entity: str, op: str, record_id: str, changes: dict, base_version: int | None = None) -> dict:
        typed = mutation(entity, op, record_id, changes, base_version=base_version, client_time=self.now())
        self.outbox.append(typed)
        self.sent.add([typed])
        return typed

    def push_outbox(self) -> list[dict]:
        body = {"client_id": self.client_id, "mutations": self.outbox}
        if self.sends_sent_at:
            body["sent_at"] = iso(self.now())
        response = self.client.post("/api/sync/push", json=body, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        self.sent.acknowledge(self.outbox, results)
        self.outbox = []
        return results

    def refresh(self) -> None:
        response = self.client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {self.refresh_token}"})
        assert response.status_code == 200, response.get_json()
        pair = response.get_json()
        self.headers = {"Authorization": f"Bearer {pair['access_token']}"}
        self.refresh_token = pair["refresh_token"]

    def conflicts(self) -> list[tuple]:
        response = self.client.get("/api/sync/conflicts", headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return [(c["field"], c["lost_value"], c["kept_value"]) for c in response.get_json()]

    def account(self, account_id: str) -> dict:
        return self.replica[("account", account_id)]


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    account = make_account(session, rep, phone="+33 3 80 00 00 00", notes="")
    session.commit()
    return SimpleNamespace(rep=rep, manager=manager, account_id=account.id, sent=Sent())


@pytest.fixture
def timeline():
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield Timeline(traveller, start)


def sign_in(client, user) -> dict:
    """POST /api/auth/login, as the tablet does: the tablet's clock plays no part."""
    response = client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def tablet(client, world, timeline, user, skew: timedelta, *, sends_sent_at: bool = True) -> SkewedTablet:
    pair = sign_in(client, user)
    return SkewedTablet(client, {"Authorization": f"Bearer {pair['access_token']}"}, timeline, skew, world.sent,
                        sends_sent_at=sends_sent_at, refresh_token=pair["refresh_token"])


def stored_account(world) -> dict:
    """The account as stored, read in a transaction that ends at once (SQLite: no lock kept)."""
    from server.accounts.models import Account
    db.session.expire_all()
    account = db.session.get(Account, world.account_id)
    values = {"phone": account.phone, "field_meta": dict(account.field_meta)}
    db.session.rollback()
    return values


def stored_phone(world) -> str:
    return stored_account(world)["phone"]


def check(world) -> None:
    with db.engine.connect() as conn:
        assert_nothing_lost_nothing_doubled(conn, world.sent)


# -- one field, two tablets, clocks 12 hours apart ------------------------------------------

AHEAD_PHONE, BEHIND_PHONE = "+33 3 80 11 11 11", "+33 3 80 22 22 22"


def conflict(yours: str, theirs: str, kept: str) -> list[dict]:
    return [{"field": "phone", "yours": yours, "theirs": theirs, "kept": kept}]


@pytest.mark.parametrize("first", ["ahead_pushes_first", "behind_pushes_first"])
def test_tablets_6h_ahead_and_6h_behind_edit_one_field_the_later_edit_wins_in_either_order(
        app, client, world, timeline, first):
    ahead = tablet(client, world, timeline, world.rep, +6 * HOUR)
    behind = tablet(client, world, timeline, world.manager, -6 * HOUR)
    ahead.pull(), behind.pull()
    base = ahead.account(world.account_id)["version"]

    timeline.at(1)  # typed first (its clock says 6 h later)
    ahead.edit("account", "update", world.account_id, {"phone": AHEAD_PHONE}, base)
    timeline.at(3)  # typed two minutes later (its clock says 6 h earlier)
    behind.edit("account", "update", world.account_id, {"phone": BEHIND_PHONE}, base)
    timeline.at(5)
    if first == "ahead_pushes_first":
        assert ahead.push_outbox()[0]["status"] == "applied"
        timeline.at(6)
        assert behind.push_outbox()[0].get("conflicts") == conflict(BEHIND_PHONE, AHEAD_PHONE, "yours")
    else:
        assert behind.push_outbox()[0]["status"] == "applied"
        timeline.at(6)
        assert ahead.push_outbox()[0].get("conflicts") == conflict(AHEAD_PHONE, BEHIND_PHONE, "theirs")

    # The edit typed later in true time is kept, whichever tablet pushed last ...
    assert stored_phone(world) == BEHIND_PHONE
    # ... and the other is never dropped: it waits in its author's conflict log.
    assert ahead.conflicts() == [("phone", AHEAD_PHONE, BEHIND_PHONE)]
    assert behind.conflicts() == []
    check(world)


@pytest.mark.parametrize("first", ["ahead_pushes_first", "behind_pushes_first"])
def test_older_clients_without_sent_at_the_later_clamped_time_wins_and_the_loser_is_logged(
        app, client, world, timeline, first):
    """Without `sent_at` the server cannot tell a tablet's clock is off; M2 only clamps a
    time in the future to the receive time. The behind tablet's edit carries a time 6 h
    in the past, so the ahead one's (clamped) is later, in either order: that is the rule,
    and the behind tablet's value waits in its conflict log."""
    ahead = tablet(client, world, timeline, world.rep, +6 * HOUR, sends_sent_at=False)
    behind = tablet(client, world, timeline, world.manager, -6 * HOUR, sends_sent_at=False)
    ahead.pull(), behind.pull()
    base = ahead.account(world.account_id)["version"]
    timeline.at(1)
    ahead.edit("account", "update", world.account_id, {"phone": AHEAD_PHONE}, base)
    timeline.at(3)
    behind.edit("account", "update", world.account_id, {"phone": BEHIND_PHONE}, base)
    timeline.at(5)
    if first == "ahead_pushes_first":
        assert ahead.push_outbox()[0]["status"] == "applied"
        timeline.at(6)
        assert behind.push_outbox()[0].get("conflicts") == conflict(BEHIND_PHONE, AHEAD_PHONE, "theirs")
    else:
        assert behind.push_outbox()[0]["status"] == "applied"
        timeline.at(6)
        assert ahead.push_outbox()[0].get("conflicts") == conflict(AHEAD_PHONE, BEHIND_PHONE, "yours")
    assert stored_phone(world) == AHEAD_PHONE
    assert behind.conflicts() == [("phone", BEHIND_PHONE, AHEAD_PHONE)]
    assert ahead.conflicts() == []
    check(world)


@pytest.mark.parametrize("sends_sent_at", [True, False], ids=["pwa", "older_client"])
def test_a_clock_hours_ahead_does_not_beat_an_edit_made_after_it_reached_the_server(
        app, client, world, timeline, sends_sent_at):
    """M2: a time in the future counts as the receive time; otherwise the ahead tablet's
    edit would look 6 h newer than anything typed since, and win every conflict."""
    ahead = tablet(client, world, timeline, world.rep, +6 * HOUR, sends_sent_at=sends_sent_at)
    punctual = tablet(client, world, timeline, world.manager, timedelta(0), sends_sent_at=sends_sent_at)
    ahead.pull(), punctual.pull()
    base = ahead.account(world.account_id)["version"]
    timeline.at(1)
    ahead.edit("account", "update", world.account_id, {"phone": AHEAD_PHONE}, base)
    timeline.at(2)
    assert ahead.push_outbox()[0]["status"] == "applied"
    timeline.at(4)  # offline since before that push: a concurrent edit, typed later
    punctual.edit("account", "update", world.account_id, {"phone": BEHIND_PHONE}, base)
    timeline.at(5)
    assert punctual.push_outbox()[0].get("conflicts") == conflict(BEHIND_PHONE, AHEAD_PHONE, "yours")
    assert stored_phone(world) == BEHIND_PHONE
    assert ahead.conflicts() == [("phone", AHEAD_PHONE, BEHIND_PHONE)]
    check(world)


def test_a_clock_ahead_that_pushes_last_does_not_win_over_an_edit_typed_after_its_own(app, client, world, timeline):
    """The case the clamp alone gets wrong: the ahead tablet typed first but pushes last,
    so its clamped time (the receive time) is later than the other edit. With `sent_at`
    the server knows the tablet's clock is 6 h ahead and puts its edit back at minute 1."""
    ahead = tablet(client, world, timeline, world.rep, +6 * HOUR)
    punctual = tablet(client, world, timeline, world.manager, timedelta(0))
    ahead.pull(), punctual.pull()
    base = ahead.account(world.account_id)["version"]
    timeline.at(1)
    ahead.edit("account", "update", world.account_id, {"phone": AHEAD_PHONE}, base)
    timeline.at(3)
    punctual.edit("account", "update", world.account_id, {"phone": BEHIND_PHONE}, base)
    timeline.at(4)
    assert punctual.push_outbox()[0]["status"] == "applied"
    timeline.at(12)  # back in coverage
    assert ahead.push_outbox()[0].get("conflicts") == conflict(AHEAD_PHONE, BEHIND_PHONE, "theirs")
    assert stored_phone(world) == BEHIND_PHONE
    assert ahead.conflicts() == [("phone", AHEAD_PHONE, BEHIND_PHONE)]
    check(world)


@pytest.mark.parametrize("sent_at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "now"])
def test_a_nonsense_sent_at_neither_breaks_the_push_nor_dates_an_edit_after_its_arrival(
        app, client, world, timeline, sent_at):
    rep = tablet(client, world, timeline, world.rep, timedelta(0))
    rep.pull()
    typed = rep.edit("account", "update", world.account_id, {"phone": AHEAD_PHONE},
                     rep.account(world.account_id)["version"])
    typed["client_time"] = "9999-12-31T23:59:59Z"
    timeline.at(1)
    sent_at = iso(rep.now()) if sent_at == "now" else sent_at  # "now": a right clock, a client_time in year 9999
    response = client.post("/api/sync/push", json={"client_id": rep.client_id, "sent_at": sent_at,
                                                   "mutations": rep.outbox}, headers=rep.headers)
    assert response.status_code == 200, response.get_json()
    world.sent.acknowledge(rep.outbox, response.get_json()["results"])
    _version, time_ms, *_ = stored_account(world)["field_meta"]["phone"]
    assert time_ms <= int(datetime.now(UTC).timestamp() * 1000)  # never after it reached the server
    check(world)


# -- not concurrent: the behind tablet had seen the other edit -------------------------------

@pytest.mark.parametrize("sends_sent_at", [True, False], ids=["pwa", "older_client"])
def test_a_tablet_behind_that_pulled_the_other_edit_overwrites_it_without_conflict(
        app, client, world, timeline, sends_sent_at):
    punctual = tablet(client, world, timeline, world.rep, timedelta(0), sends_sent_at=sends_sent_at)
    behind = tablet(client, world, timeline, world.manager, -6 * HOUR, sends_sent_at=sends_sent_at)
    punctual.pull()
    timeline.at(1)
    punctual.edit("account", "update", world.account_id, {"phone": AHEAD_PHONE},
                  punctual.account(world.account_id)["version"])
    timeline.at(2)
    punctual.push_outbox()
    timeline.at(3)
    behind.pull()  # it has seen the punctual edit; its clock says 6 h before it
    assert behind.account(world.account_id)["phone"] == AHEAD_PHONE
    timeline.at(4)
    behind.edit("account", "update", world.account_id, {"phone": BEHIND_PHONE},
                behind.account(world.account_id)["version"])
    timeline.at(5)
    result = behind.push_outbox()[0]
    assert result["status"] == "applied" and "conflicts" not in result  # M3: versions decide, not clocks
    assert stored_phone(world) == BEHIND_PHONE
    assert punctual.conflicts() == [] and behind.conflicts() == []
    check(world)


# -- visits keep the rep's times -------------------------------------------------------------

@pytest.mark.parametrize("skew", [3 * HOUR, -24 * HOUR], ids=["3h_ahead", "a_day_behind"])
def test_visits_from_a_skewed_tablet_are_accepted_with_the_times_it_wrote(app, client, world, timeline, skew):
    """started_at/ended_at are the rep's record of the visit, not a clock the server
    rewrites; the tablet's sign-in and token do not depend on its clock either."""
    rep_tablet = tablet(client, world, timeline, world.rep, skew)
    timeline.at(8)
    written = []
    for minutes_ago in (45, 10):
        started = rep_tablet.now() - timedelta(minutes=minutes_ago)
        visit = rep_tablet.edit("visit", "create", new_id(), {
            "account_id": world.account_id, "kind": "onsite", "outcome": "interested",
            "started_at": iso(started), "ended_at": iso(started + timedelta(minutes=8))})
        written.append((visit["id"], started, started + timedelta(minutes=8)))
    timeline.at(9)
    assert [r["status"] for r in rep_tablet.push_outbox()] == ["applied", "applied"]

    rep_tablet.pull()
    from server.visits.models import Visit
    for visit_id, started, ended in written:
        pulled = rep_tablet.replica[("visit", visit_id)]
        assert (parse(pulled["started_at"]), parse(pulled["ended_at"])) == (started, ended)
        row = db.session.get(Visit, visit_id)
        assert (row.started_at, row.ended_at) == (started, ended)
    db.session.rollback()
    check(world)


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- the server's clock jumps ------------------------------------------------------------------

def test_server_clock_jumping_an_hour_back_and_forth_keeps_change_order_tokens_and_cursor(
        app, client, world, timeline):
    """Change numbers order changes and pulls; times only break ties between concurrent
    edits. Tokens are judged by the server's clock alone: an hour forward, the access token
    has expired and the refresh token gets a new one."""
    rep = tablet(client, world, timeline, world.rep, timedelta(0))
    rep.pull()
    v0 = rep.account(world.account_id)["version"]
    rep.edit("account", "update", world.account_id, {"notes": "un"}, v0)
    (first,) = rep.push_outbox()
    rep.pull()
    cursor_after_first = rep.cursor  # the rep pulls again only after the jumps

    # The server's clock steps back an hour. A tablet 6 h behind signs in (a token issued
    # before the step would be refused as not yet valid, iat/nbf, until the clock caught
    # up), pulls, and edits after the first change: applied, with a higher change number
    # though an earlier time.
    timeline.at(1, server_offset=-HOUR)
    behind = tablet(client, world, timeline, world.manager, -6 * HOUR)
    behind.pull()
    behind.edit("account", "update", world.account_id, {"notes": "deux"}, behind.account(world.account_id)["version"])
    (second,) = behind.push_outbox()
    assert second["status"] == "applied" and second["version"] > first["version"]

    # An hour forward of the true time: the rep's 15-minute access token has expired by the
    # server's clock; its refresh token is good. Its cursor brings exactly the second change.
    timeline.at(2, server_offset=+HOUR)
    assert rep.client.get("/api/sync/pull?since=0", headers=rep.headers).status_code == 401
    rep.refresh()
    assert rep.cursor == cursor_after_first
    changes = rep.pull()
    assert [(c["entity"], c["id"], c["version"]) for c in changes] == [("account", world.account_id, second["version"])]
    assert rep.account(world.account_id)["notes"] == "deux"
    rep.edit("account", "update", world.account_id, {"notes": "trois"}, second["version"])
    (third,) = rep.push_outbox()
    assert third["status"] == "applied" and third["version"] > second["version"]

    behind.refresh()
    assert [c["version"] for c in behind.pull()] == [third["version"]]
    assert behind.account(world.account_id)["notes"] == "trois"
    assert rep.conflicts() == [] and behind.conflicts() == []
    check(world)

"""The reason a tour gives for an account it leaves out is the true one (server/tours/planning.py
`_split_reason`, planner._reason): a due account past its segment's share of the day (the time
split, server/tours/due.py) is left out "its segment's share of the day is used", not "no time
left in the working day" on a day that ends early."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.db import utcnow
from tests.factories import make_account
from tests.tours.world import HOME, a_working_day, make_world

TIME_SPLIT = "its segment's share of the day is used"


@pytest.fixture
def world(session):
    world = make_world(session, due_accounts=0)
    now = utcnow()
    for n in range(12):  # more overdue A accounts next door than the A share of a day (50 %)
        make_account(session, world.rep, name=f"A {n:02d}", segment="A", computed_segment="A",
                     lat=HOME[0] + 0.004 * (n + 1), lon=HOME[1], last_visit_at=now - timedelta(days=60),
                     next_due_at=now - timedelta(days=10))
    for n in range(3):
        make_account(session, world.rep, name=f"C {n}", segment="C", computed_segment="C",
                     lat=HOME[0], lon=HOME[1] + 0.004 * (n + 1), last_visit_at=now - timedelta(days=300),
                     next_due_at=now - timedelta(days=10))
    session.commit()
    return world


def test_accounts_past_their_segments_share_are_left_out_for_the_time_split(app, client, world):
    tour = client.get(f"/api/tours/{world.rep.id}/{a_working_day().isoformat()}",
                      headers=world.headers(app, "rep")).get_json()
    planned = [s for s in tour["stops"] if s["kind"] in ("due", "overdue")]
    assert {s["segment"] for s in planned} == {"A", "C"}  # the C share is kept, though A are more urgent
    reasons = {u["reason"] for u in tour["unplanned"]}
    assert reasons == {TIME_SPLIT}, tour["unplanned"]
    assert tour["unplanned"]  # some A accounts were left out, each for the split

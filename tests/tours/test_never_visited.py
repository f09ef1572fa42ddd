"""Accounts never visited are due (server/tours/due.py): an imported customer base, all C
until its criteria are filled in, fills the tours instead of vanishing from them, nearest
to the rep's home first, ranked with the most overdue of their segment; those without a
position are listed unplanned (`no_location`), whatever their segment."""
from __future__ import annotations

import math
import random

import pytest

from tests.factories import make_account
from tests.tours.world import HOME, a_working_day, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=0)  # the rep, the team: no account yet


def _distance(account) -> float:
    return math.hypot(account.lat - HOME[0], (account.lon - HOME[1]) * math.cos(math.radians(HOME[0])))


def test_an_imported_base_of_c_accounts_fills_the_tour_from_the_nearest(app, client, session, world):
    rng = random.Random(3)
    imported = [make_account(session, world.rep, name=f"Import {n:03d}", segment="C", computed_segment="C",
                             status="prospect", lat=HOME[0] + rng.uniform(-0.4, 0.4), lon=HOME[1] + rng.uniform(-0.5, 0.5))
                for n in range(120)]  # never visited: no last visit, no due date
    unlocated_c = make_account(session, world.rep, name="Import sans adresse", segment="C", computed_segment="C",
                               lat=None, lon=None)
    unlocated_b = make_account(session, world.rep, name="Client B sans adresse", segment="B", computed_segment="B",
                               lat=None, lon=None)
    session.commit()

    tour = client.get(f"/api/tours/{world.rep.id}/{a_working_day().isoformat()}",
                      headers=world.headers(app, "rep")).get_json()
    stops = [s for s in tour["stops"] if s["kind"] in ("due", "overdue")]
    assert len(stops) >= 5, tour  # a day's work, not an empty tour
    assert {s["kind"] for s in stops} == {"due"}  # never visited: due, not overdue
    # the candidates are the nearest to home: every planned stop among the nearest third
    by_distance = sorted(imported, key=_distance)
    nearest = {a.id for a in by_distance[:40]}
    assert {s["account_id"] for s in stops} <= nearest
    unplanned = {u["account_id"]: u["reason"] for u in tour["unplanned"]}
    assert unplanned.get(unlocated_b.id) == "no_location"
    assert unplanned.get(unlocated_c.id) == "no_location"  # an imported C the gazetteer could not place is named too

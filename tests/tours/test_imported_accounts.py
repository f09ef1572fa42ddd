"""Accounts an import brings reach the tours (server/tours/due.py, README → Check): never
visited, each is due at once and ranks with the most overdue of its segment, nearest to the
rep's home first; one the gazetteer could not place is listed `no_location`; and the import
marks the kept plans of the reps it touched stale, as a booking or a visit does."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.accounts.models import Account
from server.db import utcnow
from server.segmentation.cadence import cadence
from server.tours.context import day_bounds
from server.tours.due import NEVER_VISITED_DAYS, due_accounts
from server.tours.models import TourPlan, TourPlanJob
from tests.factories import make_account
from tests.tours.world import HOME, PARIS, a_working_day, make_world


@pytest.fixture
def world(session):
    return make_world(session, due_accounts=30)  # A, B and C accounts overdue by 1 to 60 days


def _import(app, client, world, text: str):
    body = {"file": (io.BytesIO(text.encode("cp1252")), "export.csv")}  # as French Excel writes it
    return client.post("/api/accounts/import", data=body, content_type="multipart/form-data",
                       headers={**world.headers(app, "manager"), "Accept-Language": "en"})


def test_imported_accounts_are_planned_and_the_unlocated_one_is_named(app, client, session, world):
    # The world's accounts overdue by 30 days at most on the days planned (planned from a Saturday,
    # its 60-days-late ones are over 9 weeks late by Tuesday and rightly come before the imported).
    session.execute(update(Account).where(Account.owner_id == world.rep.id, Account.last_visit_at.isnot(None))
                    .values(next_due_at=utcnow() - timedelta(days=30)))
    session.commit()
    monday = a_working_day(weekday=0)
    tour_url = f"/api/tours/{world.rep.id}/{monday.isoformat()}"
    before = client.get(tour_url, headers=world.headers(app, "rep"))
    assert before.status_code == 200
    session.execute(TourPlanJob.__table__.delete())  # the quick plan's job: the import must queue its own
    session.commit()

    rep = world.rep.email
    response = _import(app, client, world, "Raison sociale;Adresse;Code postal;Ville;Commercial\r\n"
                       f"Société Générale des Eaux;;21000;Dijon;{rep}\r\n"
                       f"Crèches Réunies;;21000;Dijon;{rep}\r\n"
                       f"Garage Müller;;21999;;{rep}\r\n")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["located"]["none"] == 1  # and the report names it, for the desk to list
    assert response.get_json()["unlocated"] == [{"name": "Garage Müller", "postcode": "21999", "city": None}]
    kept = session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == world.rep.id, TourPlan.date == monday))
    assert kept["stale"] is True  # the rep's due list changed: its kept plan is planned again
    assert session.scalar(select(TourPlanJob.rep_id).where(TourPlanJob.date == monday)) == world.rep.id

    by_name = dict(session.execute(select(Account.name, Account.id).where(Account.owner_id == world.rep.id,
                                                                           Account.last_visit_at.is_(None))).all())
    tour = client.get(tour_url, headers=world.headers(app, "rep")).get_json()
    tuesday = client.get(f"/api/tours/{world.rep.id}/{(monday + timedelta(days=1)).isoformat()}",
                         headers=world.headers(app, "rep")).get_json()
    stops = {s["account_id"]: s for day in (tour, tuesday) for s in day["stops"]}
    # ranked with the C accounts overdue longest, they take the C share of the first days
    assert by_name["Société Générale des Eaux"] in stops and by_name["Crèches Réunies"] in stops
    assert stops[by_name["Crèches Réunies"]]["kind"] == "due"
    assert {"account_id": by_name["Garage Müller"], "reason": "no_location"} in tour["unplanned"]
    assert {"account_id": by_name["Garage Müller"], "reason": "no_location"} in tuesday["unplanned"]
    assert tour["stale"] is False


def test_a_never_visited_account_ranks_with_the_most_overdue_of_its_segment(session, world):
    now = utcnow()
    day = a_working_day()
    start, end = day_bounds(day, PARIS)
    late = make_account(session, world.rep, name="Très en retard", segment="C", computed_segment="C",
                        lat=HOME[0] + 0.3, lon=HOME[1], last_visit_at=now - timedelta(days=400),
                        next_due_at=start - timedelta(days=NEVER_VISITED_DAYS + 10))
    fresh = make_account(session, world.rep, name="Importé", segment="C", computed_segment="C",
                         lat=HOME[0] + 0.3, lon=HOME[1] + 0.1)
    session.commit()
    due = [d for d in due_accounts(session, rep_id=world.rep.id, day_start=start, day_end=end, horizon_days=7,
                                   policy=cadence(session), home=HOME) if d.segment == "C"]
    assert [d.account_id for d in due[:2]] == [late.id, fresh.id]  # the 60-days-late ones of the world after
    assert due[1].kind == "due" and due[2].overdue_days < NEVER_VISITED_DAYS

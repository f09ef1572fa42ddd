"""Offline, on a day the tablet never stored, the tour lists the accounts due from local data
by the server's rule (server/tours/due.py, pwa/lib/db.js dueAccounts): an account never
visited is due whatever its segment, nearest to the rep's home first; without a position,
only A and B; a competitor never.

The rep is the test's own, in no team, with only the test's accounts: the demo reps' tours
stay as the other browser tests know them."""
from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from e2e_server import E2E_NOW, Api
from playwright.sync_api import expect
from pwa import new_rep, read_meta, signed_in_synced, workday

pytestmark = pytest.mark.e2e

HOME = {"lat": 47.322, "lon": 5.041}  # Dijon
PARIS = ZoneInfo("Europe/Paris")


def test_offline_with_no_plan_never_visited_accounts_are_due_as_the_server_says(page, context, api, mailbox,
                                                                                live_server):
    rep = Api(live_server.url, new_rep(api, mailbox, HOME)["email"])

    def account(name: str, **fields) -> dict:
        return rep.call("POST", "/api/accounts", {"name": name, "status": "prospect", **fields})

    # Never visited, all of them (created now: no visit, no due date). Without criteria data
    # an account scores C; the override makes one B.
    far = account("Atelier Loin", lat=HOME["lat"] + 0.20, lon=HOME["lon"] + 0.20)
    near = account("Zinc Proche", lat=HOME["lat"] + 0.01, lon=HOME["lon"])
    unlocated_c = account("Cold C sans adresse")
    unlocated_b = account("Client B sans adresse", segment_override={"segment": "B", "reason": "Siège décideur"})
    rival = account("Concurrent voisin", status="competitor", lat=HOME["lat"], lon=HOME["lon"] + 0.01)
    assert [a["segment"] for a in (far, near, unlocated_c, rival)] == ["C"] * 4 and unlocated_b["segment"] == "B"
    assert unlocated_c["lat"] is None and unlocated_b["lat"] is None

    signed_in_synced(page, rep.user["email"])
    deadline = time.monotonic() + 15
    while read_meta(page, "home") is None:  # GET /api/me, at sign-in, brings the home
        assert time.monotonic() < deadline, "the tablet never kept the rep's home"
        time.sleep(0.2)
    assert read_meta(page, "home") == HOME

    context.set_offline(True)
    day = dt.date.fromisoformat(workday()) + dt.timedelta(days=63)  # never stored on this tablet
    page.goto(f"/#/tour/{day.isoformat()}")
    expect(page.get_by_text("Pas de tournée en mémoire pour ce jour")).to_be_visible()
    stops = page.get_by_test_id("tour-stop")
    # B before C; among the C, the nearest to home first (not the alphabet's order), the
    # unlocated C last (never visited, it is due like the others); the competitor not at all.
    expect(stops).to_have_count(4)
    assert [s.get_attribute("data-account-id") for s in stops.all()] == [unlocated_b["id"], near["id"], far["id"],
                                                                         unlocated_c["id"]]


def test_offline_with_no_plan_an_account_past_its_due_date_is_marked_overdue(page, context, api, mailbox, live_server):
    """The server's rule (server/tours/due.py): overdue when `next_due_at` is before the day's
    start. Offline, the due list says "En retard de N j" for it, not "À voir"."""
    rep = Api(live_server.url, new_rep(api, mailbox, HOME)["email"])
    late = rep.call("POST", "/api/accounts", {"name": "Client en retard", "status": "client",
                                              "lat": HOME["lat"] + 0.01, "lon": HOME["lon"]})
    fresh = rep.call("POST", "/api/accounts", {"name": "Prospect jamais vu", "status": "prospect",
                                               "lat": HOME["lat"] + 0.02, "lon": HOME["lon"]})
    visited = E2E_NOW - dt.timedelta(days=300)
    rep.call("POST", "/api/visits", {"account_id": late["id"], "kind": "onsite", "outcome": "interested",
                                     "started_at": visited.isoformat(),
                                     "ended_at": (visited + dt.timedelta(hours=1)).isoformat()}, expect=201)
    next_due = dt.datetime.fromisoformat(rep.call("GET", f"/api/accounts/{late['id']}")["next_due_at"])
    day = dt.date.fromisoformat(workday()) + dt.timedelta(days=63)  # never stored on this tablet
    assert next_due.astimezone(PARIS).date() < day

    signed_in_synced(page, rep.user["email"])
    context.set_offline(True)
    page.goto(f"/#/tour/{day.isoformat()}")
    row = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{late["id"]}"]'))
    expect(row.locator(".why")).to_have_text(f"En retard de {(day - next_due.astimezone(PARIS).date()).days} j")
    expect(row.locator(".why")).to_have_class(re.compile("is-late"))
    never = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{fresh["id"]}"]'))
    expect(never.locator(".why")).to_have_text("À voir")  # never visited: due, as the server says

"""Offline, on a day the tablet never stored, the tour lists the accounts due from local data
by the server's rule (server/tours/due.py, pwa/lib/db.js dueAccounts): an account never
visited is due whatever its segment, nearest to the rep's home first; without a position,
only A and B; a competitor never.

The rep is the test's own, in no team, with only the test's accounts: the demo reps' tours
stay as the other browser tests know them."""
from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from e2e_server import PASSWORD, Api
from playwright.sync_api import expect
from pwa import invitation_link, read_meta, signed_in_synced, workday

pytestmark = pytest.mark.e2e

HOME = {"lat": 47.322, "lon": 5.041}  # Dijon


def new_rep(api, mailbox) -> dict:
    """A rep with a home and the demo password, created by the admin, its invitation redeemed."""
    email = f"due-{uuid.uuid4().hex[:8]}@example.com"
    user = api("admin@example.com").call("POST", "/api/users", {"email": email, "name": "Hugo Hors-Ligne",
                                                                "role": "rep", "home": HOME}, expect=201)
    link = user["invitation"].get("link") or invitation_link(mailbox, email)
    api().call("POST", "/api/auth/password-reset/confirm",
               {"token": link.split("#/password/", 1)[1], "password": PASSWORD}, expect=204)
    return user



def test_offline_with_no_plan_never_visited_accounts_are_due_as_the_server_says(page, context, api, mailbox,
                                                                                live_server):
    rep = Api(live_server.url, new_rep(api, mailbox)["email"])

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
    # B before C; among the C, the nearest to home first (not the alphabet's order); the
    # unlocated C and the competitor not at all.
    expect(stops).to_have_count(3)
    assert [s.get_attribute("data-account-id") for s in stops.all()] == [unlocated_b["id"], near["id"], far["id"]]

"""Telemarketer: from the call list to a booked visit that the rep's tour and agenda show."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_telemarketer_books_a_slot_and_the_reps_tour_shows_it(page, api):
    marker = f"RDV {uuid.uuid4().hex[:6]}"
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "tele@example.com", "calls")
    row = page.get_by_test_id("call-row").first
    expect(row).to_be_visible()
    account_id = row.get_attribute("data-account-id")
    row.get_by_test_id("call-book").click()

    slot = page.get_by_test_id("slot").first
    expect(slot).to_be_visible(timeout=20_000)
    slot.click()
    page.get_by_test_id("book-purpose").fill(marker)
    page.get_by_test_id("book-submit").click()
    expect(page.locator(".toast")).to_contain_text("réservé")

    tele = api("tele@example.com")
    account = tele.call("GET", f"/api/accounts/{account_id}")
    booked = [a for a in tele.call("GET", f"/api/appointments?rep_id={account['owner_id']}&per_page=1000")["items"]
              if a["purpose"] == marker]
    assert len(booked) == 1 and booked[0]["account_id"] == account_id and booked[0]["status"] == "booked"
    # The rep's tour of that day has the appointment as a stop …
    day = datetime.fromisoformat(booked[0]["start"]).astimezone().date().isoformat()
    tour = tele.call("GET", f"/api/tours/{account['owner_id']}/{day}")
    assert booked[0]["id"] in [s.get("appointment_id") for s in tour["stops"]]
    # … and the rep's tablet receives it in its agenda.
    rep = next(email for email in (f"rep{i}@example.com" for i in range(1, 6))
               if api(email).user["id"] == account["owner_id"])
    assert booked[0]["id"] in api(rep).pull_all().get("appointment", {})


def test_telemarketer_finds_an_account_by_town(page):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "tele@example.com", "calls")
    page.get_by_test_id("desk-nav-book").click()
    page.get_by_test_id("book-search").fill("Beaune")
    result = page.get_by_test_id("book-result").first
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_test_id("slot").first.or_(page.get_by_text("Aucun créneau libre."))).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("book-submit")).to_be_disabled()  # no slot chosen yet

"""The telemarketer's booking screen changes a booked appointment: one of the rep's week opens a
panel that cancels it (after a confirmation) or moves it (a slot typed or proposed, PATCH of its
start and end); a refusal is said in words. An account that already has an appointment to come
says so before "Réserver", and a second booking needs its own confirmation."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import E2E_NOW
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PARIS = ZoneInfo("Europe/Paris")


def unbooked_account(tele) -> dict:
    """An account of the telemarketer's reps, located, with no appointment at all: one a test books
    alone (picked at random past the call list's first rows, which other tests book)."""
    items = tele.call("GET", "/api/accounts?per_page=200&page=2")["items"]
    located = [a for a in items if a["lat"] is not None and a["owner_id"]]
    random.shuffle(located)
    return next(a for a in located
                if not tele.call("GET", f"/api/appointments?account_id={a['id']}&per_page=5")["items"])


def free_slots(tele, account, days: int = 3, minutes: int = 45) -> list[dict]:
    """The rep's free slots for `account` from the pinned today on, as the server proposes them."""
    today = E2E_NOW.date()
    return tele.call("GET", f"/api/reps/{account['owner_id']}/slots?account_id={account['id']}&duration={minutes}"
                            f"&from={today.isoformat()}&to={(today + timedelta(days=days)).isoformat()}&limit=40")


def book(tele, account, slot: dict) -> dict:
    return tele.call("POST", "/api/appointments", {"rep_id": account["owner_id"], "account_id": account["id"],
                                                   "start": slot["start"], "end": slot["end"], "purpose": "e2e"})


def open_booking(page, account_id: str) -> None:
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "tele@example.com", "calls")
    page.evaluate(f"location.hash = '#/desk/book/{account_id}'")


def test_an_appointment_of_the_week_is_cancelled_after_a_confirmation(page, api):
    tele = api("tele@example.com")
    account = unbooked_account(tele)
    booked = book(tele, account, free_slots(tele, account)[0])
    open_booking(page, account["id"])

    opener = page.locator(f"[data-testid=week-appt][data-appointment-id='{booked['id']}']")
    opener.click(timeout=30_000)
    panel = page.get_by_test_id("appt-panel")
    expect(panel).to_contain_text(account["name"])
    page.keyboard.press("Escape")  # the panel has the keyboard: Escape closes it, nothing changed
    expect(panel).to_have_count(0)
    opener.click()
    panel.get_by_test_id("appt-cancel").click()
    # The confirmation first: nothing is cancelled yet, and "Non" keeps it.
    expect(panel.get_by_test_id("appt-cancel-confirm")).to_be_visible()
    assert tele.call("GET", f"/api/appointments/{booked['id']}")["status"] == "booked"
    panel.get_by_test_id("appt-cancel-confirm").click()
    expect(page.locator(".toast")).to_contain_text("Rendez-vous annulé")
    expect(panel).to_have_count(0)

    assert tele.call("GET", f"/api/appointments/{booked['id']}")["status"] == "cancelled"
    # The week is read again: the cancelled appointment has left it, and the warning too.
    expect(page.locator(f"[data-appointment-id='{booked['id']}']")).to_have_count(0)
    expect(page.get_by_test_id("book-existing")).to_have_count(0)


def test_an_appointment_is_moved_to_a_time_typed_and_an_overlap_is_said_in_words(page, api):
    tele = api("tele@example.com")
    account = unbooked_account(tele)
    slots = free_slots(tele, account)
    booked = book(tele, account, slots[0])
    # Another of the rep's appointments, later: moving onto it is refused (409), said in words before.
    others = [a for a in tele.call("GET", f"/api/appointments?rep_id={account['owner_id']}"
                                          f"&start_from={E2E_NOW.isoformat().replace('+', '%2B')}&per_page=200")["items"]
              if a["status"] == "booked" and a["id"] != booked["id"]]
    taken = datetime.fromisoformat(others[0]["start"]).astimezone(PARIS)
    # A free time on another day than the booked one, as the server proposes it.
    old_start = datetime.fromisoformat(booked["start"])
    target = next(datetime.fromisoformat(s["start"]).astimezone(PARIS) for s in free_slots(tele, account, days=10)
                  if datetime.fromisoformat(s["start"]).date() != old_start.astimezone(PARIS).date())
    open_booking(page, account["id"])

    page.locator(f"[data-testid=week-appt][data-appointment-id='{booked['id']}']").click(timeout=30_000)
    panel = page.get_by_test_id("appt-panel")
    panel.get_by_test_id("appt-move").click()
    expect(panel.get_by_test_id("slot").first).to_be_visible(timeout=20_000)  # the account's best slots, to pick from
    panel.get_by_test_id("manual-slot").locator("summary").click()
    panel.get_by_test_id("manual-date").fill(taken.date().isoformat())
    panel.get_by_test_id("manual-time").fill(taken.strftime("%H:%M"))
    # Said before the move is sent (GET /api/reps/{id}/reach → overlap), and "Déplacer ici" waits.
    notice = panel.get_by_test_id("appt-move-reach")
    expect(notice).to_contain_text("chevauche un autre rendez-vous du commercial", timeout=30_000)
    expect(notice).not_to_contain_text("quand même")
    expect(panel.get_by_test_id("appt-move-confirm")).to_be_disabled()
    assert tele.call("GET", f"/api/appointments/{booked['id']}")["start"] == booked["start"]

    panel.get_by_test_id("manual-date").fill(target.date().isoformat())
    panel.get_by_test_id("manual-time").fill(target.strftime("%H:%M"))
    expect(panel.get_by_test_id("appt-move-chosen")).to_contain_text(target.strftime("%H:%M"))
    panel.get_by_test_id("appt-move-confirm").click()
    expect(page.locator(".toast")).to_contain_text("Rendez-vous déplacé")
    expect(panel).to_have_count(0)

    moved = tele.call("GET", f"/api/appointments/{booked['id']}")
    assert moved["status"] == "booked" and moved["version"] > booked["version"]
    assert datetime.fromisoformat(moved["start"]) == target
    length = datetime.fromisoformat(booked["end"]) - old_start
    assert datetime.fromisoformat(moved["end"]) - datetime.fromisoformat(moved["start"]) == length
    # The screen's warning names the new time.
    expect(page.get_by_test_id("book-existing")).to_contain_text(target.strftime("%H:%M"))


def test_a_second_booking_for_the_account_is_said_and_needs_a_confirmation(page, api):
    tele = api("tele@example.com")
    account = unbooked_account(tele)
    open_booking(page, account["id"])
    expect(page.get_by_test_id("slot").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("book-existing")).to_have_count(0)  # nothing booked yet: no warning
    page.get_by_test_id("slot").first.click()
    page.get_by_test_id("book-submit").click()
    expect(page.locator(".toast")).to_contain_text("réservé")

    first = tele.call("GET", f"/api/appointments?account_id={account['id']}")["items"]
    assert len(first) == 1
    when = datetime.fromisoformat(first[0]["start"]).astimezone(PARIS)
    existing = page.get_by_test_id("book-existing")
    expect(existing).to_contain_text("Déjà un rendez-vous le")
    expect(existing).to_contain_text(when.strftime("%H:%M"))

    # "Réserver" again: asked first, nothing booked; then the explicit confirmation books it.
    page.get_by_test_id("slot").first.click()
    page.get_by_test_id("book-submit").click()
    expect(page.get_by_test_id("book-second")).to_be_visible()
    assert len(tele.call("GET", f"/api/appointments?account_id={account['id']}")["items"]) == 1
    page.get_by_test_id("book-submit").click()
    expect(page.locator(".toast").last).to_contain_text("réservé")
    expect(page.get_by_test_id("book-second")).to_have_count(0)
    booked = [a for a in tele.call("GET", f"/api/appointments?account_id={account['id']}")["items"] if a["status"] == "booked"]
    assert len(booked) == 2

    # The warning's "Déplacer ?" opens the move of the account's next appointment (the earlier of the two).
    earliest = min(datetime.fromisoformat(a["start"]) for a in booked).astimezone(PARIS)
    expect(existing).to_contain_text(earliest.strftime("%H:%M"))
    existing.get_by_test_id("book-existing-move").click()
    panel = page.get_by_test_id("appt-panel")
    expect(panel.get_by_test_id("appt-move-choice")).to_be_visible()
    expect(panel.get_by_test_id("appt-when")).to_contain_text(earliest.strftime("%H:%M"))


def test_an_appointment_is_handed_to_a_colleague_of_the_team_at_one_of_their_slots(page, api):
    tele = api("tele@example.com")
    account = unbooked_account(tele)
    booked = book(tele, account, free_slots(tele, account)[0])
    colleague = next(r for r in tele.call("GET", "/api/reps") if r["id"] != account["owner_id"])
    open_booking(page, account["id"])

    page.locator(f"[data-testid=week-appt][data-appointment-id='{booked['id']}']").click(timeout=30_000)
    panel = page.get_by_test_id("appt-panel")
    panel.get_by_test_id("appt-move").click()
    rep = panel.get_by_test_id("appt-move-rep")
    expect(rep).to_have_value(account["owner_id"])  # the booked rep first, named the account's owner
    expect(rep.locator("option:checked")).to_contain_text("titulaire du compte")
    rep.select_option(colleague["id"])
    expect(panel.get_by_test_id("appt-move-other-rep")).to_be_visible()
    first = panel.get_by_test_id("slot").first
    expect(first).to_be_visible(timeout=30_000)
    # The colleague's own slots for the account (their agenda, their drives), as the server proposes them.
    theirs = {datetime.fromisoformat(s["start"]) for s in tele.call(
        "GET", f"/api/reps/{colleague['id']}/slots?account_id={account['id']}&duration=45"
               f"&from={E2E_NOW.date().isoformat()}&to={(E2E_NOW.date() + timedelta(days=14)).isoformat()}&limit=40")}
    first.click()
    chosen = panel.get_by_test_id("appt-move-chosen").inner_text()
    panel.get_by_test_id("appt-move-confirm").click()
    expect(page.locator(".toast")).to_contain_text(f"Rendez-vous confié à {colleague['name']}")
    expect(panel).to_have_count(0)

    moved = tele.call("GET", f"/api/appointments/{booked['id']}")
    assert moved["rep_id"] == colleague["id"] and moved["status"] == "booked"
    start = datetime.fromisoformat(moved["start"]).astimezone(PARIS)
    assert start.strftime("%H:%M") in chosen and start in theirs
    assert datetime.fromisoformat(booked["end"]) - datetime.fromisoformat(booked["start"]) == \
        datetime.fromisoformat(moved["end"]) - datetime.fromisoformat(moved["start"])
    assert tele.call("GET", f"/api/accounts/{account['id']}")["owner_id"] == account["owner_id"]
    # The owner's week no longer shows it; the account's warning still does, to move it again.
    expect(page.locator(f"[data-testid=week-appt][data-appointment-id='{booked['id']}']")).to_have_count(0)
    expect(page.get_by_test_id("book-existing")).to_contain_text(start.strftime("%H:%M"))

"""Telemarketer: from the call list to a booked visit that the rep's tour and agenda show; a time
typed by hand that the rep cannot reach in time is said before booking."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import E2E_NOW
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PARIS = ZoneInfo("Europe/Paris")


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
    # Each day's line says why it is offered, best first: "Sur la tournée" (no extra driving)
    # rather than "+0 min", then the fewest extra minutes.
    expect(page.get_by_test_id("slots-order")).to_contain_text("le plus tôt")
    reasons = page.get_by_test_id("slot-why").all_inner_texts()
    assert reasons and all(re.fullmatch(r"Sur la tournée|\+[1-9]\d* min de route", r) for r in reasons), reasons
    extra = [0 if r == "Sur la tournée" else int(re.sub(r"\D", "", r)) for r in reasons]
    assert extra == sorted(extra)
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


def reach_path(account, start: datetime, minutes: int = 60) -> str:
    """GET /api/reps/{owner}/reach for a visit at the account from `start` (the rep's local time)."""
    local = start.astimezone(PARIS).replace(tzinfo=None)
    return (f"/api/reps/{account['owner_id']}/reach?account_id={account['id']}&start={local.isoformat()}"
            f"&end={(local + timedelta(minutes=minutes)).isoformat()}")


def unreachable_start(tele, account, first_day):
    """A start the account's rep cannot reach in time (the end of one of its appointments
    elsewhere) and the server's answer for it."""
    items = tele.call("GET", f"/api/appointments?rep_id={account['owner_id']}&start_from={first_day.isoformat()}"
                             f"&per_page=200")["items"]
    for a in sorted(items, key=lambda a: a["start"]):
        if a["status"] == "booked" and a["account_id"] != account["id"]:
            end = datetime.fromisoformat(a["end"]).astimezone(PARIS)
            answer = tele.call("GET", reach_path(account, end))
            if answer["late_min"] > 0:
                return end, answer
    raise AssertionError("the demo rep has appointments elsewhere")


def test_telemarketer_books_another_slot_typed_by_hand(page, api):
    """"Autre créneau": the date and time typed are the chosen slot at once (the rep's time), and
    "Réserver" stays on screen, on a laptop's screen too, without scrolling to find it."""
    marker = f"RDV {uuid.uuid4().hex[:6]}"
    page.set_viewport_size({"width": 1366, "height": 768})
    desk_sign_in(page, "tele@example.com", "calls")
    row = page.get_by_test_id("call-row").nth(1)
    account_id = row.get_attribute("data-account-id")
    tele = api("tele@example.com")
    account = tele.call("GET", f"/api/accounts/{account_id}")
    # A free hour ten days on, beyond the proposed ones: where the rep can be, as the server sees it.
    later = E2E_NOW.date() + timedelta(days=10)
    free = tele.call("GET", f"/api/reps/{account['owner_id']}/slots?account_id={account_id}&duration=60"
                            f"&from={later.isoformat()}&to={(later + timedelta(days=4)).isoformat()}")
    start = next(s for s in (datetime.fromisoformat(f["start"]) for f in reversed(free))
                 if tele.call("GET", reach_path(account, s))["reachable"])
    late, warned = unreachable_start(tele, account, E2E_NOW.date() + timedelta(days=1))
    row.get_by_test_id("call-book").click()
    expect(page.get_by_test_id("slot").first).to_be_visible(timeout=20_000)
    page.get_by_test_id("book-purpose").fill(marker)
    page.get_by_test_id("manual-slot").locator("summary").click()
    # A time right after one of the rep's appointments elsewhere: said before booking, still bookable.
    page.get_by_test_id("manual-date").fill(late.date().isoformat())
    page.get_by_test_id("manual-time").fill(late.strftime("%H:%M"))
    reach = page.get_by_test_id("book-reach")
    expect(reach).to_contain_text(f"{warned['late_min']} min de retard")
    expect(reach).to_contain_text("réserver quand même")
    expect(page.get_by_test_id("book-submit")).to_be_enabled()
    page.get_by_test_id("manual-date").fill(start.date().isoformat())
    page.get_by_test_id("manual-time").fill(start.strftime("%H:%M"))
    page.get_by_test_id("book-duration").fill("60")  # a typed slot keeps its start when the length changes
    expect(page.get_by_test_id("book-chosen")).to_contain_text(start.strftime("%H:%M"))
    expect(reach).to_have_count(0)  # a proposed free hour: the rep can be there
    submit = page.get_by_test_id("book-submit")
    expect(submit).to_be_enabled()
    expect(submit).to_be_in_viewport(ratio=1)
    submit.click()
    expect(page.locator(".toast")).to_contain_text("réservé")

    booked = [a for a in tele.call("GET", f"/api/appointments?rep_id={account['owner_id']}&per_page=1000")["items"]
              if a["purpose"] == marker]
    assert len(booked) == 1 and booked[0]["account_id"] == account_id
    assert datetime.fromisoformat(booked[0]["start"]) == start
    assert datetime.fromisoformat(booked[0]["end"]) == start + timedelta(minutes=60)



@pytest.mark.parametrize(("lang", "day_names", "short"), [
    ("fr", ("lundi", "mardi", "mercredi", "jeudi", "vendredi"), "lun."),
    ("en", ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"), "Mon"),
])
def test_the_reps_week_names_its_days_in_full_on_a_desktop(page, lang, day_names, short):
    """At a desktop's width (≥ 1280 px) the rep's week names each day in full with its date
    ("lundi 23 nov."); narrower, where a column has no room, "lun. 23 nov."."""
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size({"width": 1366, "height": 768})
    desk_sign_in(page, "tele@example.com", "calls")
    page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
    days = page.get_by_test_id("week-day")
    expect(days).to_have_count(5, timeout=20_000)
    # innerText: what is on screen (the other form is hidden); the date may go under a long name
    for heading, name in zip(days.all(), day_names):
        text = " ".join(heading.inner_text().split())
        assert re.fullmatch(rf"{name} \d{{1,2}} \S+", text), text
    page.set_viewport_size({"width": 1100, "height": 768})
    text = " ".join(days.first.inner_text().split())
    assert re.fullmatch(rf"{re.escape(short)} \d{{1,2}} \S+", text), text


@pytest.mark.parametrize(("lang", "lines"), [
    ("fr", ["mardi 1 décembre Sur la tournée 08:30 +5 min 10:00 14:00 +5 min",
            "mercredi 2 décembre Sur la tournée 09:00", "jeudi 3 décembre +12 min de route 11:00"]),
    ("en", ["Tuesday 1 December On the way 08:30 +5 min 10:00 14:00 +5 min",
            "Wednesday 2 December On the way 09:00", "Thursday 3 December +12 min driving 11:00"]),
])
def test_each_day_of_the_proposed_slots_is_one_line(page, lang, lines):
    """The server ranks slots best first (least added driving, then earliest), so one day's slots
    come apart (server/tours/slots.py; answer made up here). On screen, one line per day, in the
    order of its best slot, saying why (that slot's driving), its times in the day's order, and a
    time that adds more driving than the day's best says how much."""
    ranked = [("2026-12-01T10:00", 0), ("2026-12-02T09:00", 0), ("2026-12-01T08:30", 5), ("2026-12-01T14:00", 5),
              ("2026-12-03T11:00", 12)]
    answer = [{"start": f"{start}:00+01:00", "end": (datetime.fromisoformat(f"{start}:00+01:00") + timedelta(hours=1)).isoformat(),
               "added_drive_min": n} for start, n in ranked]
    page.route(re.compile(r"/api/reps/[^/]+/slots\?"), lambda route: route.fulfill(json=answer))
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "tele@example.com", "calls")
    page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
    groups = page.get_by_test_id("slot-group")
    expect(groups).to_have_count(3, timeout=20_000)
    assert [" ".join(g.inner_text().split()) for g in groups.all()] == lines
    groups.first.get_by_test_id("slot").first.click()  # 08:30, the day's first time, is the one chosen
    expect(page.get_by_test_id("book-chosen")).to_contain_text("08:30")

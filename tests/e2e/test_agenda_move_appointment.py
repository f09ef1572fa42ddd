"""The rep moves or cancels an appointment from the agenda, offline: tapping it opens a small
form (new day and start time, the length kept; "Annuler le rendez-vous" after a confirmation).
The change shows at once and waits in the outbox; the next sync gives it to the server. A move
out of an absence takes the absence's warning away. A move onto a day the tablet knows is not
worked is refused in the form, in the rep's language, and nothing is queued; a move the server
refuses (a day off the tablet did not know) is listed in Synchro and the agenda shows the
appointment where it still is.

The rep is the test's own (in no team: France's public holidays, the default working hours),
with its own account, so the demo's appointments stay as they are."""
from __future__ import annotations

import datetime as dt

import pytest
from e2e_server import E2E_NOW, Api, new_context
from playwright.sync_api import expect
from pwa import new_rep, pending, signed_in_synced, sync_now
from test_layout import SMALL_TARGETS

pytestmark = pytest.mark.e2e

HOME = {"lat": 47.322, "lon": 5.041}  # Dijon
MONDAY = E2E_NOW.date() + dt.timedelta(days=7 - E2E_NOW.date().weekday())  # the week after the pinned one
TUESDAY, WEDNESDAY, THURSDAY, SATURDAY = (MONDAY + dt.timedelta(days=n) for n in (1, 2, 3, 5))
CHRISTMAS = dt.date(2026, 12, 25)  # a Friday, a public holiday in France (the pinned week's month)


def _rep_with_account(api, mailbox, live_server) -> tuple[Api, dict]:
    rep = Api(live_server.url, new_rep(api, mailbox, HOME)["email"])
    account = rep.call("POST", "/api/accounts", {"name": "Garage du Centre", "status": "prospect",
                                                  "lat": HOME["lat"] + 0.01, "lon": HOME["lon"]})
    return rep, account


def _book(api, rep: Api, account: dict, day: dt.date, start: str, end: str) -> dict:
    return api("admin@example.com").call("POST", "/api/appointments", {
        "rep_id": rep.user["id"], "account_id": account["id"], "contact_id": None, "purpose": "Point annuel",
        "start": f"{day.isoformat()}T{start}:00+01:00", "end": f"{day.isoformat()}T{end}:00+01:00"}, expect=201)


def _on_server(rep: Api, appointment_id: str) -> dict:
    return rep.pull_all()["appointment"][appointment_id]


def _utc(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _card(page, day: dt.date):
    return page.locator(".day.card", has=page.locator(f'a[href="#/tour/{day.isoformat()}"]'))


def _appointment(page, appointment_id: str):
    return page.locator(f"[data-appointment-id='{appointment_id}']")


def test_an_appointment_moved_and_one_cancelled_offline_reach_the_server_at_the_next_sync(browser, live_server, api,
                                                                                        mailbox):
    rep, account = _rep_with_account(api, mailbox, live_server)
    moved = _book(api, rep, account, TUESDAY, "10:00", "10:45")
    cancelled = _book(api, rep, account, THURSDAY, "11:00", "12:00")
    rep.call("POST", f"/api/users/{rep.user['id']}/absences",
             {"from": TUESDAY.isoformat(), "to": TUESDAY.isoformat(), "reason": "training"})
    context = new_context(browser, live_server)
    try:
        page = context.new_page()
        signed_in_synced(page, rep.user["email"])
        page.goto(f"/#/agenda/{MONDAY.isoformat()}")
        expect(_card(page, TUESDAY).get_by_test_id("absence-clash")).to_be_visible(timeout=20_000)
        context.set_offline(True)

        _appointment(page, moved["id"]).get_by_role("button").first.click()  # "Déplacer" is part of it
        form = page.get_by_test_id("appointment-form")
        expect(form).to_be_visible()
        assert page.evaluate(SMALL_TARGETS) == []  # every button and field of the form: 44 px at least
        form.get_by_test_id("appointment-day").fill(WEDNESDAY.isoformat())
        form.get_by_test_id("appointment-time").fill("14:30")
        form.get_by_test_id("appointment-move").click()
        pending(page).to_have_text("1")
        expect(_card(page, WEDNESDAY).locator(f"[data-appointment-id='{moved['id']}']")).to_contain_text("14:30")
        expect(page.get_by_test_id("absence-clash")).to_have_count(0)  # nothing left to move out of the absence

        _appointment(page, cancelled["id"]).get_by_role("button").first.click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("appointment-cancel").click()
        pending(page).to_have_text("2")
        expect(_appointment(page, cancelled["id"])).to_have_count(0)

        context.set_offline(False)
        sync_now(page)
        pending(page).to_have_text("0")
        expect(page.get_by_test_id("sync-rejected")).to_have_count(0)
    finally:
        context.close()
    on_server = _on_server(rep, moved["id"])
    start = dt.datetime.combine(WEDNESDAY, dt.time(14, 30), tzinfo=E2E_NOW.tzinfo)
    assert (_utc(on_server["start"]), _utc(on_server["end"])) == (start, start + dt.timedelta(minutes=45))
    assert on_server["status"] == "booked"
    assert _on_server(rep, cancelled["id"])["status"] == "cancelled"
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{TUESDAY.isoformat()}")
    assert not [w for w in tour["warnings"] if moved["id"] in w]


def _agenda_showing(context, rep, booked: dict):
    """The rep's tablet, signed in and synced, on the week's agenda showing `booked`: the page."""
    page = context.new_page()
    signed_in_synced(page, rep.user["email"])
    page.goto(f"/#/agenda/{MONDAY.isoformat()}")
    expect(_appointment(page, booked["id"])).to_be_visible(timeout=20_000)
    return page


def _move(page, appointment_id: str, day: dt.date, time: str | None = None) -> None:
    """Open the appointment's form (unless open), set the new day (and time), tap "Déplacer"."""
    form = page.get_by_test_id("appointment-form")
    if not form.is_visible():
        _appointment(page, appointment_id).get_by_role("button").first.click()
    form.get_by_test_id("appointment-day").fill(day.isoformat())
    if time:
        form.get_by_test_id("appointment-time").fill(time)
    form.get_by_test_id("appointment-move").click()


def test_a_move_onto_a_day_off_is_refused_at_once_and_nothing_is_queued(browser, live_server, api, mailbox):
    """Offline, the tablet knows the rep's days off (the calendar of GET /api/me, the absences it
    holds, one declared offline too): a move onto one is refused in the form with the reason and
    queues nothing; a move onto a worked day still queues and reaches the server."""
    rep, account = _rep_with_account(api, mailbox, live_server)
    booked = _book(api, rep, account, TUESDAY, "10:00", "11:00")
    context = new_context(browser, live_server)
    try:
        page = _agenda_showing(context, rep, booked)
        context.set_offline(True)
        page.get_by_test_id("absence-open").click()
        page.get_by_test_id("absence-from").fill(THURSDAY.isoformat())
        page.get_by_test_id("absence-to").fill(THURSDAY.isoformat())
        page.get_by_test_id("absence-reason").select_option("training")
        page.get_by_test_id("absence-save").click()
        pending(page).to_have_text("1")  # the absence, waiting for the network

        refused = page.get_by_test_id("appointment-refused")
        for day, reason in ((SATURDAY, "hors de vos jours de la semaine"), (CHRISTMAS, "Noël"),
                            (THURSDAY, "Formation")):
            _move(page, booked["id"], day, "10:00")
            expect(refused).to_contain_text("Vous ne travaillez pas le")
            expect(refused).to_contain_text(reason)
            pending(page).to_have_text("1")
            expect(_card(page, TUESDAY).locator(f"[data-appointment-id='{booked['id']}']")).to_contain_text("10:00")

        _move(page, booked["id"], WEDNESDAY, "14:30")
        pending(page).to_have_text("2")
        expect(_card(page, WEDNESDAY).locator(f"[data-appointment-id='{booked['id']}']")).to_contain_text("14:30")
        expect(refused).to_have_count(0)

        context.set_offline(False)
        sync_now(page)
        pending(page).to_have_text("0")
        expect(page.get_by_test_id("sync-rejected")).to_have_count(0)
    finally:
        context.close()
    assert _utc(_on_server(rep, booked["id"])["start"]) == dt.datetime.combine(WEDNESDAY, dt.time(14, 30),
                                                                              tzinfo=E2E_NOW.tzinfo)


def test_an_english_speaking_rep_is_told_in_english(browser, live_server, api, mailbox):
    rep, account = _rep_with_account(api, mailbox, live_server)
    api("admin@example.com").call("PATCH", f"/api/users/{rep.user['id']}", {"locale": "en"}, expect=200)
    booked = _book(api, rep, account, TUESDAY, "10:00", "11:00")
    context = new_context(browser, live_server)
    try:
        page = _agenda_showing(context, rep, booked)
        context.set_offline(True)
        _move(page, booked["id"], SATURDAY)
        expect(page.get_by_test_id("appointment-refused")).to_contain_text("You do not work on")
        expect(page.get_by_test_id("appointment-refused")).to_contain_text("not one of your weekly working days")
        pending(page).to_have_text("0")
    finally:
        context.close()


def test_a_move_the_server_refuses_is_listed_and_the_agenda_shows_it_back(browser, live_server, api, mailbox):
    """The safety net: an absence declared elsewhere while the tablet is offline is unknown to it,
    so the move onto that day waits in the outbox; the server refuses it at the next sync."""
    rep, account = _rep_with_account(api, mailbox, live_server)
    booked = _book(api, rep, account, TUESDAY, "10:00", "11:00")
    context = new_context(browser, live_server)
    try:
        page = _agenda_showing(context, rep, booked)
        context.set_offline(True)
        api("admin@example.com").call("POST", f"/api/users/{rep.user['id']}/absences",
                                      {"from": WEDNESDAY.isoformat(), "to": WEDNESDAY.isoformat(), "reason": "sick"})
        _move(page, booked["id"], WEDNESDAY)
        pending(page).to_have_text("1")
        expect(_card(page, WEDNESDAY).locator(f"[data-appointment-id='{booked['id']}']")).to_be_visible()

        context.set_offline(False)
        sync_now(page)
        expect(page.get_by_test_id("sync-rejected")).to_have_text("1 refus")
        expect(_card(page, TUESDAY).locator(f"[data-appointment-id='{booked['id']}']")).to_contain_text("10:00")
        expect(_card(page, WEDNESDAY).locator("[data-appointment-id]")).to_have_count(0)
        page.get_by_test_id("sync-rejected").click()
        expect(page.get_by_test_id("rejected-item")).to_contain_text("Garage du Centre")
    finally:
        context.close()
    assert _on_server(rep, booked["id"])["start"].startswith(TUESDAY.isoformat())


def test_a_done_appointment_shows_done_and_offers_no_move(browser, live_server, api, mailbox):
    """A visit already logged stays where it was: the agenda marks it done and its form offers
    neither the move nor the cancel (the server refuses both, tests/tours/test_rep_moves_appointment.py)."""
    rep, account = _rep_with_account(api, mailbox, live_server)
    done = _book(api, rep, account, TUESDAY, "10:00", "11:00")
    booked = _book(api, rep, account, WEDNESDAY, "10:00", "11:00")
    api("admin@example.com").call("PATCH", f"/api/appointments/{done['id']}", {"changes": {"status": "done"}}, expect=200)
    context = new_context(browser, live_server)
    try:
        page = context.new_page()
        signed_in_synced(page, rep.user["email"])
        page.goto(f"/#/agenda/{MONDAY.isoformat()}")
        expect(_appointment(page, done["id"]).get_by_test_id("appointment-done")).to_have_text("✓ Fait", timeout=20_000)
        expect(_appointment(page, booked["id"]).get_by_test_id("appointment-done")).to_have_count(0)
        _appointment(page, done["id"]).get_by_role("button").first.click()
        form = page.get_by_test_id("appointment-form")
        expect(form).to_be_visible()
        expect(form.get_by_role("link")).to_be_visible()  # its account, still
        expect(form.get_by_test_id("appointment-move")).to_have_count(0)
        expect(form.get_by_test_id("appointment-cancel")).to_have_count(0)
        expect(form.get_by_test_id("appointment-day")).to_have_count(0)
    finally:
        context.close()

"""The rep's day as GET /api/tours plans it: stops in the server's order with their time,
why each is due and the drive before it; the map online; other days of the week, the
working day before and after (into the next week), and a day never stored offline; a stop
not visited, with a reason, kept on the tablet; a visit logged offline marks its stop done;
an appointment the rep cannot reach in time, on the tour and marked late; contact roles in words."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pwa import log_visit, sign_in, workday

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
ROLES_FR = {"decision_maker": "Décideur", "billing": "Facturation", "technical": "Technique",
            "purchasing": "Achats", "user": "Utilisateur", "other": "Autre"}


def hhmm(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(PARIS).strftime("%H:%M")


# Every state of the tour screen from now on: its heading and its stops' accounts, recorded
# after each change of the page (a MutationObserver runs before the next task).
FRAMES = """() => { window.tourFrames = [];
  new MutationObserver(() => { const h = document.querySelector('.tour h1');
    window.tourFrames.push([h ? h.textContent : '',
      [...document.querySelectorAll('[data-testid=tour-stop]')].map((s) => s.dataset.accountId)]);
  }).observe(document.body, { childList: true, subtree: true, characterData: true }); }"""


def js_round(x: float) -> int:
    return int(x + 0.5)  # Math.round, not Python's banker's rounding


def test_tour_shows_the_planned_day_in_order_with_times_reasons_and_drives(page, api):
    rep = api("rep2@example.com")
    day = workday()
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{day}")
    assert tour["stops"], "the demo rep has a tour on a workday"
    sign_in(page, "rep2@example.com")

    stops = page.get_by_test_id("tour-stop")
    expect(stops).to_have_count(len(tour["stops"]))
    assert [s.get_attribute("data-account-id") for s in stops.all()] == [s["account_id"] for s in tour["stops"]]
    for i, stop in enumerate(tour["stops"]):
        expect(stops.nth(i)).to_contain_text(hhmm(stop["arrive"]))
        why = "Rendez-vous" if stop["kind"] == "appointment" else re.compile(r"En retard de \d+ j|À voir")
        expect(stops.nth(i)).to_contain_text(why)
    drives = [s for s in tour["stops"] if s["drive_min"] is not None]
    legs = page.locator(".leg")
    expect(legs).to_have_count(len(drives))
    expect(legs.first).to_contain_text(f"{js_round(drives[0]['drive_min'])} min")
    expect(page.get_by_test_id("tour-totals")).to_contain_text(f"{js_round(tour['totals']['drive_min'])} min")


def test_an_appointment_booked_out_of_reach_is_on_the_tour_marked_late(page, api):
    """A telemarketer books a visit at the end of another appointment of the rep, elsewhere: the
    tour keeps it, at the time the rep can be there, and its stop says the booked time and by how
    much the rep will be late; the day's other visits are still planned."""
    tele, rep = api("tele@example.com"), api("rep5@example.com")
    rep_id = rep.user["id"]
    day = (dt.date.fromisoformat(workday()) + dt.timedelta(days=7)).isoformat()
    tour = rep.call("GET", f"/api/tours/{rep_id}/{day}")
    booked = sorted((s for s in tour["stops"] if s["kind"] == "appointment"), key=lambda s: s["booked_start"])
    due = [s for s in tour["stops"] if s["kind"] != "appointment" and s["lat"] is not None]
    assert booked and due, "the demo rep has appointments and due visits that day"
    taken = [(dt.datetime.fromisoformat(s["booked_start"]), dt.datetime.fromisoformat(s["booked_end"])) for s in booked]
    for before in booked:
        start = dt.datetime.fromisoformat(before["booked_end"]).astimezone(PARIS)
        end = start + dt.timedelta(minutes=30)
        if end.hour * 60 + end.minute <= 18 * 60 and all(end <= s or start >= e for s, e in taken):
            break
    else:
        pytest.fail("no free half hour after an appointment")
    # The due account farthest from the appointment before: out of reach right at its end.
    far = max(due, key=lambda s: (s["lat"] - before["lat"]) ** 2 + (s["lon"] - before["lon"]) ** 2)
    local = start.replace(tzinfo=None)
    made = tele.call("POST", "/api/appointments", {
        "rep_id": rep_id, "account_id": far["account_id"], "contact_id": None, "purpose": "Hors de portée",
        "start": local.isoformat(), "end": (local + dt.timedelta(minutes=30)).isoformat()})
    tour = rep.call("GET", f"/api/tours/{rep_id}/{day}")
    stop = next(s for s in tour["stops"] if s["appointment_id"] == made["id"])
    assert stop["late_min"] > 0 and stop["booked_start"] != stop["arrive"]
    assert any(s["kind"] != "appointment" for s in tour["stops"])

    sign_in(page, "rep5@example.com")
    page.goto(f"/#/tour/{day}")
    shown = page.locator(f'[data-testid=tour-stop][data-account-id="{far["account_id"]}"]')
    expect(shown).to_contain_text(f"Rendez-vous de {hhmm(stop['booked_start'])} : {stop['late_min']} min de retard")
    expect(shown).to_contain_text(hhmm(stop["arrive"]))
    expect(page.get_by_test_id("tour-stop")).to_have_count(len(tour["stops"]))


def test_online_the_map_draws_every_stop_with_its_number(page, api):
    """The vendored Leaflet holds only the parts the tour map uses (pwa/vendor/refresh.sh):
    the map, its zoom and attribution controls, the route and numbered stops, still there.
    Tiles never load here (every other address is refused): the rest does not need them."""
    rep = api("rep2@example.com")
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{workday()}")
    sign_in(page, "rep2@example.com")
    labels = page.locator(".leaflet-container .seq-label")
    expect(labels).to_have_count(len(tour["stops"]))
    assert sorted(int(x) for x in labels.all_inner_texts()) == sorted(s["seq"] for s in tour["stops"])
    expect(page.locator(".leaflet-control-zoom-in")).to_be_visible()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    ends = [e for e in (tour["start"], tour["end"]) if e and e.get("lat") is not None]
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(len(tour["stops"]) + 1 + len(ends))  # and the route

    box = labels.first.bounding_box()  # a tooltip lets taps through to its stop's marker
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"#/account/"))
    assert page.url.rsplit("/", 1)[1] in {s["account_id"] for s in tour["stops"]}


def test_the_working_day_before_and_after_are_one_tap_away(page, api):
    """‹ and › step to the working day before and after: from a Friday to the Monday after,
    which the week's chips could not reach, with its tour fetched and stored."""
    rep = api("rep2@example.com")
    day = dt.date.fromisoformat(workday())
    after = day + dt.timedelta(days=1 if day.weekday() < 4 else 7 - day.weekday())
    friday = day + dt.timedelta(days=4 - day.weekday())
    monday = friday + dt.timedelta(days=3)
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{monday}")
    assert tour["working_day"] is True and tour["stops"]
    sign_in(page, "rep2@example.com")
    nxt, prev = page.get_by_test_id("tour-next"), page.get_by_test_id("tour-prev")
    expect(nxt).to_have_attribute("aria-label", "Jour suivant")
    expect(prev).to_have_attribute("aria-label", "Jour précédent")
    for target in (nxt, prev):
        box = target.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48

    nxt.click()
    expect(page).to_have_url(re.compile(f"#/tour/{after}$"))
    expect(page.locator(".tour h1")).to_contain_text(FR_DAYS[after.weekday()])

    page.goto(f"/#/tour/{friday}")
    expect(page.locator(f'[data-testid=tour-day][data-day="{monday}"]')).to_have_count(0)  # not this week
    stops = page.get_by_test_id("tour-stop")
    expect(stops.first).to_be_visible()
    fridays = [s.get_attribute("data-account-id") for s in stops.all()]
    page.evaluate(FRAMES)
    nxt.click()
    expect(page).to_have_url(re.compile(f"#/tour/{monday}$"))  # the weekend is not worked: skipped
    expect(page.locator(".tour h1")).to_contain_text(FR_DAYS[0])
    expect(stops).to_have_count(len(tour["stops"]))
    assert [s.get_attribute("data-account-id") for s in stops.all()] == [s["account_id"] for s in tour["stops"]]
    # Not even for one frame Friday's stops under Monday's heading, while Monday's plan was read.
    frames = page.evaluate("window.tourFrames")
    assert any(FR_DAYS[0] in heading for heading, _ in frames)
    assert [ids for heading, ids in frames if FR_DAYS[0] in heading and ids == fridays] == []
    expect(page.locator(f'[data-testid=tour-day][data-day="{monday}"]')).to_have_class("active")

    prev.click()
    expect(page).to_have_url(re.compile(f"#/tour/{friday}$"))


def test_other_days_and_a_day_never_stored_offline(page, context, api):
    rep = api("rep2@example.com")
    day = workday()
    week = rep.call("GET", f"/api/tours/{rep.user['id']}/week/{day}")
    other = next(d for d in week["days"] if d["date"] != day and d["stops"])
    sign_in(page, "rep2@example.com")
    chip = page.locator(f'[data-testid=tour-day][data-day="{other["date"]}"]')
    expect(chip).to_contain_text(f"· {len(other['stops'])}")  # the week is stored

    context.set_offline(True)
    chip.click()
    stops = page.get_by_test_id("tour-stop")
    expect(stops).to_have_count(len(other["stops"]))
    assert [s.get_attribute("data-account-id") for s in stops.all()] == [s["account_id"] for s in other["stops"]]

    # A day this tablet never stored, offline: the accounts due from local data, said so.
    far = dt.date.fromisoformat(day) + dt.timedelta(days=63)
    page.goto(f"/#/tour/{far.isoformat()}")
    expect(page.get_by_text("Pas de tournée en mémoire pour ce jour")).to_be_visible()
    expect(stops.first).to_be_visible()


def test_stop_skipped_with_a_reason_stays_and_an_offline_visit_marks_its_stop_done(page, context, api):
    rep = api("rep2@example.com")
    day = workday()
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{day}")
    assert len(tour["stops"]) >= 2
    first, second = tour["stops"][0]["account_id"], tour["stops"][1]["account_id"]
    contacts = rep.call("GET", f"/api/contacts?account_id={first}")["items"]
    sign_in(page, "rep2@example.com")
    context.set_offline(True)

    row = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{second}"]'))
    row.get_by_test_id("stop-skip").click()
    row.locator('[data-testid=skip-reason][data-reason="closed"]').click()
    expect(row.get_by_test_id("stop-state")).to_have_text("Non visité · Fermé")
    page.reload()
    expect(row.get_by_test_id("stop-state")).to_have_text("Non visité · Fermé")  # kept on the tablet
    row.get_by_test_id("stop-unskip").click()
    expect(row).not_to_contain_text("Fermé")

    page.get_by_test_id("tour-stop").first.click()
    roles = [", ".join(ROLES_FR[r] for r in c["roles"]) for c in sorted(contacts, key=lambda c: c["name"]) if c["roles"]]
    shown = page.get_by_test_id("contact-roles")
    expect(shown.filter(has_text=re.compile(r"\S"))).to_have_count(len(roles))
    for text in roles:
        expect(shown.filter(has_text=re.compile(f"^{re.escape(text)}$")).first).to_be_visible()
    expect(page.locator(".contacts")).not_to_contain_text("_")  # no raw enum value

    log_visit(page, notes="Visite faite hors ligne", outcome="interested")
    page.goto(f"/#/tour/{day}")
    done = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{first}"]'))
    expect(done.get_by_test_id("stop-state")).to_have_text("Fait")
    expect(page.get_by_test_id("sync-pending")).to_have_text("1")


def test_on_a_sunday_the_app_opens_on_mondays_tour_and_says_why(browser, live_server, api):
    """API.md → PWA hooks: on a day the rep does not work, the tour screen opens on the next
    working day, says so, and `tour-stop` is there. The page's clock is set to the Sunday
    after the server's pinned Tuesday, so Monday is still ahead of the server."""
    from e2e_server import E2E_NOW, new_context
    from pwa import wait_synced

    today = E2E_NOW.date()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    monday = sunday + dt.timedelta(days=1)
    rep = api("rep3@example.com")
    sunday_doc = rep.call("GET", f"/api/tours/{rep.user['id']}/{sunday}")
    assert sunday_doc["working_day"] is False and sunday_doc["next_working_day"] == monday.isoformat()
    assert not [s for s in sunday_doc["stops"] if s["kind"] != "appointment"]
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{monday}")
    assert tour["working_day"] is True and tour["stops"]

    context = new_context(browser, live_server, now=dt.datetime.combine(sunday, dt.time(10, 0), PARIS))
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_test_id("login-email").fill("rep3@example.com")
        page.get_by_test_id("login-password").fill("tournee-demo")
        page.get_by_test_id("login-submit").click()
        wait_synced(page)
        page.goto("/#/tour")
        expect(page.get_by_test_id("tour-day-off")).to_contain_text("Dimanche — voici votre tournée de lundi")
        stops = page.get_by_test_id("tour-stop")
        expect(stops).to_have_count(len(tour["stops"]))
        assert [s.get_attribute("data-account-id") for s in stops.all()] == [s["account_id"] for s in tour["stops"]]
        days = [c.get_attribute("data-day") for c in page.get_by_test_id("tour-day").all()]
        assert days[0] == monday.isoformat() and sunday.isoformat() not in days
        assert all(dt.date.fromisoformat(d).weekday() < 5 for d in days)  # the coming working days
    finally:
        context.close()


def test_an_absence_declared_offline_removes_the_day_from_the_plan_after_sync(page, context, api):
    rep = api("rep4@example.com")
    day = (dt.date.fromisoformat(workday()) + dt.timedelta(days=1)).isoformat()
    assert rep.call("GET", f"/api/tours/{rep.user['id']}/{day}")["working_day"] is True
    sign_in(page, "rep4@example.com")
    context.set_offline(True)
    page.goto(f"/#/agenda/{day}")
    page.get_by_test_id("absence-open").click()
    page.get_by_test_id("absence-from").fill(day)
    page.get_by_test_id("absence-to").fill(day)
    page.get_by_test_id("absence-reason").select_option("training")
    page.get_by_test_id("absence-save").click()
    expect(page.get_by_test_id("absence-day")).to_have_text("Formation")  # shown at once, offline
    expect(page.get_by_test_id("sync-pending")).to_have_text("1")
    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("sync-pending")).to_have_text("0", timeout=30_000)
    doc = rep.call("GET", f"/api/tours/{rep.user['id']}/{day}")
    assert doc["working_day"] is False and doc["day_off"] == {"kind": "absence", "name": "training"}
    assert not [s for s in doc["stops"] if s["kind"] != "appointment"]


def test_a_visit_form_opened_for_another_account_from_the_address_bar_is_a_new_form(page, api):
    """After a visit is saved, the visit address of another account (typed, or a link from
    elsewhere) opens that account's empty form, not the last visit's "saved" screen."""
    sign_in(page, "rep3@example.com")
    page.goto(f"/#/tour/{workday()}")
    stops = page.get_by_test_id("tour-stop")
    expect(stops.nth(1)).to_be_visible()
    first, second = stops.nth(0).get_attribute("data-account-id"), stops.nth(1).get_attribute("data-account-id")
    page.goto(f"/#/account/{first}")
    log_visit(page, "Vu le gérant")
    page.goto(f"/#/account/{second}/visit")
    expect(page.get_by_test_id("visit-notes")).to_have_value("")
    expect(page.get_by_test_id("request-quote")).to_have_count(0)


def test_a_day_of_absence_with_appointments_names_them_once_with_real_times(page, api):
    """An absence declared over a day that keeps appointments: one banner names each appointment
    to move with its time, the rep leaves and comes back at real times, and the drive is counted
    (a user trial saw the same unnamed banner twice, "Jour non travaillé." and "00:00")."""
    rep = api("rep4@example.com")
    first = dt.date.fromisoformat(workday()) + dt.timedelta(days=2)
    days = [first + dt.timedelta(days=n) for n in range(12)]
    day, booked = next((d, b) for d in days if d.weekday() < 5 and (b := [
        s for s in rep.call("GET", f"/api/tours/{rep.user['id']}/{d.isoformat()}")["stops"]
        if s["kind"] == "appointment" and not s.get("done")]))
    absence = rep.call("POST", f"/api/users/{rep.user['id']}/absences", {"from": day.isoformat(), "to": day.isoformat(),
                                                                         "reason": "training"}, expect=201)
    try:
        _shows_one_banner_with_real_times(page, rep, day, booked)
    finally:  # the other tests of the run find rep4's days as the demo made them
        rep.call("DELETE", f"/api/users/{rep.user['id']}/absences/{absence['id']}")


def _shows_one_banner_with_real_times(page, rep, day, booked):
    doc = rep.call("GET", f"/api/tours/{rep.user['id']}/{day.isoformat()}")
    assert doc["working_day"] is False and doc["totals"]["drive_min"] > 0 and doc["start"]["at"] != doc["end"]["at"]
    sign_in(page, "rep4@example.com")
    page.goto(f"/#/tour/{day.isoformat()}")
    banner = page.get_by_test_id("tour-absence-clashes")
    expect(banner).to_have_count(1)
    expect(banner.locator("li")).to_have_count(len(booked))
    for stop in booked:
        expect(banner).to_contain_text(f"{hhmm(stop['booked_start'])} · {stop['name']}")
    expect(page.get_by_test_id("tour-not-worked")).to_have_count(0)
    expect(page.get_by_test_id("tour-totals")).to_contain_text(f"{js_round(doc['totals']['drive_min'])} min")
    expect(page.locator(".tour-list")).not_to_contain_text("00:00")

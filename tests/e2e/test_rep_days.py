"""The rep's days on a tablet: every working day of the week in sight between ‹ and › at
1024×768 and 768×1024, each a finger's size; a public holiday pulled by sync named in the
language on screen, offline too."""
from __future__ import annotations

import datetime as dt

import pytest
from e2e_server import E2E_NOW
from playwright.sync_api import expect
from pwa import sign_in, workday

pytestmark = pytest.mark.e2e

# Boxes of the week's chips and of ‹ ›, and whether each chip's middle is the chip itself (not
# something drawn over it).
GEOMETRY = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height }; };
  const chips = [...document.querySelectorAll('[data-testid=tour-day]')].map((el) => {
    const b = box(el);
    const hit = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
    return { day: el.dataset.day, ...b, on_top: !!hit && el.contains(hit) };
  });
  return { chips, prev: box(document.querySelector('[data-testid=tour-prev]')),
           next: box(document.querySelector('[data-testid=tour-next]')),
           width: document.documentElement.clientWidth, height: document.documentElement.clientHeight };
}"""


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", [{"width": 1024, "height": 768}, {"width": 768, "height": 1024}], ids=["1024x768", "768x1024"])
def test_every_working_day_of_the_week_is_in_sight_between_the_arrows(page, api, size, lang):
    rep = api("rep1@example.com")
    week = rep.call("GET", f"/api/tours/{rep.user['id']}/week/{workday()}")["days"]
    working = [d["date"] for d in week]
    assert len(working) >= 4  # Monday to Friday, a public holiday at most
    page.set_viewport_size(size)
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    sign_in(page, "rep1@example.com")
    chips = page.get_by_test_id("tour-day")
    expect(chips).to_have_count(len(working))
    for d in week:  # the week's counts have come: the chips' final widths
        if d["stops"]:
            expect(page.locator(f'[data-testid=tour-day][data-day="{d["date"]}"]')).to_contain_text("·")
    shown = page.evaluate(GEOMETRY)
    assert [c["day"] for c in shown["chips"]] == working
    for arrow in (shown["prev"], shown["next"]):
        assert arrow["height"] >= 44 and arrow["right"] - arrow["left"] >= 44
        assert 0 <= arrow["left"] and arrow["right"] <= shown["width"]
    for chip in shown["chips"]:
        where = f"{chip['day']} at {size['width']}×{size['height']}"
        assert chip["height"] >= 44, where
        assert 0 <= chip["left"] and chip["right"] <= shown["width"] and 0 <= chip["top"] and chip["bottom"] <= shown["height"], where
        assert not overlap(chip, shown["prev"]) and not overlap(chip, shown["next"]), where
        assert chip["on_top"], f"{where}: covered"
    # The last day (Friday, which the trial could not see) opens with a tap.
    last = page.locator(f'[data-testid=tour-day][data-day="{working[-1]}"]')
    last.click()
    expect(last).to_have_class("active")


def test_a_holiday_pulled_by_sync_is_named_in_english_offline(page, context, api):
    """The plan of Christmas reaches the tablet by pull (read by nobody in English: the kept name is
    French); offline, in English, the tour names it "Christmas Day"."""
    christmas = dt.date(E2E_NOW.year, 12, 25)
    while christmas.weekday() >= 5 or christmas <= E2E_NOW.date():  # a weekend Christmas says "weekly" first
        christmas = dt.date(christmas.year + 1, 12, 25)
    rep = api("rep4@example.com")
    kept = rep.call("GET", f"/api/tours/{rep.user['id']}/{christmas}")  # kept now: the sign-in's pull brings it
    assert kept["working_day"] is False and kept["day_off"]["name"] == "Noël"

    page.add_init_script("localStorage.setItem('tournee-lang', 'en')")
    sign_in(page, "rep4@example.com")
    stored = page.evaluate("""(day) => new Promise((ok) => { const r = indexedDB.open('tournee'); r.onsuccess = () => {
        const q = r.result.transaction('tour_plan').objectStore('tour_plan').getAll();
        q.onsuccess = () => ok(q.result.filter((p) => p.date === day)); }; })""", christmas.isoformat())
    # One copy, the pulled one (a copy fetched from /api/tours has `fetched_at`), named in French.
    assert [(p["rep_id"], "fetched_at" in p, p["plan"]["day_off"]["name"]) for p in stored] == [(rep.user["id"], False, "Noël")]

    context.set_offline(True)
    page.goto(f"/#/tour/{christmas}")
    off = page.get_by_test_id("tour-not-worked")
    expect(off).to_contain_text("Christmas Day")
    expect(off).not_to_contain_text("Noël")
    page.locator(".lang").click()  # and back in French, offline still
    expect(off).to_contain_text("Noël")
    page.locator(".lang").click()
    expect(off).to_contain_text("Christmas Day")


def test_the_agenda_on_a_saturday_shows_this_week_its_weekend_off_and_a_way_to_the_next(browser, live_server):
    """The trial opened the agenda on a Saturday and got next week, its late tasks out of sight:
    now this week, today's card (the Saturday) marked off and holding the late tasks, › to the next."""
    from e2e_server import new_context
    from pwa import signed_in_synced

    saturday = dt.date(2026, 11, 28)  # the pinned Tuesday's week (e2e_server.E2E_NOW)
    context = new_context(browser, live_server, now=dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    try:
        page = context.new_page()
        signed_in_synced(page, "rep1@example.com")
        page.goto("/#/agenda")
        today = page.locator(".day.card.today")
        expect(today.locator(f'a[href="#/tour/{saturday}"]')).to_be_visible(timeout=20_000)
        expect(page.locator(".day.card")).to_have_count(7)
        expect(page.locator(".day.card").first.locator('a[href="#/tour/2026-11-23"]')).to_be_visible()  # Monday 23
        expect(today).to_contain_text("Jour non travaillé.")  # the weekend marked off…
        expect(today.locator(".task").first).to_be_visible()  # … and the late tasks on today's card
        expect(page.get_by_test_id("next-week")).to_have_attribute("href", "#/agenda/2026-11-30")
        page.get_by_test_id("next-week").click()
        expect(page.locator(".day.card").first.locator('a[href="#/tour/2026-11-30"]')).to_be_visible()
    finally:
        context.close()

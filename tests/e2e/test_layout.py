"""Desk screens at 1280–1920 px and the tablet at 800–1280 px: nothing that carries meaning
is cut, wrapped or pushed off screen, and every touch target on the tablet is 44 px or more."""
from __future__ import annotations

import pytest
from desk import desk_sign_in
from playwright.sync_api import Page, expect
from pwa import sign_in, workday

pytestmark = pytest.mark.e2e

PROBLEMS = """() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) out.push(`page ${document.documentElement.scrollWidth} px wide`);
  // badges and statuses on one line: a wrapped inline box has several rects
  for (const el of document.querySelectorAll('.late, .age, .status, .desk-nav a, .count, .badge')) {
    if (el.checkVisibility() && el.getClientRects().length > 1) out.push(`wrapped: ${el.textContent.trim()}`);
    if (el.checkVisibility() && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
      out.push(`cut: ${el.textContent.trim()}`);
  }
  // the chosen option of a select shown whole
  const ctx = document.createElement('canvas').getContext('2d');
  for (const s of document.querySelectorAll('select')) {
    if (!s.checkVisibility() || s.selectedIndex < 0) continue;
    const cs = getComputedStyle(s);
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const need = ctx.measureText(s.options[s.selectedIndex].text).width + parseFloat(cs.paddingLeft) + 20;
    if (need > s.clientWidth) out.push(`select cut: ${s.options[s.selectedIndex].text}`);
  }
  for (const col of document.querySelectorAll('.column, .quote-card, .detail')) {
    const r = col.getBoundingClientRect();
    if (col.checkVisibility() && r.right > vw + 1) out.push(`off screen: ${col.className}`);
  }
  return out;
}"""
# The map's zoom buttons included (its attribution is text, not a target); a checkbox's own box,
# not only its label, is 44 px; a radio is a chip, and a file input a button: their label is the target.
SMALL_TARGETS = """() => [...document.querySelectorAll('button, a[href], input, select, summary, label.button')]
  .filter((el) => el.checkVisibility() && !el.closest('.leaflet-control-attribution, .uplot') && el.type !== 'hidden'
    && !el.matches('.visually-hidden'))
  .map((el) => [(el.type === 'radio' && el.closest('label.chip') || el).getBoundingClientRect(), el])
  .filter(([r, el]) => r.height < 44 || r.width < 44)
  .map(([r, el]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`)"""


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)


# English at the narrowest width only: its longer words overflow there first, and each width
# costs half a minute of the suite.
@pytest.mark.parametrize(("lang", "width"), [("fr", 1280), ("fr", 1440), ("fr", 1920), ("en", 1280)])
def test_desk_screens_fit_from_1280_to_1920(page, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    desk_sign_in(page, "manager@example.com", "dashboard")
    for screen in ("dashboard", "plans", "model", "accounts", "duplicates", "calls", "book", "forecast", "board"):
        page.get_by_test_id(f"desk-nav-{screen}").click()
        settle(page)
        assert page.evaluate(PROBLEMS) == [], f"{screen} at {width} px"
    page.get_by_test_id("quote-card").first.click()
    expect(page.get_by_test_id("quote-detail")).to_be_visible()
    settle(page)
    assert page.evaluate(PROBLEMS) == [], f"board with a quote open at {width} px"
    # A booking: the slots of each day, why they are offered, "Autre créneau" open, "Réserver" in sight.
    page.get_by_test_id("desk-nav-calls").click()
    page.get_by_test_id("call-row").first.get_by_test_id("call-book").click()
    expect(page.get_by_test_id("slot").first).to_be_visible(timeout=20_000)
    page.get_by_test_id("manual-slot").locator("summary").click()
    settle(page)
    assert page.evaluate(PROBLEMS) == [], f"booking at {width} px"
    for why in page.get_by_test_id("slot-why").all():
        assert why.evaluate("(el) => el.getClientRects().length") == 1, f"wrapped: {why.inner_text()}"
    expect(page.get_by_test_id("book-submit")).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}])
def test_tablet_screens_fit_and_every_target_is_44_px(page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "rep1@example.com")
    screens = [f"/#/tour/{workday()}", "/#/accounts", f"/#/agenda/{workday()}", "/#/quotes", "/#/sync"]
    for path in screens:
        page.goto(path)
        settle(page)
        assert (path, page.evaluate(PROBLEMS)) == (path, [])
        assert (path, page.evaluate(SMALL_TARGETS)) == (path, [])
        if path.startswith("/#/tour"):  # the map is on screen: its zoom buttons were measured
            expect(page.locator(".leaflet-control-zoom-in")).to_be_visible()
    page.goto(f"/#/tour/{workday()}")
    page.get_by_test_id("tour-stop").first.click()
    expect(page.get_by_test_id("log-visit")).to_be_visible()
    settle(page)
    assert ("account", page.evaluate(SMALL_TARGETS)) == ("account", [])
    # The contact editor's role checkboxes, and the visit form's maturity chips.
    page.get_by_test_id("edit-contact").first.click()
    expect(page.locator("input[type=checkbox]").first).to_be_visible()
    settle(page)
    assert ("contact", page.evaluate(SMALL_TARGETS)) == ("contact", [])
    page.go_back()
    page.get_by_test_id("log-visit").click()
    expect(page.get_by_test_id("visit-save")).to_be_visible()
    settle(page)
    assert ("visit", page.evaluate(SMALL_TARGETS)) == ("visit", [])

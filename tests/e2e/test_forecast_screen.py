"""The manager's forecast screen says what its figures are and hides nothing: the weighted figure
explains itself under the number, the deals list says how many of how many it shows and shows
more on demand, the charts' values start at 0, and the adjustment form labels every field."""
from __future__ import annotations

import re
import uuid

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

WORDS = {
    "fr": {"note": "Affaires ouvertes × probabilité de gain", "more": "Voir plus",
           "commit": "Gagné + affaires ouvertes en catégorie « Engagé »",
           "best_case": "Engagé + affaires ouvertes en catégorie « Meilleur cas »",
           "above": "Le pondéré dépasse le meilleur cas : il compte aussi les affaires en catégorie « Pipeline »",
           "shown": "{n} affaires sur {total}", "all": "{n} affaires", "one": "1 affaire",
           "labels": ["Commercial", "Mois", "Montant (€)", "Raison"]},
    "en": {"note": "Open deals × win probability", "more": "Show more",
           "commit": "Won + open deals in the “Commit” category",
           "best_case": "Commit + open deals in the “Best case” category",
           "above": "Weighted is above best case: it also counts the deals in the “Pipeline” category",
           "shown": "{n} of {total} deals", "all": "{n} deals", "one": "1 deal",
           "labels": ["Rep", "Month", "Amount (€)", "Reason"]},
}


def _forecast(page, lang: str) -> list[dict]:
    """Open the forecast screen in `lang`; the open deals the screen was given (GET /api/forecast/pipeline)."""
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    with page.expect_response(re.compile(r"/api/forecast/pipeline\?")) as answer:
        page.get_by_test_id("desk-nav-forecast").click()
    return answer.value.json()["deals"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_weighted_figure_says_what_it_adds_up(page, lang):
    with page.expect_response(re.compile(r"/api/forecast\?")) as answer:
        _forecast(page, lang)
    figures = answer.value.json()
    tile = page.locator(".tile").filter(has=page.get_by_test_id("forecast-weighted"))
    expect(tile.get_by_test_id("forecast-weighted-note")).to_have_text(WORDS[lang]["note"])
    expect(tile.get_by_test_id("forecast-weighted-note")).to_be_visible()
    # Commit and best case say which categories they add up, so that a weighted figure above
    # the best case (it counts the "pipeline" category too) does not read as an error.
    for figure in ("commit", "best_case"):
        tile = page.locator(".tile").filter(has=page.get_by_test_id(f"forecast-{figure}"))
        expect(tile.get_by_test_id(f"forecast-{figure}-note")).to_have_text(WORDS[lang][figure])
    above = page.get_by_test_id("forecast-weighted-above")
    if figures["weighted"] > figures["best_case"]:
        expect(above).to_contain_text(WORDS[lang]["above"])
    else:
        expect(above).to_have_count(0)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_deals_say_how_many_of_how_many_and_show_more(page, lang):
    words = WORDS[lang]
    deals = _forecast(page, lang)
    total = len(deals)
    assert total > 50, f"the demo's period has {total} open deals: the paging would not show"
    rows, count = page.get_by_test_id("forecast-deal"), page.get_by_test_id("forecast-deals-count")
    expect(rows).to_have_count(50)
    expect(count).to_have_text(words["shown"].format(n=50, total=total))
    # the largest expected value first, as the API ranks them: the 51st comes with "Voir plus"
    expect(rows.first).to_contain_text(deals[0]["account_name"])
    page.get_by_test_id("forecast-deals-more").click()
    expect(rows).to_have_count(min(100, total))
    expect(rows.nth(50)).to_contain_text(deals[50]["account_name"])
    if total <= 100:
        expect(count).to_have_text(words["all"].format(n=total))
        expect(page.get_by_test_id("forecast-deals-more")).to_have_count(0)
    # a drill-down starts its own list again, counted as such
    page.get_by_test_id("pipeline-quoted-pipeline").click()
    picked = len([d for d in deals if d["stage"] == "quoted" and d["category"] == "pipeline"])
    assert picked, "no quoted deal in the pipeline category: the drill-down would show nothing"
    expect(rows).to_have_count(min(50, picked))
    expect(count).to_have_text(words["one"] if picked == 1 else words["all"].format(n=picked) if picked <= 50
                               else words["shown"].format(n=50, total=picked))


def test_the_charts_values_start_at_zero(page):
    """The charts' value scale (charts.js → Y_SCALE) in the uPlot the screens load: from 0 when every value
    is above it (uPlot alone would start near the lowest, 50 k€ on the demo's backtest), lower only for a
    value below 0."""
    _forecast(page, "fr")
    expect(page.get_by_test_id("chart-backtest").locator("canvas")).to_be_visible(timeout=20_000)
    ranges = page.evaluate("""async () => {
      const { Y_SCALE } = await import('/views/desk/charts.js');
      const uPlot = (await import('/vendor/uplot.mjs')).default;
      const range = async (values, y) => {
        const box = document.createElement('div');
        document.body.append(box);
        const plot = new uPlot({ width: 400, height: 200, scales: { x: { time: false }, ...(y ? { y } : {}) },
          series: [{}, { stroke: 'red' }] }, [values.map((_, i) => i), values], box);
        await new Promise((done) => setTimeout(done, 50));  // uPlot sets its scales in a microtask
        const out = [plot.scales.y.min, plot.scales.y.max];
        plot.destroy(); box.remove();
        return out;
      };
      const months = [52000, 180000, 301000];
      return { ours: await range(months, Y_SCALE), uplot: await range(months, null), negative: await range([-4000, 9000], Y_SCALE) };
    }""")
    assert ranges["uplot"][0] > 0, ranges  # what the screen showed before: the axis from near the lowest value
    assert ranges["ours"][0] == 0 and ranges["ours"][1] >= 301000, ranges
    assert ranges["negative"][0] < -4000 + 1 and ranges["negative"][1] >= 9000, ranges


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_field_of_the_adjustment_has_a_visible_label(page, lang):
    _forecast(page, lang)
    form = page.get_by_test_id("forecast-adjust")
    fields = form.locator("input, select")
    expect(fields).to_have_count(4)
    for name, testid in zip(WORDS[lang]["labels"], ("adjust-rep", "adjust-month", "adjust-amount", "adjust-reason")):
        expect(form.get_by_label(name)).to_have_attribute("data-testid", testid)
        expect(form.locator("label", has=page.get_by_test_id(testid))).to_contain_text(name)
        assert form.get_by_test_id(testid).get_attribute("placeholder") in (None, ""), "a placeholder is no label"
    for label in form.locator("label").all():
        expect(label).to_be_visible()


def test_a_double_click_on_adjust_adds_one_adjustment_and_empties_the_form(page, api):
    reason = f"Salon {uuid.uuid4().hex[:6]}"
    _forecast(page, "fr")
    form = page.get_by_test_id("forecast-adjust")
    form.get_by_test_id("adjust-rep").select_option(index=1)
    form.get_by_test_id("adjust-amount").fill("15000")
    form.get_by_test_id("adjust-reason").fill(reason)
    held = []
    page.route("**/api/forecast/adjustments", lambda route: held.append(route))
    form.get_by_test_id("adjust-save").dblclick()
    expect(form.get_by_test_id("adjust-save")).to_be_disabled()  # while the first one is on its way
    form.get_by_test_id("adjust-save").click(force=True)
    for _ in range(100):  # the first request reaches the route when the page gets to send it (a loaded machine: later)
        if held:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # room for a second one to arrive, were there one
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/api/forecast/adjustments")
    expect(form.get_by_test_id("adjust-save")).to_be_enabled()
    expect(form.get_by_test_id("adjust-reason")).to_have_value("")  # a second click makes no copy
    adjustments = api("manager@example.com").call("GET", "/api/forecast")["adjustments"]
    assert [a["reason"] for a in adjustments].count(reason) == 1

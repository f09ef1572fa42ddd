"""The desk's charts at their ends: the manager dashboard's current month, counted up to today,
is drawn dashed and lighter and said to be partial (not a fall); bars keep room at both ends of
the forecast's backtest, so that its first and last months are drawn whole."""
from __future__ import annotations

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The uPlot instance a chart box holds (charts.js): its series and its x scale.
PLOT = """(box) => ({ series: box.plot.series.slice(1).map((s) => ({ label: s.label, dash: s.dash || null })),
  legend: [...box.querySelectorAll('.u-legend .u-series')].filter((row) => getComputedStyle(row).display !== 'none').length,
  x: box.plot.data[0], values: box.plot.data.slice(1), min: box.plot.scales.x.min, max: box.plot.scales.x.max })"""


@pytest.mark.parametrize(("language", "note"), [
    ("fr", "nov. 2026 : mois en cours, compté jusqu’à aujourd’hui (en pointillés)."),
    ("en", "Nov 2026: the current month, counted up to today (dashed)."),
])
def test_the_current_month_is_drawn_as_partial(page, language, note):
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{language}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    expect(page.get_by_test_id("chart-partial")).to_have_text(note, timeout=20_000)
    expect(page.get_by_test_id("chart-visits").locator("canvas")).to_be_visible(timeout=20_000)
    plot = page.get_by_test_id("chart-visits").evaluate(PLOT)
    full, partial = plot["series"][:3], plot["series"][3:]
    assert [s["label"] for s in full] == ["A", "B", "C"] == [s["label"] for s in partial]
    assert all(s["dash"] is None for s in full) and all(s["dash"] for s in partial)
    assert plot["legend"] == 4  # the months' label and one line per segment: the dashed stretches are not repeated
    last = len(plot["x"]) - 1
    # A full series stops at last month; its dashed twin goes from there to the current month only.
    assert all(v[last] is None and v[last - 1] is not None for v in plot["values"][:3])
    assert all(all(x is None for x in v[:last - 1]) and v[last] is not None for v in plot["values"][3:])
    # Pointed at, the current month's values are in the legend's rows of the segments, not "–".
    said = page.get_by_test_id("chart-visits").evaluate("""(box) => {
      const u = box.plot;
      u.setCursor({ left: u.valToPos(u.data[0][u.data[0].length - 1], 'x'), top: 10 });
      return [...box.querySelectorAll('.u-legend .u-series')].slice(1, 4).map((row) => row.querySelector('.u-value').textContent);
    }""")
    assert said == [str(v[last]) for v in plot["values"][3:]], said


def test_the_backtests_first_and_last_bars_are_whole(page):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-forecast").click()
    expect(page.get_by_test_id("chart-backtest").locator("canvas")).to_be_visible(timeout=20_000)
    plot = page.get_by_test_id("chart-backtest").evaluate(PLOT)
    half_step = (plot["x"][1] - plot["x"][0]) / 2
    assert plot["min"] <= plot["x"][0] - half_step * 0.9, plot
    assert plot["max"] >= plot["x"][-1] + half_step * 0.9, plot

"""The forecast in the browser: the manager's dashboard on the desk, the rep's pipeline offline on the tablet."""
from __future__ import annotations

import re

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect
from pwa import pending, sign_in, sync_now

pytestmark = pytest.mark.e2e
CENTS = re.compile(r"\d,\d\d[\s\u00a0\u202f]€")  # "12 345,67 €": cents where whole euros read better


def test_amounts_in_lists_and_tiles_are_whole_euros_and_a_quotes_keep_their_cents(page):
    # Whole euros whatever the amount: a column of "€60.59" under "€1,926" read as two formats.
    page.goto("/")
    said = page.evaluate("""async () => {
      const { lang, fmtMoney, fmtCents } = await import('/lib/lang.js');
      const out = {};
      for (const code of ['fr', 'en']) {
        lang.value = code;
        out[code] = [fmtMoney(12345), fmtMoney(12345.67), fmtMoney(60.59), fmtMoney(40), fmtMoney(null), fmtCents(1234.5)];
      }
      return out;
    }""")
    nb = "\u202f"
    assert said["fr"] == [f"12{nb}345\u00a0€", f"12{nb}346\u00a0€", "61\u00a0€", "40\u00a0€", "–", f"1{nb}234,50\u00a0€"]
    assert said["en"] == ["€12,345", "€12,346", "€61", "€40", "–", "€1,234.50"]


def test_the_deals_table_marks_only_the_probability_weighted_amounts_with_an_approx(page):
    # "≈" means amount × win probability (the Weighted column), never a plain amount: the same
    # deal's amount reads "€7,487" here as in the rep's "My deals". A guessed amount is in italics.
    page.add_init_script("localStorage.setItem('tournee-lang', 'en')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    with page.expect_response(re.compile(r"/api/forecast/pipeline\?")) as answer:
        page.get_by_test_id("desk-nav-forecast").click()
    deals = answer.value.json()["deals"][:50]
    expect(page.get_by_test_id("forecast-deal")).to_have_count(len(deals))
    amounts = page.get_by_test_id("forecast-deal-amount").all_inner_texts()
    weighted = page.get_by_test_id("forecast-deal-weighted").all_inner_texts()
    assert amounts == [f"€{round(d['amount']):,}" for d in deals]
    assert weighted == [f"≈\u00a0€{round(d['weighted']):,}" for d in deals]
    styles = [page.get_by_test_id("forecast-deal-amount").nth(i).evaluate("e => getComputedStyle(e).fontStyle")
              for i in range(len(deals))]
    assert styles == ["italic" if d["amount_estimated"] else "normal" for d in deals]
    groups = page.locator("table.grid").first  # by month: Weighted is the second figure
    for row in groups.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        assert not cells[1].startswith("≈") and cells[2].startswith("≈\u00a0€") and not cells[3].startswith("≈"), cells
    assert not re.search(r"[.,]\d\d\b", " ".join(page.locator("table").all_inner_texts()).replace("%", "")), "cents in a list"


def test_manager_sees_the_forecast_its_backtest_and_drills_down(page, api):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    # The win model may be trained again between two reads (server/forecast/knowledge.py: at
    # most once a minute, when another test changed a deal), so the screen's figure is the
    # server's just before or just after the screen asked for it.
    before = api("manager@example.com").call("GET", "/api/forecast")
    page.get_by_test_id("desk-nav-forecast").click()
    expect(page.get_by_test_id("forecast-weighted")).to_have_text(re.compile(r"\d"))
    shown = re.sub(r"[^\d,]", "", page.get_by_test_id("forecast-weighted").inner_text())  # "278 628 €"
    after = api("manager@example.com").call("GET", "/api/forecast")
    assert int(shown or 0) in {round(before["weighted"]), round(after["weighted"])}  # whole euros: no cents
    expect(page.get_by_test_id("chart-backtest").locator("canvas")).to_be_visible(timeout=20_000)
    # The backtest in a manager's words, its measure explained on a tap; no statistician's names.
    backtest = api("manager@example.com").call("GET", "/api/forecast/backtest?months=12")
    mape = f"{backtest['mape']:.1f}".replace(".", ",").removesuffix(",0")
    expect(page.get_by_test_id("forecast-mape")).to_contain_text(re.compile(rf"Écart moyen des prévisions passées : {mape}\s%"))
    page.get_by_test_id("forecast-mape-why").click()
    expect(page.get_by_test_id("forecast-mape-why-text")).to_contain_text("comparée au CA gagné")
    expect(page.get_by_test_id("forecast-deal").first).to_be_visible()  # the deals load after the figures
    assert CENTS.findall(" ".join(page.locator(".tiles, table").all_inner_texts())) == []  # tiles and lists in euros
    all_deals = page.get_by_test_id("forecast-deal").count()
    page.get_by_test_id("pipeline-quoted-pipeline").click()
    expect(page.get_by_test_id("forecast-deal").first).to_contain_text("Chiffré")
    assert page.get_by_test_id("forecast-deal").count() < all_deals
    # "Probabilités de gain": the bands' cases add up to the total shown, and the note says
    # what that total counts (one case per stage a closed deal went through) and from how many deals.
    model = api("manager@example.com").call("GET", "/api/forecast/model")
    expect(page.get_by_test_id("forecast-model")).to_be_visible()
    counts = [int(re.sub(r"\D", "", row.locator("td").nth(1).inner_text()))
              for row in page.get_by_test_id("forecast-band").all()]
    total = int(re.sub(r"\D", "", page.get_by_test_id("forecast-examples").inner_text()))
    assert sum(counts) == total == model["examples"] > model["trained_on"]
    note = re.sub(r"[\s\u202f\u00a0]", "", page.get_by_test_id("forecast-examples-note").inner_text())
    assert f"{total}cas" in note and f"{model['trained_on']}affaires" in note
    expect(page.get_by_test_id("forecast-score")).to_contain_text("0 : parfait")
    body = page.locator("main, body").first.inner_text()
    assert not re.search(r"\b(MAPE|Brier|biais|Exemples|Tranche)\b", body), "statistician's words on the manager's screen"
    with page.expect_download() as download:
        page.get_by_test_id("forecast-csv").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_rep_opens_an_opportunity_offline_and_it_reaches_the_server(page, context, api):
    sign_in(page, "rep2@example.com")
    page.goto("/#/pipeline")
    expect(page.get_by_test_id("pipeline-deal").first).to_be_visible(timeout=20_000)
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("pipeline-deal").first).to_be_visible()  # kept on the tablet
    assert CENTS.findall(page.locator("main").inner_text()) == []  # the tiles and the deals in whole euros
    page.get_by_test_id("opportunity-open").click()
    page.get_by_test_id("opportunity-account-search").fill("Beaune")
    page.get_by_test_id("opportunity-account").select_option(index=1)
    page.get_by_test_id("opportunity-amount").fill("4321")
    page.get_by_test_id("opportunity-save").click()
    expect(page.get_by_test_id("pipeline-local")).to_have_count(1)
    pending(page).to_have_text("1")
    context.set_offline(False)
    sync_now(page)
    pending(page).to_have_text("0")
    mine = api("rep2@example.com").call("GET", "/api/opportunities?per_page=1000")["items"]
    assert any(o["amount"] == 4321.0 and o["quote_id"] is None for o in mine)

"""The forecast in the browser: the manager's dashboard on the desk, the rep's pipeline offline on the tablet."""
from __future__ import annotations

import re

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect
from pwa import pending, sign_in, sync_now

pytestmark = pytest.mark.e2e


def test_manager_sees_the_forecast_its_backtest_and_drills_down(page, api):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-forecast").click()
    figures = api("manager@example.com").call("GET", "/api/forecast")
    expect(page.get_by_test_id("forecast-weighted")).to_have_text(re.compile(r"\d"))
    shown = re.sub(r"[^\d,]", "", page.get_by_test_id("forecast-weighted").inner_text())  # "278 628,08 €"
    assert round(float(shown.replace(",", ".") or 0)) == round(figures["weighted"])
    expect(page.get_by_test_id("chart-backtest").locator("canvas")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("forecast-mape")).to_contain_text("MAPE")
    expect(page.get_by_test_id("forecast-deal").first).to_be_visible()  # the deals load after the figures
    all_deals = page.get_by_test_id("forecast-deal").count()
    page.get_by_test_id("pipeline-quoted-pipeline").click()
    expect(page.get_by_test_id("forecast-deal").first).to_contain_text("Chiffré")
    assert page.get_by_test_id("forecast-deal").count() < all_deals
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

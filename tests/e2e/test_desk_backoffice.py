"""Back office: a routed quote request taken through to `won` with its amount; the KPIs move."""
from __future__ import annotations

from datetime import date

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_backoffice_takes_a_quote_to_won_and_the_kpi_moves(page, api):
    manager = api("manager@example.com")
    month = f"from={date.today().replace(day=1).isoformat()}&to={date.today().isoformat()}"
    before = manager.call("GET", f"/api/kpis?{month}")

    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "backoffice@example.com", "board")
    card = page.get_by_test_id("board-new").get_by_test_id("quote-card").first
    expect(card).to_be_visible(timeout=20_000)
    quote_id = card.get_attribute("data-quote-id")
    card.click()
    detail = page.get_by_test_id("quote-detail")
    expect(detail).to_be_visible()
    detail.get_by_test_id("quote-to-in_progress").click()
    expect(detail).to_have_attribute("data-status", "in_progress")
    detail.get_by_test_id("quote-amount").fill("12345.50")
    detail.get_by_test_id("quote-to-quoted").click()
    expect(detail).to_have_attribute("data-status", "quoted")
    detail.get_by_test_id("quote-to-won").click()
    expect(detail).to_have_attribute("data-status", "won")
    expect(page.get_by_test_id("board-closed").locator(f"[data-quote-id='{quote_id}']")).to_be_visible()

    quote = api("backoffice@example.com").call("GET", f"/api/quotes/{quote_id}")
    assert quote["status"] == "won" and quote["amount"] == 12345.5
    after = manager.call("GET", f"/api/kpis?{month}")
    assert after["quotes"]["won"] == before["quotes"]["won"] + 1
    assert sum(after["revenue"].values()) == pytest.approx(sum(before["revenue"].values()) + 12345.5)


def test_an_undeliverable_quote_shows_its_delivery_log_and_can_be_retried(page):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "backoffice@example.com", "board")
    cards = page.get_by_test_id("board-undeliverable").get_by_test_id("quote-card")
    expect(page.get_by_test_id("board-undeliverable")).to_be_visible()
    if cards.count() == 0:
        pytest.skip("the demo has no undeliverable quote for this back office")
    cards.first.click()
    detail = page.get_by_test_id("quote-detail")
    expect(detail.get_by_test_id("delivery-log")).to_be_visible()
    detail.get_by_test_id("quote-retry").click()
    expect(detail).to_have_attribute("data-status", "submitted")

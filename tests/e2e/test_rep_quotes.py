"""The rep's "My quotes" comes 50 at a time, newest first, with a button for the next 50:
the demo's reps have years of requests, which made one page tens of thousands of pixels high."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pwa import sign_in

pytestmark = pytest.mark.e2e


def test_my_quotes_come_fifty_at_a_time(page, api):
    total = api("rep4@example.com").call("GET", "/api/quotes?limit=1")["total"]
    assert total > 100  # the demo gives a rep enough requests for three pages
    sign_in(page, "rep4@example.com")
    page.goto("/#/quotes")
    rows = page.get_by_test_id("quote-row")
    expect(rows).to_have_count(50, timeout=30_000)
    first = rows.first.get_attribute("data-quote-id")
    page.get_by_test_id("quotes-more").click()
    expect(rows).to_have_count(100)
    assert rows.first.get_attribute("data-quote-id") == first  # the next page comes below, newest stay on top
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 20_000, height

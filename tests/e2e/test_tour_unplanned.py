"""The accounts a tour leaves out, one line per reason with their count and names: a day can
leave out dozens for the same reason (the segment's share of the day), and a line per account
repeated that reason dozens of times (a user trial's finding)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pwa import sign_in, workday

pytestmark = pytest.mark.e2e


def test_the_left_out_accounts_are_grouped_by_reason(page, api):
    rep = api("rep1@example.com")
    tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{workday()}")
    reasons: dict[str, list[str]] = {}
    for left in tour["unplanned"]:
        name = left.get("name") or rep.call("GET", f"/api/accounts/{left['account_id']}")["name"]
        reasons.setdefault(left["reason"], []).append(name)
    assert len(tour["unplanned"]) > len(reasons), "the demo's rep leaves several accounts out for one reason"
    sign_in(page, "rep1@example.com")

    page.locator("details.unplanned summary").click()
    lines = page.locator("details.unplanned p")
    expect(lines).to_have_count(len(reasons))
    for line, names in zip(lines.all(), reasons.values()):
        expect(line.locator("b")).to_contain_text(f" : {len(names)}")  # the reason's words, then its count
        for name in names:
            expect(line).to_contain_text(name)

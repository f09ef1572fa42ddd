"""Back office: a quote request whose product line was typed freely (naming none of the company's
lines) reached the default team; the board flags it "Gamme non reconnue", and the detail sets the
right line, which sends it to that line's team (the demo's "moteurs" rule: "Atelier moteurs")."""
from __future__ import annotations

import uuid

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_unrecognised_line_is_flagged_and_set_right_and_the_quote_goes_to_its_team(page, api, live_server):
    rep, backoffice = api("rep2@example.com"), api("backoffice@example.com")
    typed = f"Turbines {uuid.uuid4().hex[:6]}"
    account_id = rep.call("GET", "/api/accounts?per_page=1")["items"][0]["id"]
    quote = rep.call("POST", "/api/quotes", {"account_id": account_id, "product_line": typed,
                                             "items": [{"label": "Turbine APU", "quantity": 1, "unit": "u"}]})
    live_server.dispatch_once()
    teams = {t["name"]: t["id"] for t in backoffice.call("GET", "/api/technical-teams")}
    routed = backoffice.call("GET", f"/api/quotes/{quote['id']}")
    assert (routed["status"], routed["team_id"]) == ("routed", teams["Service technique"])

    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "backoffice@example.com", "board")
    expect(page.get_by_test_id("board-unrecognised")).to_contain_text("Gammes non reconnues")
    card = page.get_by_test_id("board-new").locator(f"[data-quote-id='{quote['id']}']")
    expect(card).to_be_visible(timeout=20_000)
    expect(card.get_by_test_id("line-unrecognised")).to_have_text("Gamme non reconnue")
    card.click()
    detail = page.get_by_test_id("quote-detail")
    expect(detail.get_by_test_id("quote-line").get_by_test_id("line-unrecognised")).to_be_visible()
    fix = detail.get_by_test_id("line-fix")
    expect(fix).to_contain_text(typed)
    expect(detail.get_by_test_id("line-fix-save")).to_be_disabled()
    detail.get_by_test_id("line-fix-select").select_option("moteurs")
    detail.get_by_test_id("line-fix-save").click()
    expect(page.locator(".toast")).to_contain_text("la demande part à l’équipe de cette gamme")
    expect(detail).to_be_hidden()

    # On its way to the line's team: out of every technical team's queue until delivered (the rep sees it).
    assert backoffice.call("GET", f"/api/quotes/{quote['id']}", expect=404)
    fixed = rep.call("GET", f"/api/quotes/{quote['id']}")
    assert (fixed["product_line"], fixed["status"], fixed["team_id"]) == ("moteurs", "submitted", None)
    live_server.dispatch_once()
    delivered = backoffice.call("GET", f"/api/quotes/{quote['id']}")
    assert (delivered["status"], delivered["team_id"]) == ("routed", teams["Atelier moteurs"])
    # Its card is no longer flagged once the board is read again.
    page.get_by_role("button", name="Actualiser").click()
    card = page.get_by_test_id("board-new").locator(f"[data-quote-id='{quote['id']}']")
    expect(card).to_contain_text("Moteurs")
    expect(card.get_by_test_id("line-unrecognised")).to_have_count(0)
    history = backoffice.call("GET", f"/api/quotes/{quote['id']}/history")
    assert history["product_line_recognised"] is True and history["team_name"] == "Atelier moteurs"

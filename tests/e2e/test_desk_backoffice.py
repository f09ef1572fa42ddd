"""Back office: a routed quote request taken through to `won` with its amount; the KPIs move."""
from __future__ import annotations

import threading
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


@pytest.fixture
def gone_receiver():
    """A webhook endpoint that answers 410 Gone: the dispatcher gives the quote up at once."""
    class Gone(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(410)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/quotes"
    server.shutdown()
    server.server_close()


def test_an_undeliverable_quote_shows_its_delivery_log_and_can_be_retried(page, api, live_server, gone_receiver):
    admin, rep = api("admin@example.com"), api("rep2@example.com")
    backoffice = api("backoffice@example.com")
    marker = f"banc-{uuid.uuid4().hex[:6]}"
    team = admin.call("POST", "/api/admin/technical-teams",
                      {"name": f"Atelier {marker}", "channel": "webhook", "webhook_url": gone_receiver})
    admin.call("PATCH", f"/api/admin/technical-teams/{team['id']}", {"member_ids": [backoffice.user["id"]]})
    admin.call("POST", "/api/admin/routing-rules", {"team_id": team["id"], "product_line": marker, "priority": 1})
    account_id = rep.call("GET", "/api/accounts?per_page=1")["items"][0]["id"]
    quote = rep.call("POST", "/api/quotes", {"account_id": account_id, "product_line": marker,
                                             "items": [{"label": "Banc d'essai", "quantity": 1, "unit": "u"}]})
    live_server.dispatch_once()  # 410 Gone: undeliverable, and the endpoint is disabled
    assert backoffice.call("GET", f"/api/quotes/{quote['id']}")["status"] == "undeliverable"

    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "backoffice@example.com", "board")
    card = page.get_by_test_id("board-undeliverable").locator(f"[data-quote-id='{quote['id']}']")
    expect(card).to_be_visible(timeout=20_000)
    card.click()
    detail = page.get_by_test_id("quote-detail")
    expect(detail.get_by_test_id("delivery-log")).to_be_visible()
    detail.get_by_test_id("quote-retry").click()
    expect(detail).to_have_attribute("data-status", "submitted")
    assert backoffice.call("GET", f"/api/quotes/{quote['id']}")["status"] == "submitted"


def test_an_undeliverable_quote_is_told_in_words_and_sent_to_another_team(page, api, live_server, gone_receiver):
    """The reason in French, never the channel's English detail; then "Envoyer à une autre équipe"
    gives it to the demo's "Atelier moteurs", which receives it once."""
    admin, rep = api("admin@example.com"), api("rep2@example.com")
    backoffice = api("backoffice@example.com")
    marker = f"presse-{uuid.uuid4().hex[:6]}"
    team = admin.call("POST", "/api/admin/technical-teams",
                      {"name": f"Atelier {marker}", "channel": "webhook", "webhook_url": gone_receiver})
    admin.call("PATCH", f"/api/admin/technical-teams/{team['id']}", {"member_ids": [backoffice.user["id"]]})
    admin.call("POST", "/api/admin/routing-rules", {"team_id": team["id"], "product_line": marker, "priority": 1})
    account_id = rep.call("GET", "/api/accounts?per_page=1")["items"][0]["id"]
    quote = rep.call("POST", "/api/quotes", {"account_id": account_id, "product_line": marker,
                                             "items": [{"label": "Presse plieuse", "quantity": 1, "unit": "u"}]})
    live_server.dispatch_once()  # 410 Gone: undeliverable
    motors = next(t for t in backoffice.call("GET", "/api/technical-teams") if t["name"] == "Atelier moteurs")

    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "backoffice@example.com", "board")
    card = page.get_by_test_id("board-undeliverable").locator(f"[data-quote-id='{quote['id']}']")
    expect(card).to_be_visible(timeout=20_000)
    card.click()
    detail = page.get_by_test_id("quote-detail")
    expect(detail.get_by_test_id("delivery-reason")).to_contain_text("Le webhook a répondu 410 Gone")
    expect(detail.get_by_test_id("delivery-log")).not_to_contain_text("endpoint asks to be disabled")
    detail.get_by_test_id("quote-reroute-team").select_option(motors["id"])
    detail.get_by_test_id("quote-reroute-send").click()
    expect(detail).to_be_hidden()
    live_server.dispatch_once()
    routed = admin.call("GET", f"/api/quotes/{quote['id']}")
    assert (routed["status"], routed["team_id"]) == ("routed", motors["id"])


def test_a_desk_clock_behind_the_servers_shows_no_negative_age(browser, live_server):
    """The board's age is the desk's clock minus the server's creation time: a desk whose clock
    runs behind (here before every quote) reads "0 min", not "-1 j -1 h" (a user trial saw it)."""
    import datetime as dt

    from e2e_server import new_context
    context = new_context(browser, live_server, now=dt.datetime(2020, 1, 6, 9, 0, tzinfo=dt.UTC))
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        desk_sign_in(page, "backoffice@example.com", "board")
        ages = page.get_by_test_id("board-new").get_by_test_id("quote-card").locator(".age")
        expect(ages.first).to_be_visible(timeout=20_000)
        assert set(ages.all_inner_texts()) == {"0 min"}
    finally:
        context.close()

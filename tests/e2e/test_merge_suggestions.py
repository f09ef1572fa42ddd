"""Two reps created one company apart (their tablets could not link the creates): a rep
concerned sees the merge suggestion on the account screen and keeps its record; the other
rep's tablet learns the merged id on its next sync, its contact now on the survivor. The
manager merges or dismisses suggestions from the desk."""
from __future__ import annotations

import uuid

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import new_context
from playwright.sync_api import expect
from pwa import sign_in, sync_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def other_tablet(browser, live_server):
    context = new_context(browser, live_server)
    yield context
    context.close()


def test_a_rep_concerned_merges_from_the_tablet_and_the_other_tablet_follows(page, other_tablet, api):
    name = f"Serrurerie {uuid.uuid4().hex[:6]}"
    mine, theirs, manager = api("rep3@example.com"), api("rep2@example.com"), api("manager@example.com")
    kept = mine.call("POST", "/api/accounts", {"name": name, "postcode": "21000", "city": "Dijon", "status": "prospect"})
    gone = theirs.call("POST", "/api/accounts", {"name": name.upper() + " SARL", "postcode": "21000", "city": "Dijon",
                                                 "status": "prospect", "phone": "03 80 44 44 44"})
    contact = theirs.call("POST", "/api/contacts", {"account_id": gone["id"], "name": "M. Serre", "roles": ["billing"]})
    try:
        other = other_tablet.new_page()
        sign_in(other, "rep2@example.com")
        other.goto(f"/#/account/{gone['id']}")
        expect(other.locator("h1", has_text=name.upper())).to_be_visible()

        sign_in(page, "rep3@example.com")
        page.goto(f"/#/account/{kept['id']}")
        offer = page.get_by_test_id("merge-offer")
        expect(offer).to_be_visible(timeout=20_000)
        expect(offer).to_contain_text(name.upper())
        offer.get_by_test_id("merge-keep-mine").click()
        expect(offer).to_have_count(0)
        expect(page.get_by_test_id("contact-item").filter(has_text="M. Serre")).to_be_visible(timeout=20_000)

        scope = manager.pull_all()
        assert gone["id"] not in scope["account"]
        assert scope["account"][kept["id"]]["phone"] == "03 80 44 44 44"  # filled where mine had none
        assert scope["contact"][contact["id"]]["account_id"] == kept["id"]

        sync_now(other)  # the other tablet: the merged account and its contact leave it (they live on in mine)
        held = other.evaluate("""async (ids) => new Promise((resolve) => {
            const open = indexedDB.open('tournee');
            open.onsuccess = () => {
              const tx = open.result.transaction(['account', 'contact']);
              const a = tx.objectStore('account').get(ids[0]), c = tx.objectStore('contact').get(ids[1]);
              tx.oncomplete = () => resolve([a.result || null, c.result || null]);
            };
        })""", [gone["id"], contact["id"]])
        assert held == [None, None]
    finally:
        for account in (kept, gone):
            try:
                manager.call("DELETE", f"/api/accounts/{account['id']}")
            except AssertionError:
                pass  # merged away already


def test_the_manager_merges_a_suggestion_from_the_desk_or_dismisses_one(page, api):
    name = f"Vitrerie {uuid.uuid4().hex[:6]}"
    manager = api("manager@example.com")
    made = [api(email).call("POST", "/api/accounts", {"name": label, "postcode": "71100", "city": "Chalon-sur-Saône",
                                                      "status": "prospect"})
            for email, label in (("rep1@example.com", name), ("rep4@example.com", f"{name} SAS"),
                                 ("rep1@example.com", f"{name} Nord"), ("rep5@example.com", f"{name} nord"))]
    try:
        page.set_viewport_size(DESKTOP)
        desk_sign_in(page, "manager@example.com", "dashboard")
        page.get_by_test_id("desk-nav-duplicates").click()
        pair = page.get_by_test_id("duplicate-group").filter(has=page.locator(f"[data-account-id='{made[0]['id']}']"))
        expect(pair).to_be_visible(timeout=20_000)
        pair.locator(f"[data-account-id='{made[0]['id']}']").get_by_test_id("merge-keep").click()
        expect(pair).to_have_count(0)
        assert manager.call("GET", f"/api/accounts/{made[1]['id']}", expect=404)["status"] == 404
        other = page.get_by_test_id("duplicate-group").filter(has=page.locator(f"[data-account-id='{made[2]['id']}']"))
        other.get_by_test_id("merge-dismiss").click()
        expect(other).to_have_count(0)
        for account in (made[2], made[3]):  # both kept: different companies
            assert manager.call("GET", f"/api/accounts/{account['id']}")["id"] == account["id"]
    finally:
        for account in made:
            try:
                manager.call("DELETE", f"/api/accounts/{account['id']}")
            except AssertionError:
                pass  # merged away already

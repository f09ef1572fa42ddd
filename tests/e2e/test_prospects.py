"""A rep creates a prospect offline (issue: the rep's own data): with a contact, a custom value
and a storefront photo; it survives a reload, reaches the server once, owned by the rep; a second
tablet creating the same company offline ends with one account and a visible merge suggestion."""
from __future__ import annotations

import uuid

import pytest
from e2e_server import new_context
from playwright.sync_api import expect
from pwa import new_prospect, pending, sign_in, sync_now

pytestmark = pytest.mark.e2e

REP = "rep4@example.com"


@pytest.fixture
def second_tablet(browser, live_server):
    context = new_context(browser, live_server)  # on the pinned clock, like the first tablet
    yield context
    context.close()


def _named(scope, entity, name):
    return [r for r in scope.get(entity, {}).values() if r.get("name") == name]


def test_offline_prospect_reaches_the_server_once_and_a_second_tablet_links_to_it(page, context, second_tablet, api):
    name = f"Boulangerie {uuid.uuid4().hex[:6]}"
    other = second_tablet.new_page()
    sign_in(other, REP)  # the second tablet has its copy before the company exists anywhere
    second_tablet.set_offline(True)

    sign_in(page, REP)
    context.set_offline(True)
    new_prospect(page, name, "21000", "Mme Roux", parc="12")
    expect(page.locator("h1", has_text=name)).to_be_visible()
    pending(page).to_have_text("2")  # the account and its contact
    page.reload()
    pending(page).to_have_text("2")
    expect(page.locator("h1", has_text=name)).to_be_visible()
    expect(page.get_by_test_id("contact-item")).to_have_count(1)

    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    pending(page).to_have_text("0", timeout=30_000)
    sync_now(page)

    server = api(REP)
    scope = server.pull_all()
    accounts = _named(scope, "account", name)
    assert len(accounts) == 1
    account = accounts[0]
    assert account["owner_id"] == server.user["id"] and account["status"] == "prospect"
    assert account["custom"] == {"parc_machines": 12}
    assert len(account["attachment_ids"]) == 1  # the storefront photo went up before the account
    contacts = [c for c in scope.get("contact", {}).values() if c["account_id"] == account["id"]]
    assert [(c["name"], sorted(c["roles"])) for c in contacts] == [("Mme Roux", ["billing", "decision_maker"])]

    # The same tablet warns before creating it twice.
    new_prospect(page, name.upper(), "21000", "M. Roux", photo=False)
    expect(page.get_by_test_id("duplicate-warning")).to_be_visible()
    expect(page.get_by_test_id("duplicate-item")).to_have_attribute("data-account-id", account["id"])

    # The second tablet, still offline, never saw it: it creates the same company.
    new_prospect(other, f"{name} SARL", "21000", "M. Roux", photo=False)
    expect(other.locator("h1", has_text=name)).to_be_visible()
    second_tablet.set_offline(False)
    other.get_by_test_id("sync-now").click()
    pending(other).to_have_text("0", timeout=30_000)
    sync_now(other)

    scope = server.pull_all()
    assert [a["id"] for a in scope["account"].values() if a["name"].startswith(name)] == [account["id"]]
    contacts = sorted(c["name"] for c in scope.get("contact", {}).values() if c["account_id"] == account["id"])
    assert contacts == ["M. Roux", "Mme Roux"]  # nothing lost: the second tablet's contact joined the account
    other.goto(f"/#/account/{account['id']}")
    expect(other.get_by_test_id("merge-suggestion")).to_be_visible()
    conflicts = server.call("GET", "/api/sync/conflicts")
    assert any(c["record_id"] == account["id"] and c["lost_value"] == f"{name} SARL" for c in conflicts)

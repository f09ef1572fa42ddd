"""A task the server made (a recurring visit: `title_key` "recurring_visit", `title` "Visite
récurrente") shows its title in the user's language: an English-speaking rep reads "Recurring
visit" in its agenda and on the account, an English-speaking manager on the desk's account card.

The recurring-visit job runs over every A account of the company, so this module has a server
of its own (a copy of the demo database): the other browser tests' shared server stays as they
know it."""
from __future__ import annotations

import os

import pytest
from desk import DESKTOP, desk_sign_in
from e2e_server import Api, new_context, prepared_demo, start_server
from playwright.sync_api import expect
from pwa import signed_in_synced

pytestmark = pytest.mark.e2e

REP, MANAGER = "rep1@example.com", "manager@example.com"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory, mailbox):
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    server = start_server(tmp_path_factory.mktemp("titles-server"), env={"SMTP_URL": mailbox.url()},
                          demo=prepared_demo(shared / "e2e-demo"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def recurring(own_server) -> dict:
    """The rep's recurring visit task due first, after the job ran; both users speak English."""
    admin = Api(own_server.url, "admin@example.com")
    for email in (REP, MANAGER):
        user = Api(own_server.url, email).user
        admin.call("PATCH", f"/api/users/{user['id']}", {"locale": "en"}, expect=200)
    assert admin.call("POST", "/api/commercial-model/recurring-visits")["created"] > 0
    tasks = Api(own_server.url, REP).pull_all()["task"].values()
    made = sorted((k for k in tasks if k["title_key"] == "recurring_visit"), key=lambda k: k["due_at"])
    assert made and {k["title"] for k in made} == {"Visite récurrente"}
    return made[0]


def test_an_english_speaking_rep_reads_recurring_visit_in_its_agenda_and_on_the_account(browser, own_server,
                                                                                         recurring):
    context = new_context(browser, own_server)
    try:
        page = context.new_page()
        signed_in_synced(page, REP)
        page.goto("/#/agenda")  # due now or in the coming weeks: late ones on today's card
        tasks = page.get_by_test_id("agenda-task")
        expect(tasks.first).to_be_visible(timeout=20_000)
        expect(tasks.filter(has_text="Recurring visit").first).to_be_visible()
        expect(tasks.filter(has_text="Visite récurrente")).to_have_count(0)
        page.goto(f"/#/account/{recurring['account_id']}")
        expect(page.get_by_text("Task · Recurring visit")).to_be_visible(timeout=20_000)
    finally:
        context.close()


def test_an_english_speaking_manager_reads_recurring_visit_on_the_desk(browser, own_server, recurring):
    account = Api(own_server.url, MANAGER).call("GET", f"/api/accounts/{recurring['account_id']}")
    context = new_context(browser, own_server, viewport=DESKTOP)
    try:
        page = context.new_page()
        desk_sign_in(page, MANAGER, "dashboard")
        page.get_by_test_id("desk-nav-accounts").click()
        page.get_by_test_id("records-search").fill(account["name"][:12])
        page.get_by_test_id("records-result").filter(has_text=account["name"]).first.click()
        listed = page.get_by_test_id("records-task")
        expect(listed.filter(has_text="Recurring visit")).to_have_count(1)
        expect(page.get_by_test_id("records-tasks")).not_to_contain_text("Visite récurrente")
    finally:
        context.close()

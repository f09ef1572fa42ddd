"""The technical service set up from the desk: an admin creates a technical team, sends it
quotes by a labelled rule, is warned while the team would receive nothing, and sees the
warning go once the team has an e-mail channel or a technician; an empty sales team is
deleted; the demo's motor quotes reach the back office, which sees the team by name."""
from __future__ import annotations

import uuid

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def new_team_with_a_rule(page, name: str, marker: str) -> None:
    """Create an inbox team in the routing screen, and a rule that sends it urgent `marker` quotes."""
    page.get_by_test_id("tech-team-new").click()
    form = page.get_by_test_id("tech-team-form")
    form.get_by_label("Nom de l’équipe").fill(name)
    expect(form.get_by_label("Canal")).to_have_value("inbox")
    form.get_by_test_id("tech-team-save").click()
    expect(form).to_be_hidden()
    rule = page.get_by_test_id("rule-form")
    rule.get_by_label("Priorité").fill("1")
    rule.get_by_label("Début du code postal").fill(f"Z{marker[-4:]}".upper())  # no French postcode starts so
    rule.get_by_label("Urgence").select_option(label="Urgente")
    rule.get_by_label("Équipe technique").select_option(label=name)
    rule.get_by_test_id("rule-add").click()


def team_row(page, name: str):
    return page.get_by_test_id("tech-team-row").filter(has_text=name)


def test_an_email_channel_ends_the_receives_nothing_warning(page):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-routing").click()
    name = f"Hydraulique {uuid.uuid4().hex[:6]}"
    new_team_with_a_rule(page, name, name)
    row = team_row(page, name)
    expect(row.get_by_test_id("tech-team-nothing")).to_contain_text("Ne reçoit rien")
    expect(row.get_by_test_id("tech-team-members")).to_have_text("Aucun membre")
    # the rule shows its urgency in words, never the stored "urgent"
    rule = page.get_by_test_id("rule-row").filter(has_text=name)
    expect(rule.get_by_test_id("rule-urgency")).to_have_text("Urgente")

    row.get_by_test_id("tech-team-edit").click()
    form = page.get_by_test_id("tech-team-form")
    form.get_by_label("Canal").select_option(label="E-mail")
    form.get_by_label("E-mail de l’équipe").fill("hydraulique@atelier.example")
    form.get_by_test_id("tech-team-save").click()
    expect(row).to_contain_text("hydraulique@atelier.example")
    expect(row.get_by_test_id("tech-team-nothing")).to_have_count(0)


def test_a_technician_assigned_on_the_people_screen_ends_the_warning(page, api):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-routing").click()
    marker = uuid.uuid4().hex[:6]
    name = f"Atelier pneumatique {marker}"
    new_team_with_a_rule(page, name, marker)
    expect(team_row(page, name).get_by_test_id("tech-team-nothing")).to_be_visible()

    page.get_by_test_id("desk-nav-people").click()
    page.get_by_test_id("person-new").click()
    form = page.get_by_test_id("person-form")
    form.get_by_test_id("person-name").fill(f"Marc Lambert {marker}")
    form.get_by_test_id("person-email").fill(f"marc.{marker}@example.com")
    form.get_by_test_id("person-role").select_option("backoffice")
    form.get_by_test_id("person-tech-teams").get_by_label(name).check()
    form.get_by_test_id("person-save").click()
    expect(form).to_be_hidden(timeout=20_000)
    technician = api("admin@example.com").call("GET", f"/api/users?q={marker}")["items"][0]
    assert technician["role"] == "backoffice" and len(technician["technical_team_ids"]) == 1

    page.get_by_test_id("desk-nav-routing").click()
    row = team_row(page, name)
    expect(row.get_by_test_id("tech-team-members")).to_have_text(f"Marc Lambert {marker}")
    expect(row.get_by_test_id("tech-team-nothing")).to_have_count(0)


def test_an_empty_sales_team_is_deleted_after_a_confirm(page, api):
    name = f"Ancien secteur {uuid.uuid4().hex[:6]}"
    team = api("admin@example.com").call("POST", "/api/teams", {"name": name})
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-people").click()
    row = page.locator(f"[data-testid=team-row][data-team-id='{team['id']}']")
    expect(row).to_have_count(1, timeout=20_000)
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    row.get_by_test_id("team-delete").click()
    expect(row).to_have_count(0)
    assert messages == [f"Supprimer l’équipe {name} ?"]


def test_a_motor_quote_reaches_the_back_office_which_sees_its_team(page, api, live_server):
    """The demo's headline case: "Atelier moteurs" has a member, so its quotes are seen."""
    rep = api("rep3@example.com")
    account_id = rep.call("GET", "/api/accounts?per_page=1")["items"][0]["id"]
    quote = rep.call("POST", "/api/quotes", {"account_id": account_id, "product_line": "moteurs",
                                             "items": [{"label": "Révision moteur", "quantity": 1, "unit": "u"}]})
    live_server.dispatch_once()
    backoffice = api("backoffice@example.com")
    assert backoffice.call("GET", f"/api/quotes/{quote['id']}")["status"] == "routed"
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "backoffice@example.com", "board")
    card = page.locator(f"[data-quote-id='{quote['id']}']")
    expect(card).to_be_visible(timeout=20_000)
    card.click()
    expect(page.get_by_test_id("quote-detail").get_by_test_id("quote-team")).to_have_text("Atelier moteurs")


def test_an_email_team_on_a_server_without_mail_relay_is_warned_and_receives_nothing(page):
    """`make run` sets no mail relay: the form says e-mails will not leave, and the team, with no
    member, still receives nothing. The live server has a relay, so its answers are altered on
    their way to the page as a server without one answers (tests/quotes/test_mail_relay.py)."""
    no_relay = {"deliverable": False, "reason": "mail_relay_not_configured",
                "reason_text": "Aucun serveur d’e-mail n’est configuré sur le serveur (SMTP_URL) : aucun e-mail ne peut partir."}

    def channels(route):
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "email": no_relay})

    def teams(route):
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(response=response, json=[{**t, **no_relay} if t["channel"] == "email" else t
                                               for t in response.json()])

    page.route("**/api/admin/delivery-channels", channels)
    page.route("**/api/admin/technical-teams", teams)
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-routing").click()
    name = f"Chaudronnerie {uuid.uuid4().hex[:6]}"
    new_team_with_a_rule(page, name, name)
    row = team_row(page, name)
    expect(row.get_by_test_id("tech-team-nothing")).to_be_visible()

    row.get_by_test_id("tech-team-edit").click()
    form = page.get_by_test_id("tech-team-form")
    expect(form.get_by_test_id("tech-team-no-relay")).to_have_count(0)  # an inbox needs no relay
    form.get_by_label("Canal").select_option(label="E-mail")
    expect(form.get_by_test_id("tech-team-no-relay")).to_contain_text("Aucun serveur d’e-mail n’est configuré")
    form.get_by_label("E-mail de l’équipe").fill("chaudronnerie@atelier.example")
    form.get_by_test_id("tech-team-save").click()
    expect(row).to_contain_text("chaudronnerie@atelier.example")
    # No member and an e-mail that cannot leave: still nobody receives its quotes.
    expect(row.get_by_test_id("tech-team-undeliverable")).to_contain_text("Ne peut pas transmettre")
    expect(row.get_by_test_id("tech-team-nothing")).to_contain_text("Ne reçoit rien")

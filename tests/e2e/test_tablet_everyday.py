"""The tablet in everyday use, as a fresh rep finds it: a visit saved offline stays on screen (a
reload included) instead of a blank form that invites entering it twice; "Synchroniser" offline
says why nothing is sent; a rep with no account is told whom to ask; an account located at its
commune's centre is said approximate and its directions go to its postal address.

Demo reps' data is only read here, offline changes never pushed (the context closes offline):
the other browser tests find the demo as they know it."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from e2e_server import Api
from playwright.sync_api import expect
from pwa import log_visit, new_rep, open_first_stop, sign_in, signed_in_synced, workday

pytestmark = pytest.mark.e2e


def test_a_visit_saved_offline_is_shown_after_a_reload_not_a_blank_form(page, context):
    sign_in(page, "rep2@example.com")
    context.set_offline(True)
    account_id = open_first_stop(page)
    log_visit(page, notes="Vu le responsable atelier", outcome="follow-up")
    saved = page.get_by_test_id("visit-saved")
    expect(saved.get_by_test_id("visit-saved-notes")).to_have_text("Vu le responsable atelier")
    expect(saved.get_by_test_id("visit-waiting")).to_be_visible()

    page.reload()  # still offline: the outbox holds the visit
    expect(saved.get_by_test_id("visit-saved-notes")).to_have_text("Vu le responsable atelier")
    expect(saved.get_by_test_id("visit-saved-outcome")).to_have_text("À relancer")
    expect(saved.get_by_test_id("visit-waiting")).to_contain_text("en attente d’envoi")
    expect(page.get_by_test_id("visit-save")).to_have_count(0)  # no blank form to fill again
    expect(page.get_by_test_id("request-quote")).to_be_visible()

    # Back on the account, "Saisir une visite" shows the waiting visit too.
    page.goto(f"/#/account/{account_id}")
    page.get_by_test_id("log-visit").click()
    expect(saved.get_by_test_id("visit-saved-notes")).to_have_text("Vu le responsable atelier")
    # A second visit the same day stays possible, on purpose.
    page.get_by_test_id("visit-another").click()
    expect(page.get_by_test_id("visit-notes")).to_have_value("")
    expect(page.get_by_test_id("sync-pending")).to_have_text("1")



def test_a_visit_saved_offline_moves_the_accounts_header_at_once_and_cannot_start_in_the_future(page, context):
    sign_in(page, "rep2@example.com")
    context.set_offline(True)
    # A stop whose account the server has dated (last visit and due date): the interval between them is its cadence.
    ids = [stop.get_attribute("data-account-id") for stop in page.get_by_test_id("tour-stop").all()]
    before = page.evaluate("""async (ids) => {
      const db = await import('/lib/db.js');
      return (await Promise.all(ids.map((id) => db.getRecord('account', id)))).find((a) => a?.last_visit_at && a.next_due_at);
    }""", ids)
    assert before, "no stop with a last visit and a due date"
    page.goto(f"/#/account/{before['id']}")
    header = page.locator(".account-head")
    shown = page.evaluate("""async (a) => { const { fmtDate, fmtDateTime } = await import('/lib/i18n.js');
      return [fmtDateTime(a.last_visit_at), fmtDate(a.next_due_at)]; }""", before)
    expect(header).to_contain_text(shown[0])
    expect(header).to_contain_text(shown[1])

    page.get_by_test_id("log-visit").click()
    start = page.get_by_test_id("visit-started-at")
    now = start.input_value()
    assert start.get_attribute("max") >= now and start.get_attribute("max")[:10] == now[:10]  # no later than today
    ahead = (dt.datetime.fromisoformat(now) + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    start.fill(ahead)
    page.get_by_test_id("visit-notes").fill("Date dans le futur")
    page.get_by_test_id("visit-save").click()
    assert start.evaluate("(el) => el.validity.rangeOverflow") is True
    expect(page.get_by_test_id("visit-saved")).to_have_count(0)  # the form refuses it: nothing saved
    start.fill(now)
    page.get_by_test_id("visit-save").click()
    expect(page.get_by_test_id("visit-saved")).to_be_visible()

    # Back on the account, offline still: the header reads the visit just saved and the due date it moves.
    page.goto(f"/#/account/{before['id']}")
    moved = page.evaluate("""async (a) => {
      const { fmtDate, fmtDateTime } = await import('/lib/i18n.js');
      const [visit] = await (await import('/lib/db.js')).pendingVisits(a.id);
      const due = Date.parse(visit.started_at) + (Date.parse(a.next_due_at) - Date.parse(a.last_visit_at));
      return [fmtDateTime(visit.started_at), fmtDate(new Date(due).toISOString())];
    }""", before)
    expect(header).to_contain_text(moved[0])
    expect(header).to_contain_text(moved[1])
    assert shown[0] not in header.inner_text()

def test_sync_now_offline_says_the_tablet_is_offline_and_what_waits(page, context):
    sign_in(page, "rep3@example.com")
    context.set_offline(True)
    toast = page.locator(".toasts .toast")
    page.get_by_test_id("sync-now").click()
    expect(toast.last).to_have_text("Hors ligne : rien en attente, la synchronisation reprendra au retour du réseau.")

    open_first_stop(page)
    log_visit(page, notes="Visite hors réseau", outcome="interested")
    page.get_by_test_id("sync-now").click()
    expect(toast.last).to_have_text("Hors ligne : 1 modification en attente sera envoyée au retour du réseau.")
    page.locator("button.lang").click()
    page.get_by_test_id("sync-now").click()
    expect(toast.last).to_have_text("Offline: 1 change waiting will be sent when the network is back.")
    expect(page.get_by_test_id("sync-pending")).to_have_text("1")  # kept, nothing lost


def test_a_new_rep_with_no_account_is_told_why_the_tour_is_empty_and_whom_to_ask(page, context, api, mailbox,
                                                                                  live_server):
    admin = api("admin@example.com")
    boss = admin.call("POST", "/api/users", {"email": f"boss-{uuid.uuid4().hex[:8]}@example.com",
                                             "name": "Mona Manager", "role": "manager"}, expect=201)
    team = admin.call("POST", "/api/teams", {"name": f"Équipe {uuid.uuid4().hex[:6]}", "manager_id": boss["id"]},
                      expect=201)
    rep = Api(live_server.url, new_rep(api, mailbox, name="Nina Nouvelle")["email"])
    admin.call("PATCH", f"/api/users/{rep.user['id']}", {"team_id": team["id"]}, expect=200)

    signed_in_synced(page, rep.user["email"])
    page.goto("/#/tour")
    empty = page.get_by_test_id("tour-no-accounts")
    expect(empty).to_contain_text("Aucun compte ne vous est encore attribué")
    expect(empty).to_contain_text("Demandez-le à votre responsable commercial, Mona Manager.")
    expect(empty.get_by_role("link")).to_have_attribute("href", f"mailto:{boss['email']}")
    page.locator("button.lang").click()
    expect(empty).to_contain_text("No account is assigned to you yet")
    expect(empty).to_contain_text("Ask your sales manager, Mona Manager.")

    context.set_offline(True)  # offline, on a day never stored: still said, not "no tour stored"
    page.goto(f"/#/tour/{dt.date.fromisoformat(workday()) + dt.timedelta(days=49)}")
    expect(empty).to_contain_text("No account is assigned to you yet")
    expect(page.get_by_text("No tour stored for this day")).to_have_count(0)


def test_an_account_located_at_its_communes_centre_is_said_approximate_and_driven_to_by_address(page, api, mailbox,
                                                                                                live_server):
    """Without a geocoder (the test server has none) an address is located by the embedded
    gazetteer: the commune's centre, `geo_precision` "commune"."""
    rep = Api(live_server.url, new_rep(api, mailbox, {"lat": 47.322, "lon": 5.041}, name="Paul Précis")["email"])
    rough = rep.call("POST", "/api/accounts", {"name": "Forge Approximative", "status": "prospect",
                                               "address": "12 rue des Forges", "postcode": "21000", "city": "Dijon"})
    exact = rep.call("POST", "/api/accounts", {"name": "Garage Exact", "status": "prospect",
                                               "address": "3 rue Exacte", "postcode": "21000", "city": "Dijon",
                                               "lat": 47.33, "lon": 5.05})
    assert rough["geo_precision"] == "commune" and rough["lat"] is not None
    assert exact["geo_precision"] not in ("commune", None)

    signed_in_synced(page, rep.user["email"])
    page.goto(f"/#/tour/{workday()}")
    by_address = "https://www.google.com/maps/dir/?api=1&destination=12%20rue%20des%20Forges%2C%2021000%20Dijon"
    row = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{rough["id"]}"]'))
    expect(row.get_by_test_id("stop-approx")).to_have_text("Position approximative (centre de la commune)")
    expect(row.get_by_role("link", name="Itinéraire")).to_have_attribute("href", by_address)
    other = page.locator("li.stop").filter(has=page.locator(f'[data-account-id="{exact["id"]}"]'))
    expect(other.get_by_role("link", name="Itinéraire")).to_have_attribute(
        "href", "https://www.google.com/maps/dir/?api=1&destination=47.33,5.05")
    expect(other.get_by_test_id("stop-approx")).to_have_count(0)

    page.goto(f"/#/account/{rough['id']}")
    expect(page.get_by_test_id("account-approx")).to_have_text("Position approximative (centre de la commune)")
    expect(page.locator(".account-head").get_by_role("link", name="Itinéraire")).to_have_attribute("href", by_address)
    page.locator("button.lang").click()
    expect(page.get_by_test_id("account-approx")).to_have_text("Approximate position (town centre)")
    page.goto(f"/#/account/{exact['id']}")
    expect(page.get_by_test_id("log-visit")).to_be_visible()
    expect(page.get_by_test_id("account-approx")).to_have_count(0)


def test_the_account_search_ignores_accents_and_case_offline_as_the_server_does(page, context, api):
    """"herve", "CHENOVE", "coeur" find Hervé, Chenôve, Cœur: the tablet folds text as the
    server's search does (server/common/search.py `fold`), and every word must appear."""
    import unicodedata
    accounts = api("rep3@example.com").call("GET", "/api/accounts?per_page=200")["items"]
    accented = next(a for a in accounts if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", a["name"])))
    word = next(w for w in accented["name"].split() if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", w)))
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).upper()
    sign_in(page, "rep3@example.com")
    context.set_offline(True)
    page.goto("/#/accounts")
    search = page.get_by_test_id("account-search")
    search.fill(f"{bare} {accented['postcode']}")  # two words, neither accented, one upper case
    items = page.get_by_test_id("account-item")
    expect(items.filter(has_text=accented["name"])).to_have_count(1)
    search.fill(f"{bare} zzzz")  # every word must appear
    expect(items).to_have_count(0)

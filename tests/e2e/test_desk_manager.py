"""Manager: KPI dashboard (charts, by rep), an action plan, and a model change — weight,
dry run, apply — that moves accounts between segments."""
from __future__ import annotations

import re

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_manager_dashboard_shows_kpis_and_lazy_charts(page):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    expect(page.get_by_test_id("kpi-segment-A")).to_be_visible()
    assert int(page.get_by_test_id("kpi-done-A").inner_text()) >= 0
    expect(page.get_by_test_id("kpi-by-rep").locator("tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("chart-visits").locator("canvas")).to_be_visible(timeout=20_000)
    with page.expect_download() as download:
        page.get_by_test_id("kpi-csv").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_manager_writes_an_action_plan_and_sees_its_progress(page, api):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-plans").click()
    page.get_by_test_id("plan-new").click()
    page.get_by_test_id("plan-rep").select_option(index=4)
    page.get_by_test_id("plan-A-visits").fill("24")
    page.get_by_test_id("plan-A-revenue").fill("50000")
    page.get_by_test_id("plan-save").click()
    expect(page.get_by_test_id("plan-progress")).to_be_visible()
    # a target set reads "done / target"; one left at 0 says there is none, not "n / 0"
    expect(page.get_by_test_id("progress-A-visits")).to_contain_text(re.compile(r"^\S+ / 24"))
    expect(page.get_by_test_id("progress-A-calls")).to_contain_text("pas d’objectif")
    expect(page.get_by_test_id("progress-A-calls")).not_to_contain_text(" / ")
    plans = api("manager@example.com").call("GET", "/api/action-plans")
    assert any(p["targets"]["A"] == {"visits": 24, "calls": 0, "revenue": 50000.0} for p in plans)
    for plan in plans:  # leave the demo as it was for the other tests
        api("manager@example.com").call("DELETE", f"/api/action-plans/{plan['id']}", expect=204)


def test_manager_changes_a_weight_dry_runs_applies_and_segments_change(page, api):
    manager = api("manager@example.com")
    original = manager.call("GET", "/api/commercial-model")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-model").click()
    try:
        page.get_by_test_id("model-weight-revenue_last_year").fill("12")
        page.get_by_test_id("model-dry-run").click()
        changes = page.get_by_test_id("dry-run-change")
        expect(changes.first).to_be_visible()
        moved_id, moved_to = changes.first.get_attribute("data-account-id"), changes.first.get_attribute("data-to")
        assert manager.call("GET", "/api/commercial-model")["version"] == original["version"]  # a dry run writes nothing

        page.get_by_test_id("model-apply").click()
        expect(page.get_by_test_id("model-result")).to_contain_text(f"v{original['version'] + 1}")
        model = manager.call("GET", "/api/commercial-model")
        assert model["version"] == original["version"] + 1
        assert next(c for c in model["criteria"] if c["key"] == "revenue_last_year")["weight"] == 12
        assert manager.call("GET", f"/api/accounts/{moved_id}")["segment"] == moved_to
    finally:  # the demo's model again, for the other browser tests
        manager.call("PUT", "/api/commercial-model", {"criteria": original["criteria"], "note": "e2e: restore"})


def test_manager_names_a_criterion_in_french_and_in_english(page, api):
    """The model editor shows each criterion's label in both languages, each under its visible
    caption, and saves both."""
    manager = api("manager@example.com")
    original = manager.call("GET", "/api/commercial-model")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-model").click()
    for caption in ("Libellé (français)", "Libellé (anglais)"):
        expect(page.get_by_label(caption)).to_have_count(len(original["criteria"]))
    expect(page.get_by_test_id("model-label-fr-employees")).to_have_value("Effectif")
    expect(page.get_by_test_id("model-label-en-employees")).to_have_value("Headcount")
    try:
        page.get_by_test_id("model-label-fr-employees").fill("Salariés sur site")
        page.get_by_test_id("model-label-en-employees").fill("Staff on site")
        page.get_by_test_id("model-apply").click()
        expect(page.get_by_test_id("model-result")).to_contain_text(f"v{original['version'] + 1}")
        model = manager.call("GET", "/api/commercial-model")
        labels = {c["key"]: c["label"] for c in model["criteria"]}
        assert labels["employees"] == {"fr": "Salariés sur site", "en": "Staff on site"}
        assert labels["sector"] == {"fr": "Secteur d'activité", "en": "Industry"}  # the others as they were
        expect(page.get_by_test_id("model-label-en-employees")).to_have_value("Staff on site")  # read back
    finally:  # the demo's model again, for the other browser tests
        manager.call("PUT", "/api/commercial-model", {"criteria": original["criteria"], "note": "e2e: restore"})


# A refusal names the line and the column the reader typed in, never the server's path (items.5.key).
REFUSED = {"fr": ("Ligne {n} · Code\u202f: ", "Ligne {n} · Libellé (français)\u202f: "),
           "en": ("Line {n} · Key: ", "Line {n} · Label (French): ")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_new_status_without_key_is_refused_in_words_and_stays_on_screen(page, api, lang):
    """The statuses editor sends a row with a label and no key: the server's refusal is
    shown, naming the row and its columns, and the row stays to be mended (it used to be
    dropped, with "Field saved.")."""
    manager = api("manager@example.com")
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.goto("/#/desk/fields")
    editor = page.get_by_test_id("statuses-editor")
    rows = editor.get_by_test_id("status-row")
    expect(rows.first).to_be_visible()
    before = rows.count()
    editor.get_by_role("button", name="+", exact=True).click()
    rows.nth(before).locator("input").nth(2).fill("Dormant")  # key, French label, English label
    editor.get_by_test_id("statuses-save").click()
    toast = page.locator(".toast.error").last
    for place in REFUSED[lang]:
        expect(toast).to_contain_text(place.format(n=before + 1))
    assert "items." not in toast.inner_text()
    expect(rows).to_have_count(before + 1)
    expect(rows.nth(before).locator("input").nth(2)).to_have_value("Dormant")
    assert [s for s in manager.call("GET", "/api/account-statuses")["items"] if s["label"].get("en") == "Dormant"] == []


@pytest.mark.parametrize(("editor_id", "row_id", "add", "lang"), [
    ("statuses-editor", "status-row", "+", "fr"), ("product-lines-editor", "product-line-row", "+", "en")])
def test_a_refusal_names_the_row_as_the_screen_shows_it_past_a_blank_row(page, editor_id, row_id, add, lang):
    """The editors leave blank rows out of what they send: the server's item 3 may be the
    reader's fifth row. The refusal names the row on screen, not the item's position."""
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.goto("/#/desk/fields")
    editor = page.get_by_test_id(editor_id)
    rows = editor.get_by_test_id(row_id)
    expect(rows.first).to_be_visible()
    before = rows.count()
    editor.get_by_role("button", name=add, exact=True).click()  # left blank
    editor.get_by_role("button", name=add, exact=True).click()
    rows.nth(before + 1).locator("input").nth(2).fill("Dormant")  # a label, no key
    save = "statuses-save" if editor_id == "statuses-editor" else "product-lines-save"
    editor.get_by_test_id(save).click()
    toast = page.locator(".toast.error").last
    on_screen = before + 2  # counted from 1: the blank row, then this one
    expect(toast).to_contain_text(REFUSED[lang][0].format(n=on_screen))
    assert REFUSED[lang][0].format(n=on_screen - 1) not in toast.inner_text()


def test_a_refused_model_names_the_table_and_the_column(page):
    """thresholds.weight and cadence.B.visits_per_year, as the model editor's headings say them."""
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.goto("/#/desk/model")
    page.get_by_test_id("model-threshold-weight").fill("200")
    page.get_by_test_id("model-cadence-B-visits_per_year").fill("999")
    page.get_by_test_id("model-dry-run").click()
    toast = page.locator(".toast.error").last
    expect(toast).to_contain_text("Seuils (0–100) · Poids\u202f: ")
    expect(toast).to_contain_text("Cadence par segment · B · Visites / an\u202f: ")
    assert "thresholds" not in toast.inner_text() and "visits_per_year" not in toast.inner_text()


def test_the_desk_and_the_sign_in_page_load_neither_the_tablets_store_nor_its_words(page):
    """The desk's JS budget (docs/benchmarks.md): Dexie and the tablet's dictionary are the rep's alone."""
    page.set_viewport_size(DESKTOP)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url.split("/", 3)[3]))
    desk_sign_in(page, "manager@example.com", "dashboard")
    screens = page.locator("[data-testid^=desk-nav-]").evaluate_all("(links) => links.map((a) => a.dataset.testid.slice(9))")
    for screen in screens:
        page.get_by_test_id(f"desk-nav-{screen}").click()
        expect(page.get_by_test_id(f"desk-nav-{screen}")).to_have_class("active")
        page.wait_for_load_state("networkidle")
    assert "views/desk/forecast.js" in fetched
    assert [f for f in fetched if f in ("vendor/dexie.mjs", "lib/i18n.js", "lib/db.js", "lib/sync-client.js")] == []

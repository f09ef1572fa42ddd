"""The import screen's "Columns to map" offers the commercial model's criteria by their labels in
the reader's language, a column mapped to one is taken by the import, and a line copied twice is
a warning beside an import that goes through, not a refusal. Dry runs only: the demo shared by the
other browser tests does not change."""
from __future__ import annotations

import csv

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("lang", "copy"), [("fr", "Identique à la ligne 2 : ignorée."),
                                            ("en", "Same as line 2: skipped.")])
def test_a_column_is_mapped_to_a_criterion_and_a_copied_line_is_a_warning(page, tmp_path, api, lang, copy):
    manager = api("manager@example.com")
    account = manager.call("GET", "/api/accounts?per_page=1")["items"][0]
    criterion = next(c for c in manager.call("GET", "/api/commercial-model")["criteria"]
                     if c["key"] == "revenue_last_year")
    label = criterion["label"][lang] if isinstance(criterion["label"], dict) else criterion["label"]
    path = tmp_path / "comptes.csv"
    line = [account["external_ref"], account["name"], "120000"]
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=";").writerows([["Code client", "Raison sociale", "CA annuel"], line, line])
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-import").click()
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-dry-run").click()
    column = page.locator("[data-testid=map-column][data-column='CA annuel']")
    expect(column).to_be_visible(timeout=60_000)
    labels = column.locator("option").all_inner_texts()
    assert label in labels and "revenue_last_year" not in labels
    column.select_option(label=label)
    expect(column).to_have_value("custom.revenue_last_year")
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-run")).to_be_enabled(timeout=60_000)  # the dry run went through
    warning = page.get_by_test_id("import-warning")
    expect(warning).to_have_count(1)
    expect(warning.locator("td")).to_have_text(["3", "Code client", copy])
    expect(page.get_by_test_id("import-issue")).to_have_count(0)

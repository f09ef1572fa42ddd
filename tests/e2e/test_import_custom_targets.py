"""The import screen's "Columns to map" offers the company's own fields (API.md → Custom fields)
besides the built-in ones, in the reader's words, and a column mapped to one is taken by the
import. Dry runs only: the demo shared by the other browser tests does not change."""
from __future__ import annotations

import csv

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("lang", "fleet", "interest"), [
    ("fr", "Parc machines", "Gammes d’intérêt"),
    ("en", "Machine fleet", "Product lines of interest"),
])
def test_a_column_is_mapped_to_a_custom_field(page, tmp_path, api, lang, fleet, interest):
    account = api("manager@example.com").call("GET", "/api/accounts?per_page=1")["items"][0]
    path = tmp_path / "comptes.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=";").writerows([["N° client", "Raison sociale", "Nb de machines"],
                                                  [account["external_ref"], account["name"], "12"]])
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-import").click()
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-dry-run").click()
    column = page.locator("[data-testid=map-column][data-column='Nb de machines']")
    expect(column).to_be_visible(timeout=60_000)
    labels = column.locator("option").all_inner_texts()
    assert fleet in labels and interest in labels and "parc_machines" not in labels
    column.select_option(label=fleet)
    expect(column).to_have_value("custom.parc_machines")
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-run")).to_be_enabled(timeout=60_000)  # the dry run went through

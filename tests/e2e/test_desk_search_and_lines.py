"""The people screen's search box folds case and accents like the server's `q`; the managed
product lines show in words on the settings screen and on the back office's board."""
from __future__ import annotations

import re
import unicodedata

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("typed", ["LEFEVRE", unicodedata.normalize("NFD", "lefèvre")])
def test_the_people_search_finds_an_accented_name_from_what_is_typed(page, typed):
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-people").click()
    expect(page.get_by_test_id("person-row").first).to_be_visible()
    assert page.get_by_test_id("person-row").count() > 1
    page.get_by_test_id("person-search").fill(typed)
    expect(page.get_by_test_id("person-row")).to_have_count(1)
    expect(page.get_by_test_id("person-row")).to_contain_text("Sophie Lefèvre")
    page.get_by_test_id("person-search").fill("zzzz")
    expect(page.get_by_test_id("person-none")).to_be_visible()
    page.get_by_test_id("person-search").fill("")
    expect(page.get_by_test_id("person-row").nth(1)).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_product_lines_are_a_managed_list_shown_in_words(page, lang, raw="pièces"):
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-fields").click()
    editor = page.get_by_test_id("product-lines-editor")
    expect(editor.get_by_test_id("product-line-row")).to_have_count(7)
    values = editor.locator("input").evaluate_all("inputs => inputs.map((i) => i.value)")
    assert "Pièces détachées" in values and "Spare parts" in values and "pieces" in values
    page.get_by_test_id("desk-nav-board").click()
    words = {"fr": ("Moteurs", "Maintenance", "Pièces détachées", "Hydraulique", "Formation"),
             "en": ("Motors", "Maintenance", "Spare parts", "Hydraulics", "Training")}[lang]
    cards = page.get_by_test_id("quote-card")
    # the board fills in as its columns load; other tests' quotes (lines of their own) may come first
    labelled = cards.filter(has_text=re.compile("|".join(f"{re.escape(word)} ·" for word in words)))
    expect(labelled.first).to_be_visible()
    text = " ".join(cards.all_inner_texts())
    assert raw not in text and "moteurs ·" not in text  # stored spellings never reach the screen

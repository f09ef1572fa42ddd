"""A number custom value on the desk's account screen, in the user's language: 1234.5 is shown
"1 234,5" in French and "1,234.5" in English, and saved back as typed that way."""
from __future__ import annotations

import pytest
from desk import open_account_values
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FIELD = {"key": "e2e_surface", "entity": "account", "label": {"fr": "Surface (m²)", "en": "Floor area (m²)"},
         "type": "number"}


@pytest.fixture
def number_field(api):
    manager = api("manager@example.com")
    manager.call("POST", "/api/custom-fields", FIELD, expect=201)
    yield manager
    manager.call("DELETE", f"/api/custom-fields/{FIELD['key']}?entity=account", expect=204)
    manager.call("POST", "/api/custom-fields/purge", {"entity": "account", "key": FIELD["key"]})


@pytest.mark.parametrize(("lang", "shown", "typed", "saved"), [
    ("fr", "1\u202f234,5", "2\u202f345,75", 2345.75),
    ("en", "1,234.5", "2,345.75", 2345.75),
])
def test_a_number_value_is_shown_and_read_in_the_users_language(page, number_field, lang, shown, typed, saved):
    manager = number_field
    account = manager.call("GET", "/api/accounts?per_page=1")["items"][0]
    manager.call("PATCH", f"/api/accounts/{account['id']}",
                 {"changes": {"custom": {FIELD["key"]: 1234.5}}, "base_version": account["version"]})
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    values = open_account_values(page, account)
    field = values.get_by_test_id(f"custom-{FIELD['key']}")
    expect(field).to_have_value(shown)
    field.fill(typed)
    values.get_by_test_id("values-save").click()
    expect(page.locator(".toast")).to_be_visible()  # saved
    expect(field).to_have_value(typed)
    assert manager.call("GET", f"/api/accounts/{account['id']}")["custom"][FIELD["key"]] == saved

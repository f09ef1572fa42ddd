"""The new-user form's defaults (desk → Teams and users): the language the admin works in, the
working hours the planner uses when none are set (08:00–19:00, README), and for the demo's users,
who have a password and were never invited, a password link rather than a new invitation."""
from __future__ import annotations

import pytest
from desk import open_new_user_form, open_people
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_new_user_speaks_the_admins_language_and_works_the_planners_default_hours(page, lang):
    form = open_new_user_form(page, lang)
    expect(form.get_by_test_id("person-locale")).to_have_value(lang)
    for day in ("mon", "fri"):
        expect(form.get_by_test_id(f"hours-{day}-start")).to_have_value("08:00")
        expect(form.get_by_test_id(f"hours-{day}-end")).to_have_value("19:00")
    expect(form.get_by_test_id("hours-sat")).not_to_be_checked()


def test_the_demos_users_are_offered_a_password_link_not_an_invitation(page):
    open_people(page, "en")
    row = page.get_by_test_id("person-row").filter(has_text="rep2@example.com")
    expect(row.get_by_test_id("person-reset")).to_be_visible()
    expect(row.get_by_test_id("person-invite")).to_have_count(0)
    # no demo user was ever invited (users other tests of the session invited may show theirs)
    for email in ("admin@", "manager@", "tele@", "backoffice@", "rep1@", "rep3@"):
        expect(page.get_by_test_id("person-row").filter(has_text=email).get_by_test_id("person-invite")).to_have_count(0)

"""The admin's users screen (desk → Équipes et utilisateurs): a rep's home base is listed as typed
— street, postcode and city — and its lunch break is set in the user form (window and length),
refused with a message that says why when it cannot be planned, saved, and shown back."""
from __future__ import annotations

import pytest
from desk import open_people
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _lunch(form, start: str, end: str, minutes: str) -> None:
    form.get_by_test_id("lunch-start").fill(start)
    form.get_by_test_id("lunch-end").fill(end)
    form.get_by_test_id("lunch-minutes").fill(minutes)


def test_a_new_reps_home_and_lunch_break_are_saved_and_shown_back(page, api):
    admin = api("admin@example.com")
    open_people(page, "fr")
    # a demo rep's home comes as street, postcode and town: one line, each part once
    rep1 = next(u for u in admin.call("GET", "/api/users")["items"] if u["email"] == "rep1@example.com")
    street, postcode, city = (rep1["home"][k] for k in ("address", "postcode", "city"))
    assert postcode and city and postcode not in street and city not in street
    home = page.get_by_test_id("person-row").filter(has_text="rep1@example.com").get_by_test_id("person-home")
    expect(home).to_have_text(f"{street}, {postcode} {city}")

    page.get_by_test_id("person-new").click()
    form = page.get_by_test_id("person-form")
    form.get_by_test_id("person-name").fill("Léa Midi")
    form.get_by_test_id("person-email").fill("lea.midi@example.com")
    form.get_by_test_id("person-role").select_option("rep")
    form.get_by_test_id("person-address").fill("3 rue de la Gare")
    form.get_by_test_id("person-postcode").fill("39100")
    form.get_by_test_id("person-city").fill("Dole")
    expect(form.get_by_test_id("lunch-start")).to_have_value("12:00")  # the planner's default, said
    expect(form.get_by_test_id("lunch-minutes")).to_have_value("60")
    error = form.get_by_test_id("lunch-error")
    expect(error).to_have_count(0)
    for (start, end, minutes), message in [
            (("12:00", "13:00", "90"), "Pause déjeuner : 90 min ne tiennent pas entre 12:00 et 13:00."),
            (("14:00", "13:00", "45"), "Pause déjeuner : la plage doit commencer avant de finir."),
            (("12:00", "14:00", "0"), "Pause déjeuner : la durée va de 1 à 240 minutes.")]:
        _lunch(form, start, end, minutes)
        expect(error).to_have_text(message)
        form.get_by_test_id("person-save").click()  # refused here, not sent
        expect(form).to_be_visible()
    assert not [u for u in admin.call("GET", "/api/users?q=lea.midi")["items"]]
    _lunch(form, "12:30", "14:00", "45")
    expect(error).to_have_count(0)
    form.get_by_test_id("person-save").click()

    row = page.get_by_test_id("person-row").filter(has_text="lea.midi@example.com")
    expect(row).to_be_visible(timeout=30_000)  # the first located home loads the gazetteer (seconds)
    expect(row.get_by_test_id("person-home")).to_have_text("3 rue de la Gare, 39100 Dole")
    (lea,) = admin.call("GET", "/api/users?q=lea.midi")["items"]
    assert lea["working_hours"]["lunch"] == ["12:30", "14:00", 45]
    assert lea["home"] == {**lea["home"], "address": "3 rue de la Gare", "postcode": "39100", "city": "Dole"}

    row.get_by_role("button", name="Modifier").click()
    form = page.get_by_test_id("person-form")
    expect(form.get_by_test_id("lunch-start")).to_have_value("12:30")
    expect(form.get_by_test_id("lunch-end")).to_have_value("14:00")
    expect(form.get_by_test_id("lunch-minutes")).to_have_value("45")
    form.get_by_test_id("lunch-minutes").fill("30")
    form.get_by_test_id("person-save").click()
    expect(page.locator(".toast", has_text="Enregistré.")).to_be_visible()  # once the change is saved
    (lea,) = admin.call("GET", "/api/users?q=lea.midi")["items"]
    assert lea["working_hours"]["lunch"] == ["12:30", "14:00", 30]
    assert lea["working_hours"]["mon"] == ["08:00", "19:00"]  # the rest of the hours as they were


def test_the_lunch_break_speaks_english_too(page):
    open_people(page, "en")
    page.get_by_test_id("person-new").click()
    lunch = page.get_by_test_id("person-lunch")
    expect(lunch.locator("legend")).to_have_text("Lunch break")
    expect(lunch.get_by_label("Length (min)")).to_have_value("60")
    _lunch(lunch, "12:00", "12:30", "45")
    expect(lunch.get_by_test_id("lunch-error")).to_have_text("Lunch break: 45 min do not fit between 12:00 and 12:30.")

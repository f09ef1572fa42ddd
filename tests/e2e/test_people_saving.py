"""The user form while it saves (desk → Équipes et utilisateurs): creating a user takes seconds (its
home located, its invitation sent), so the button says it is saving and takes no second click."""
from __future__ import annotations

import pytest
from desk import open_new_user_form
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("lang", "busy", "idle"), [("fr", "Enregistrement…", "Créer et envoyer l’invitation"),
                                                    ("en", "Saving…", "Create and send the invitation")])
def test_saving_a_user_says_so_and_a_second_click_sends_nothing(page, api, lang, busy, idle):
    """Creating a user takes seconds (its home located, its invitation sent): the button says it is
    saving and is disabled; clicking it again, or pressing Enter, sends no second request."""
    email = f"double.clic.{lang}@example.com"
    sent, held = [], []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and r.url.endswith("/api/users") else None)
    # the server's answer is held until the clicks are done, as a slow save would be
    page.route("**/api/users", lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    form = open_new_user_form(page, lang)
    form.get_by_test_id("person-name").fill("Double Clic")
    form.get_by_test_id("person-email").fill(email)
    save = form.get_by_test_id("person-save")
    expect(save).to_have_text(idle)
    # two submissions in one task, before the page can draw the disabled button: the second must
    # find the first one running
    form.evaluate("(f) => { f.requestSubmit(); f.requestSubmit(); }")
    expect(save).to_have_text(busy)
    expect(save).to_be_disabled()
    save.dblclick(force=True)  # force: the user's clicks land on the disabled button all the same
    form.get_by_test_id("person-name").press("Enter")
    page.wait_for_timeout(500)
    assert len(sent) == 1 and len(held) == 1, f"{len(sent)} POST /api/users sent"
    held[0].continue_()
    row = page.get_by_test_id("person-row").filter(has_text=email)
    expect(row).to_be_visible(timeout=30_000)
    expect(form).to_have_count(0)
    assert len(sent) == 1
    assert [u["email"] for u in api("admin@example.com").call("GET", f"/api/users?q={email}")["items"]] == [email]

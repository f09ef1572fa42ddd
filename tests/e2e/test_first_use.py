"""What a new user tripped on the first time round: the quote form's product lines and
required fields, a provisional tour, a stop whose account is not stored yet, the spacing
around colons, and the dashboard's "Planned" explanation on a touch screen."""
from __future__ import annotations

import json
import re

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import Page, Route, expect
from pwa import TABLET_WORDS, open_first_stop, pending, sign_in, workday

pytestmark = pytest.mark.e2e


def in_language(page: Page, lang: str) -> None:
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")


# Every phrase of both catalogues (tablet and desk), by language.
PHRASES = """async () => {
  const tablet = await TABLET_WORDS;
  const desk = (await import('/views/desk/words.js')).dictionaries;
  return { fr: [...Object.values(tablet.fr), ...Object.values(desk.fr)], en: [...Object.values(tablet.en), ...Object.values(desk.en)] };
}""".replace("TABLET_WORDS", TABLET_WORDS)
# French: a space (ordinary, no-break or narrow no-break) before : ; ? ! — English: none.
# Either language: a space after a colon that is followed by a word ("code postal :Aéro-Club").
GLUED = re.compile(r"[^\s\u00a0\u202f\d/:({][:;?!](?!\d)")
SPACED = re.compile(r"[ \u00a0\u202f][:;?!]")
NO_SPACE_AFTER = re.compile(r"[;:](?=[^\W\d_])")


def punctuation_errors(text: str, lang: str) -> list[str]:
    """The places in `text` where the punctuation is the other language's (or glued to a word)."""
    rule = GLUED if lang == "fr" else SPACED
    found = [m for pattern in (rule, NO_SPACE_AFTER) for m in pattern.finditer(text)]
    return [text[max(0, m.start() - 15):m.end() + 15] for m in found]


def test_the_catalogues_follow_each_languages_punctuation(page):
    page.goto("/")
    phrases = page.evaluate(PHRASES)
    assert len(phrases["fr"]) > 100 and len(phrases["en"]) > 100
    for lang in ("fr", "en"):
        wrong = [p for p in phrases[lang] if punctuation_errors(re.sub(r"\{\w+\}", "X", re.sub(r"https?://\S+", "", p)), lang)]
        assert wrong == [], f"{lang}: {wrong}"


@pytest.mark.parametrize(("lang", "due"), [("fr", "À voir\u202f: "), ("en", "Due: ")])
def test_labels_with_a_value_put_the_colon_the_languages_way(page, lang, due):
    in_language(page, lang)
    sign_in(page, "rep1@example.com")
    open_first_stop(page)
    expect(page.locator(".card").first).to_contain_text(due)  # the tour's accounts are due: "À voir : 24 nov."
    header = page.locator(".card").first.inner_text()
    assert punctuation_errors(header, lang) == []
    page.goto("/#/sync")
    expect(page.locator("main")).to_contain_text("Dernière synchro\u202f: " if lang == "fr" else "Last sync: ")
    sync = page.locator("main").inner_text()
    assert punctuation_errors(sync, lang) == []


def test_the_quality_screen_spaces_the_duplicates_reason_from_the_accounts(page):
    page.set_viewport_size(DESKTOP)
    in_language(page, "fr")
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.goto("/#/desk/quality")
    rows = page.get_by_test_id("quality-duplicate")
    expect(rows.first).to_be_visible()
    texts = rows.all_inner_texts()
    assert [t for t in texts if punctuation_errors(t, "fr")] == []
    assert all("\u202f: " in t for t in texts)


@pytest.mark.parametrize(("lang", "label", "key", "message"), [
    ("en", "Motors", "moteurs", "Required"),
    ("fr", "Pièces détachées", "pieces", "Obligatoire"),
])
def test_the_quote_form_offers_labels_and_sends_the_key(page, api, lang, label, key, message):
    in_language(page, lang)
    sign_in(page, "rep2@example.com")
    account_id = open_first_stop(page)
    page.get_by_test_id("request-quote").click()
    field = page.get_by_test_id("quote-product-line")
    options = page.locator("#product-lines option").evaluate_all("(os) => os.map((o) => o.value)")
    assert label in options and key not in options

    # nothing typed yet: the app's own words, in the screen's language
    page.get_by_test_id("quote-save").click()
    assert field.evaluate("(el) => el.validationMessage") == message
    field.fill(label)
    assert field.evaluate("(el) => el.validationMessage") == ""

    marker = f"Moteur {lang} {account_id[:6]}"
    page.get_by_test_id("quote-item-label").fill(marker)
    page.get_by_test_id("quote-save").click()
    expect(page.get_by_test_id("log-visit")).to_be_visible()
    pending(page).to_have_text("0", timeout=30_000)
    quotes = [q for q in api("rep2@example.com").pull_all().get("quote_request", {}).values()
              if q["items"] and q["items"][0]["label"] == marker]
    assert [q["product_line"] for q in quotes] == [key]


def test_the_account_form_names_its_empty_choice(page):
    in_language(page, "en")
    sign_in(page, "rep1@example.com")
    open_first_stop(page)
    texts = page.locator("form.edit select option").all_inner_texts()
    assert "None" in texts
    assert [t for t in texts if re.match(r"[a-z]", t)] == []  # no raw value ("none", "prospect")


@pytest.mark.parametrize(("lang", "notice"), [
    ("fr", "Tournée provisoire, en cours d’optimisation"),
    ("en", "Provisional tour, being optimised"),
])
def test_a_provisional_tour_says_so_until_the_kept_plan_arrives(page, context, lang, notice):
    in_language(page, lang)
    sign_in(page, "rep1@example.com")
    day = workday()
    answers = []

    def tour(route: Route) -> None:
        # the server's own answer, first as the quick plan, then as the planner's kept plan
        plan = route.fetch().json()
        plan.pop("provisional", None)
        if not answers:
            plan["provisional"] = True
        answers.append(plan)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(plan))

    context.route(f"**/api/tours/*/{day}", tour)
    page.goto("/#/accounts")
    page.goto(f"/#/tour/{day}")
    expect(page.get_by_test_id("tour-provisional")).to_have_text(notice)
    page.clock.run_for(6_000)
    expect(page.get_by_test_id("tour-provisional")).to_have_count(0, timeout=10_000)
    assert len(answers) >= 2
    expect(page.get_by_test_id("tour-stop").first).to_be_visible()


@pytest.mark.parametrize(("lang", "late"), [("fr", "En retard"), ("en", "Overdue")])
def test_a_stop_without_its_account_shows_no_question_mark(page, lang, late):
    in_language(page, lang)
    page.goto("/")
    text, smalls = page.evaluate("""async () => {
      const { render } = await import('/vendor/preact.mjs');
      const { html } = await import('/lib/ui.js');
      const { Stop } = await import('/views/tour-stop.js');
      const list = document.createElement('ul');
      document.body.append(list);
      render(html`<${Stop} stop=${{ seq: 1, account_id: 'a1', name: 'Garage Martin', kind: 'overdue' }}
        account=${undefined} day="2026-11-24" rep="r1" state=${{ done: false, skip: null, over: false }} />`, list);
      return [list.innerText, list.querySelectorAll('.who small').length];
    }""")
    assert "?" not in text
    assert late in text and "Garage Martin" in text
    assert smalls == 0  # no empty town line


def test_the_planned_explanation_opens_with_a_tap(page):
    page.set_viewport_size(DESKTOP)
    in_language(page, "en")
    desk_sign_in(page, "manager@example.com", "dashboard")
    help_button = page.get_by_role("button", name="How “Planned” is counted")
    expect(help_button).to_be_visible()
    expect(help_button).to_have_attribute("aria-expanded", "false")
    header = page.get_by_test_id("kpi-segments").locator("thead").inner_text()
    assert "ⓘ" not in header and "Planned" in header
    assert help_button.locator("svg").count() == 1
    expect(page.get_by_test_id("kpi-planned-text")).to_have_count(0)
    help_button.click()
    expect(help_button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("kpi-planned-text")).to_contain_text("Days covered by an action plan")
    help_button.click()
    expect(page.get_by_test_id("kpi-planned-text")).to_have_count(0)

"""The import screen says what an import did, in either language and with its plurals: a file
imported again is "Aucun changement : 3 comptes déjà à jour.", not "0 compte(s) importé(s)"
(the server's counts: tests/accounts/test_import_again.py), and every outcome ends with its full
stop. Where the accounts were located names only the counts that are not 0, and is left out when
no account was written. The demo's own accounts are imported again as they are, so the demo
shared by the other browser tests does not change."""
from __future__ import annotations

import csv
import io
import re

import pytest
from desk import DESKTOP, desk_sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _import_screen(page, lang: str) -> None:
    page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
    page.set_viewport_size(DESKTOP)
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-import").click()


def _choose(page, tmp_path, rows: list[list[str]]) -> None:
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows([["N° client", "Raison sociale"], *rows])
    # A new file each time: a second choice of the same path may not reach the screen as a change.
    path = tmp_path / f"comptes-{len(list(tmp_path.glob('comptes-*.csv')))}.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    page.get_by_test_id("import-file").set_input_files(str(path))
    expect(page.get_by_test_id("import-report")).to_have_count(0)  # the last file's outcome gone


@pytest.mark.parametrize(("lang", "n", "dry_run", "done"), [
    ("fr", 1, "Si vous importez ce fichier : 1 compte déjà à jour. Rien n’est encore écrit.", "Aucun changement : 1 compte déjà à jour."),
    ("en", 3, "If you import this file: 3 accounts already up to date. Nothing written yet.",
     "Nothing changed: 3 accounts already up to date."),
])
def test_a_file_imported_again_says_nothing_changed(page, tmp_path, api, lang, n, dry_run, done):
    manager = api("manager@example.com")
    accounts = manager.call("GET", f"/api/accounts?per_page={n}")["items"]
    _import_screen(page, lang)
    rows = [[a["external_ref"], a["name"]] for a in accounts]
    # Imported once first: this server is shared with the session's other tests, and one that
    # saves a commercial model can leave these accounts to be rescored by the next import.
    _choose(page, tmp_path, rows)
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-run")).to_be_enabled(timeout=60_000)
    page.get_by_test_id("import-run").click()
    expect(page.get_by_test_id("import-outcome")).not_to_have_text(  # the dry run's words gone: imported
        re.compile("Rien n’est encore écrit|Nothing written yet"), timeout=60_000)
    accounts = manager.call("GET", f"/api/accounts?per_page={n}")["items"]
    _choose(page, tmp_path, [[a["external_ref"], a["name"]] for a in accounts])
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-outcome")).to_have_text(dry_run, timeout=60_000)
    # nothing to write, nothing located: no "Localisation : 0 à l'adresse, 0 à la commune…" line
    expect(page.get_by_test_id("import-located")).to_have_count(0)
    page.get_by_test_id("import-run").click()
    # The last toast: the first import may have said the same words if these accounts were
    # already up to date, and its toast can still be on screen.
    expect(page.locator(".toast", has_text=done).last).to_have_text(done, timeout=60_000)
    expect(page.get_by_test_id("import-outcome")).to_have_text(done)
    expect(page.get_by_test_id("import-located")).to_have_count(0)
    after = {a["id"]: a["version"] for a in manager.call("GET", f"/api/accounts?per_page={n}")["items"]}
    assert after == {a["id"]: a["version"] for a in accounts}  # nothing written


@pytest.mark.parametrize(("lang", "dry_run", "done", "located", "unlocated"), [
    ("fr", "Si vous importez ce fichier : 1 compte créé, 12 comptes déjà à jour. Rien n’est encore écrit.",
     "Import fait : 1 compte créé, 2 comptes modifiés, 11 comptes déjà à jour.",
     "Localisation : 2 à l’adresse, 1 sans position.",
     "Sans position (Qualité des données pour les corriger)\u202f: Garage Müller 21999"),
    ("en", "If you import this file: 1 account created, 12 accounts already up to date. Nothing written yet.",
     "Imported: 1 account created, 2 accounts updated, 11 accounts already up to date.",
     "Located: 2 at the address, 1 without position.",
     "Without position (Data quality to fix them): Garage Müller 21999"),
])
def test_an_import_that_changed_things_counts_each_kind(page, tmp_path, lang, dry_run, done, located, unlocated):
    """The server's answers are made up here (the demo stays as it is): the counts in words."""
    def answer(route):
        dry = 'name="dry_run"\r\n\r\n1' in (route.request.post_data or "")
        counts = {"created": 1, "updated": 0, "unchanged": 12} if dry else {"created": 1, "updated": 2, "unchanged": 11}
        # where the accounts written were placed: the dry run's one at the commune; the import's one at
        # the address, one at the street (both "à l'adresse" on screen) and one without a position
        where = {"address": 0, "street": 0, "commune": 1, "manual": 0, "none": 0} if dry else \
            {"address": 1, "street": 1, "commune": 0, "manual": 0, "none": 1}
        missing = [] if dry else [{"name": "Garage Müller", "postcode": "21999", "city": None}]
        route.fulfill(json={"kind": "accounts", "dry_run": dry, "lines": 14, **counts, "report": [], "located": where,
                            "unlocated": missing})

    page.route("**/api/accounts/import", answer)
    _import_screen(page, lang)
    _choose(page, tmp_path, [["CLI-999999", "Atelier Lune"]])
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-outcome")).to_have_text(dry_run)
    expect(page.get_by_test_id("import-located")).to_have_text("Localisation : 1 à la commune." if lang == "fr"
                                                              else "Located: 1 at the commune.")
    page.get_by_test_id("import-run").click()
    expect(page.locator(".toast", has_text=done)).to_have_text(done)
    expect(page.get_by_test_id("import-located")).to_have_text(located)
    expect(page.get_by_test_id("import-unlocated")).to_have_text(unlocated)  # which account, not only how many


REFUSED = {"fr": ("{n} problème : rien n’a été importé.", "{n} problèmes : rien n’a été importé."),
           "en": ("{n} problem: nothing was imported.", "{n} problems: nothing was imported.")}


@pytest.mark.parametrize(("lang", "rows"), [("fr", 1), ("fr", 2), ("en", 1)])
def test_a_refused_file_counts_its_problems_in_words(page, tmp_path, lang, rows):
    """New accounts with no rep (the file has no rep column, none chosen): the outcome counts
    the report's problems with their plural ("2 problèmes", not "2 problème(s)")."""
    _import_screen(page, lang)
    _choose(page, tmp_path, [["", f"Garage Étienne {n}"] for n in range(rows)])
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-issue").first).to_be_visible(timeout=60_000)
    n = page.get_by_test_id("import-issue").count()
    one, other = REFUSED[lang]
    expect(page.get_by_test_id("import-outcome")).to_have_text((one if n == 1 else other).format(n=n))


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "Aucun commercial actif avec cet identifiant dans votre équipe."),
    ("en", "No active rep with this id in your team."),
])
def test_a_refusal_without_a_report_says_the_servers_reason_not_zero_problems(page, tmp_path, lang, said):
    _import_screen(page, lang)
    _choose(page, tmp_path, [["NEW-1", "Garage du Lac"]])
    # A default owner the server no longer knows as an active rep of the team (deactivated after
    # the screen loaded its list): the server refuses the whole file with a field error, no report.
    page.get_by_test_id("import-default-owner").evaluate(
        "select => { select.add(new Option('gone', '01900000-0000-7000-8000-000000000000')); }")
    page.get_by_test_id("import-default-owner").select_option("01900000-0000-7000-8000-000000000000")
    page.get_by_test_id("import-dry-run").click()
    outcome = page.get_by_test_id("import-outcome")
    expect(outcome).to_contain_text(said, timeout=60_000)
    expect(outcome).not_to_contain_text(re.compile(r"\b0 (problème|problem)"))
    expect(page.get_by_test_id("import-run")).to_be_disabled()


@pytest.mark.parametrize(("lang", "lines", "more"), [
    ("fr", 6, "+ 1 autre ligne"), ("fr", 8, "+ 3 autres lignes"),
    ("en", 6, "+ 1 more line"), ("en", 7, "+ 2 more lines"),
])
def test_the_preview_says_how_many_lines_it_leaves_out(page, tmp_path, lang, lines, more):
    # Only chosen, never sent: the preview shows the first 5 lines and counts the rest.
    _import_screen(page, lang)
    _choose(page, tmp_path, [[f"P-{i}", f"Compte {i}"] for i in range(lines)])
    expect(page.get_by_test_id("import-preview").locator("tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("import-preview-more")).to_have_text(more)


def test_a_short_file_shows_every_line_and_no_hint(page, tmp_path):
    _import_screen(page, "en")
    _choose(page, tmp_path, [[f"P-{i}", f"Compte {i}"] for i in range(5)])
    expect(page.get_by_test_id("import-preview").locator("tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("import-preview-more")).to_have_count(0)

"""Screenshots of the company set-up screens (users and teams, their search, import with its
mapping and dry run, data quality) at 1440×900, in French and in English.

    .venv/bin/python tests/e2e/screenshots_setup.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Without --base it starts its own server on the demo data. Writes
docs/screenshots/setup-<screen>.png and setup-<screen>-en.png. Nothing is saved: the user
form is only filled, the import only dry-run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk import DESKTOP, desk_sign_in  # noqa: E402
from e2e_server import CHROMIUM_ARGS, NOT_LOOPBACK, ROOT, chromium_path, start_server  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

CRM_EXPORT = ("N° client;Raison sociale;Adresse;CP;Ville;Tél.;SIRET;Commercial;Secteur d'activité\r\n"
              "C-001;Boulangerie Éloïse;3 rue de l'Église;21200;Meursanges;03 80 00 00 01;12345678900011;"
              "rep1@example.com;Alimentaire\r\n"
              "C-002;Menuiserie Dôle & Fils;12 av. Léon Bel;39100;Dole;03 84 00 00 02;;rep2@example.com;Bois\r\n"
              "C-003;Garage du Lac;1 chemin perdu;99999;Nullepart;;;rep1@example.com;Auto\r\n").encode("cp1252")


def shoot(page, out: Path, name: str, suffix: str = "") -> None:
    page.wait_for_timeout(500)
    page.evaluate("document.querySelector('.toasts')?.replaceChildren()")
    page.screenshot(path=str(out / f"setup-{name}{suffix}.png"))
    print(f"  setup-{name}{suffix}.png")


def admin(page, out: Path, tmp: Path, suffix: str = "") -> None:
    desk_sign_in(page, "admin@example.com", "dashboard")
    page.get_by_test_id("desk-nav-people").click()
    expect(page.get_by_test_id("person-row").first).to_be_visible()
    page.get_by_test_id("person-search").fill("LEFEVRE")  # folded like the server's `q`
    expect(page.get_by_test_id("person-row")).to_have_count(1)
    shoot(page, out, "people-search", suffix)
    page.get_by_test_id("person-search").fill("")
    expect(page.get_by_test_id("person-row").nth(1)).to_be_visible()
    page.get_by_test_id("person-new").click()
    form = page.get_by_test_id("person-form")
    form.get_by_test_id("person-name").fill("Nina Neuve")
    form.get_by_test_id("person-email").fill("nina@example.com")
    form.get_by_test_id("person-address").fill("3 rue de la Gare")
    form.get_by_test_id("person-postcode").fill("39100")
    form.get_by_test_id("person-city").fill("Dole")
    shoot(page, out, "people", suffix)
    page.get_by_test_id("desk-nav-import").click()
    export = tmp / "export-crm.csv"
    export.write_bytes(CRM_EXPORT)
    page.get_by_test_id("import-file").set_input_files(str(export))
    expect(page.get_by_test_id("import-preview")).to_contain_text("Raison sociale")
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-mapping")).to_be_visible(timeout=60_000)
    shoot(page, out, "import-mapping", suffix)
    page.get_by_test_id("map-column").first.select_option("__ignore")
    page.get_by_test_id("import-dry-run").click()
    expect(page.get_by_test_id("import-located")).to_be_visible(timeout=60_000)  # a dry run locates every line
    shoot(page, out, "import-dry-run", suffix)
    page.get_by_test_id("desk-nav-quality").click()
    expect(page.get_by_test_id("quality-positions")).to_be_visible()
    shoot(page, out, "quality", suffix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="URL of a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="tournee-setup-shots-"))
    server = None if args.base else start_server(tmp)
    base = args.base or server.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for lang, suffix in (("fr", ""), ("en", "-en")):
                context = browser.new_context(base_url=base, viewport=DESKTOP, locale=f"{lang}-FR",
                                              timezone_id="Europe/Paris")
                context.route(NOT_LOOPBACK, lambda route: route.abort())
                context.set_default_timeout(20_000)
                page = context.new_page()
                page.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
                admin(page, out, tmp, suffix)
                context.close()
            browser.close()
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()

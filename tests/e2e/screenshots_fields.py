"""Screenshots of the rep's own data: the manager's custom-field and product-line editors
(desk, 1440×900, French and English), the tablet's new-prospect form and contact editor (1280×800).

    .venv/bin/python tests/e2e/screenshots_fields.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Without --base it starts its own server on the demo data (like the browser tests).
Writes docs/screenshots/desk-fields.png, desk-product-lines.png (and their -en.png),
new-prospect.png and contact-edit.png. Nothing is saved: the forms are filled, not submitted.
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
from pwa import PHOTO, open_first_stop, sign_in  # noqa: E402

TABLET = {"width": 1280, "height": 800}


def shoot(page, out: Path, name: str) -> None:
    page.wait_for_timeout(500)
    page.evaluate("document.querySelector('.toasts')?.replaceChildren()")
    page.evaluate("window.scrollTo(0, 0)")  # filling the last fields scrolled the form
    page.screenshot(path=str(out / f"{name}.png"))
    print(f"  {name}.png")


def manager(page, out: Path, suffix: str = "") -> None:
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-fields").click()
    expect(page.get_by_test_id("field-row").first).to_be_visible()
    page.get_by_test_id("field-key").fill("secteur_client")
    page.get_by_test_id("field-type").select_option("choice")
    page.get_by_test_id("field-label-fr").fill("Secteur du client")
    page.get_by_test_id("field-label-en").fill("Customer sector")
    page.get_by_test_id("field-options").fill("Aéronautique\nAgroalimentaire\nBTP")
    shoot(page, out, f"desk-fields{suffix}")
    editor = page.get_by_test_id("product-lines-editor")
    expect(editor.get_by_test_id("product-line-row").first).to_be_visible()
    editor.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    editor.screenshot(path=str(out / f"desk-product-lines{suffix}.png"))
    print(f"  desk-product-lines{suffix}.png")


def manager_en(page, out: Path) -> None:
    page.add_init_script("localStorage.setItem('tournee-lang', 'en')")
    manager(page, out, "-en")


def rep(page, out: Path) -> None:
    sign_in(page, "rep1@example.com")
    page.goto("/#/accounts")
    page.get_by_test_id("new-prospect").click()
    for hook, value in (("prospect-name", "Boulangerie Roux"), ("prospect-address", "12 rue de la Liberté"),
                        ("prospect-postcode", "21000"), ("prospect-city", "Dijon"), ("prospect-phone", "03 80 30 30 30"),
                        ("prospect-contact-name", "Claire Roux"), ("custom-siret", "123 456 789 00011"),
                        ("custom-parc_machines", "4")):
        page.get_by_test_id(hook).fill(value)
    page.get_by_test_id("contact-role-billing").check()
    page.get_by_test_id("prospect-photo").set_input_files(files=[{"name": "d.png", "mimeType": "image/png", "buffer": PHOTO}])
    shoot(page, out, "new-prospect")
    account_id = open_first_stop(page)
    page.goto(f"/#/account/{account_id}/contact/new")
    page.get_by_test_id("contact-name").fill("Marc Lefèvre")
    page.get_by_test_id("contact-phone").fill("06 12 34 56 78")
    page.get_by_test_id("contact-role-technical").check()
    shoot(page, out, "contact-edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="URL of a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None if args.base else start_server(Path(tempfile.mkdtemp(prefix="tournee-field-shots-")))
    base = args.base or server.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for role, viewport in ((manager, DESKTOP), (manager_en, DESKTOP), (rep, TABLET)):
                context = browser.new_context(base_url=base, viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
                context.route(NOT_LOOPBACK, lambda route: route.abort())
                context.set_default_timeout(20_000)
                role(context.new_page(), out)
                context.close()
            browser.close()
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()

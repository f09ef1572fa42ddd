"""Screenshots of the desk screens (telemarketer, back office, manager) at 1440×900.

    .venv/bin/python tests/e2e/screenshots_desk.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Without --base it starts its own server on the demo data (like the browser tests).
Writes docs/screenshots/desk-<screen>.png in French and desk-<screen>-en.png in English. Nothing is saved: the booking stops at
the chosen slot, the quote is only opened, the model change is only dry-run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk import DESKTOP, desk_sign_in  # noqa: E402
from e2e_server import CHROMIUM_ARGS, NOT_LOOPBACK, ROOT, chromium_path, start_server  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402


LANGUAGES = {"fr": ("fr-FR", ""), "en": ("en-GB", "-en")}  # language → (browser locale, file suffix)
suffix = ""


def shoot(page, out: Path, name: str) -> None:
    page.wait_for_timeout(500)
    page.evaluate("document.querySelector('.toasts')?.replaceChildren()")
    page.screenshot(path=str(out / f"desk-{name}{suffix}.png"))
    print(f"  desk-{name}{suffix}.png")


def telemarketer(page, out: Path) -> None:
    desk_sign_in(page, "tele@example.com", "calls")
    expect(page.get_by_test_id("call-row").first).to_be_visible()
    shoot(page, out, "calls")
    page.get_by_test_id("call-book").first.click()
    expect(page.get_by_test_id("slot").first).to_be_visible()
    expect(page.get_by_test_id("week-stop").first).to_be_visible()
    page.get_by_test_id("slot").first.click()
    page.get_by_test_id("book-purpose").fill("Présentation de la nouvelle gamme de compresseurs")
    shoot(page, out, "booking")


def backoffice(page, out: Path) -> None:
    desk_sign_in(page, "backoffice@example.com", "board")
    expect(page.get_by_test_id("quote-card").first).to_be_visible()
    shoot(page, out, "board")
    page.get_by_test_id("board-new").get_by_test_id("quote-card").first.click()
    expect(page.get_by_test_id("quote-detail")).to_be_visible()
    page.get_by_test_id("quote-amount").fill("4850")
    shoot(page, out, "quote")


def manager(page, out: Path) -> None:
    desk_sign_in(page, "manager@example.com", "dashboard")
    expect(page.get_by_test_id("chart-visits").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("chart-revenue").locator("canvas")).to_be_visible()
    shoot(page, out, "dashboard")
    page.goto("/#/desk/plans/new")
    page.get_by_test_id("plan-rep").select_option(index=1)
    for field, value in (("A-visits", "36"), ("A-calls", "24"), ("A-revenue", "180000"), ("B-visits", "40"), ("C-visits", "20")):
        page.get_by_test_id(f"plan-{field}").fill(value)
    shoot(page, out, "plans")
    page.get_by_test_id("desk-nav-model").click()
    page.get_by_test_id("model-weight-revenue_last_year").fill("6")
    page.get_by_test_id("model-dry-run").click()
    expect(page.get_by_test_id("model-result")).to_be_visible()
    shoot(page, out, "model")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="URL of a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None if args.base else start_server(Path(tempfile.mkdtemp(prefix="tournee-desk-shots-")))
    base = args.base or server.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for (lang, (locale, ending)), role in product(LANGUAGES.items(), (telemarketer, backoffice, manager)):
                global suffix
                suffix = ending
                context = browser.new_context(base_url=base, viewport=DESKTOP, locale=locale, timezone_id="Europe/Paris")
                context.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
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

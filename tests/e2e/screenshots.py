"""Screenshots of every screen of the rep's tablet app at both tablet sizes.

    .venv/bin/python tests/e2e/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Without --base it starts its own server on the demo data (like the browser tests).
Writes docs/screenshots/<screen>-<landscape|portrait>.png in French and
<screen>-<landscape|portrait>-en.png in English. The map is shown offline
(schematic), since tiles come from the internet and the browser only reaches the
server here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tempfile
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_server import CHROMIUM_ARGS, E2E_NOW, E2E_NOW_AT, NOT_LOOPBACK, ROOT, chromium_path, start_server  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from pwa import PHOTO, sign_in, workday  # noqa: E402

SIZES = {"landscape": {"width": 1280, "height": 800}, "portrait": {"width": 800, "height": 1280}}
LANGUAGES = {"fr": ("fr-FR", ""), "en": ("en-GB", "-en")}  # language → (browser locale, file suffix)


def shoot(page, out: Path, name: str, orientation: str, suffix: str) -> None:
    page.wait_for_timeout(400)  # let fonts and transitions settle
    page.evaluate("document.querySelector('.toasts')?.replaceChildren()")  # passing messages hide the screen
    page.screenshot(path=str(out / f"{name}-{orientation}{suffix}.png"))
    print(f"  {name}-{orientation}{suffix}.png")


def screens(page, context, out: Path, orientation: str, suffix: str) -> None:
    page.goto("/")
    shoot(page, out, "login", orientation, suffix)
    sign_in(page, "rep1@example.com")
    day = workday()
    page.goto(f"/#/tour/{day}")
    shoot(page, out, "tour-online", orientation, suffix)
    context.set_offline(True)
    page.goto(f"/#/tour/{day}")
    expect(page.locator(".schematic")).to_be_visible()
    shoot(page, out, "tour-offline", orientation, suffix)

    page.get_by_test_id("tour-stop").first.click()
    expect(page.get_by_test_id("log-visit")).to_be_visible()
    shoot(page, out, "account", orientation, suffix)
    page.get_by_test_id("log-visit").click()
    page.get_by_test_id("visit-outcome").select_option("quote-requested")
    page.get_by_test_id("visit-notes").fill("Compresseur de l'atelier à remplacer, budget validé en janvier.")
    page.locator(".maturity label").nth(3).click()
    shoot(page, out, "visit", orientation, suffix)
    page.get_by_test_id("visit-save").click()
    shoot(page, out, "visit-saved", orientation, suffix)
    page.get_by_test_id("request-quote").click()
    page.get_by_test_id("quote-product-line").fill("Maintenance")
    page.get_by_test_id("quote-item-label").fill("Compresseur 50 L")
    page.get_by_test_id("quote-item-quantity").fill("2")
    page.get_by_test_id("quote-photo").set_input_files(files=[{"name": "p.png", "mimeType": "image/png", "buffer": PHOTO}])
    shoot(page, out, "quote", orientation, suffix)
    page.get_by_test_id("quote-save").click()
    expect(page.get_by_test_id("log-visit")).to_be_visible()  # saved, back on the account
    page.goto("/#/quotes")
    shoot(page, out, "quotes", orientation, suffix)
    page.goto(f"/#/agenda/{day}")
    shoot(page, out, "agenda", orientation, suffix)
    page.goto("/#/accounts")
    shoot(page, out, "accounts", orientation, suffix)
    page.goto("/#/sync")
    shoot(page, out, "sync-offline", orientation, suffix)
    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("sync-pending")).to_have_text("0", timeout=30_000)
    shoot(page, out, "sync", orientation, suffix)


def pinned_now(offset_days: int = 0, at: dt.time | None = None) -> dt.datetime:
    """The server's pinned clock now (e2e_server.E2E_NOW, flowing), moved by `offset_days`."""
    now = E2E_NOW + dt.timedelta(seconds=time.time() - E2E_NOW_AT, days=offset_days)
    return dt.datetime.combine(now.date(), at, now.tzinfo) if at else now


def sunday(page, context, out: Path, orientation: str, suffix: str) -> None:
    """The tour screen opened on the Sunday after the pinned Tuesday: Monday's tour, and why
    (in each language, like the other screens)."""
    page.goto("/")
    sign_in(page, "rep1@example.com")
    page.goto("/#/tour")
    expect(page.get_by_test_id("tour-day-off")).to_be_visible()
    expect(page.get_by_test_id("tour-stop").first).to_be_visible()
    shoot(page, out, "tour-sunday", orientation, suffix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="URL of a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None
    if not args.base:
        server = start_server(Path(tempfile.mkdtemp(prefix="tournee-shots-")))
    base = args.base or server.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for (lang, (locale, ending)), (orientation, viewport) in product(LANGUAGES.items(), SIZES.items()):
                print(lang, orientation)
                for shots, now in ((screens, pinned_now()),
                                   (sunday, pinned_now(6 - E2E_NOW.weekday(), dt.time(9, 0)))):
                    context = browser.new_context(base_url=base, viewport=viewport, locale=locale,
                                                  timezone_id="Europe/Paris")
                    if server:  # our own server runs on the pinned clock: so does the page
                        context.clock.install(time=now)
                    context.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
                    context.route(NOT_LOOPBACK, lambda route: route.abort())
                    context.set_default_timeout(20_000)
                    shots(context.new_page(), context, out, orientation, ending)
                    context.close()
            browser.close()
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()

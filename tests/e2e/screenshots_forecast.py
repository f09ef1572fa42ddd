"""Screenshots of the forecast, in French and in English: the manager's dashboard on the desk and the rep's pipeline on the tablet.

    .venv/bin/python tests/e2e/screenshots_forecast.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Without --base it starts its own server on the demo data (like the browser tests).
Writes docs/screenshots/desk-forecast.png, desk-forecast-drill.png and
pipeline-<landscape|portrait>.png (the rep's pipeline, offline), and each with `-en` in English.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk import DESKTOP, desk_sign_in  # noqa: E402
from e2e_server import CHROMIUM_ARGS, ROOT, chromium_path, new_context, start_server  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from pwa import sign_in  # noqa: E402
from screenshots import LANGUAGES, SIZES, pinned_now  # noqa: E402


def shoot(page, out: Path, name: str, suffix: str) -> None:
    page.wait_for_timeout(500)
    page.evaluate("document.querySelector('.toasts')?.replaceChildren()")
    page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=name.startswith("desk"))
    print(f"  {name}{suffix}.png")


def manager(page, out: Path, suffix: str) -> None:
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-forecast").click()
    expect(page.get_by_test_id("chart-backtest").locator("canvas")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("forecast-deal").first).to_be_visible()
    expect(page.get_by_test_id("forecast-model")).to_be_visible()
    shoot(page, out, "desk-forecast", suffix)
    page.get_by_test_id("pipeline-quoted-best_case").click()
    expect(page.get_by_test_id("forecast-deal").first).to_be_visible()
    page.get_by_test_id("forecast-deals").scroll_into_view_if_needed()
    page.screenshot(path=str(out / f"desk-forecast-drill{suffix}.png"))
    print(f"  desk-forecast-drill{suffix}.png")


def rep(page, context, out: Path, orientation: str, suffix: str) -> None:
    sign_in(page, "rep1@example.com")
    page.goto("/#/pipeline")
    expect(page.get_by_test_id("pipeline-deal").first).to_be_visible(timeout=30_000)
    context.set_offline(True)
    page.get_by_test_id("opportunity-open").click()
    page.get_by_test_id("opportunity-account-search").fill("Dijon")
    page.get_by_test_id("opportunity-account").select_option(index=1)
    page.get_by_test_id("opportunity-amount").fill("12500")
    page.get_by_test_id("opportunity-category").select_option("best_case")
    page.get_by_test_id("opportunity-save").click()
    expect(page.get_by_test_id("pipeline-local")).to_have_count(1)
    shoot(page, out, f"pipeline-{orientation}", suffix)
    context.set_offline(False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="URL of a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = SimpleNamespace(url=args.base) if args.base else start_server(
        Path(tempfile.mkdtemp(prefix="tournee-forecast-shots-")))

    def context_for(browser, viewport, lang: str, locale: str):
        # our own server runs on the pinned clock: so does the page; a given server, on the real one
        context = new_context(browser, server, now=None if args.base else pinned_now(), viewport=viewport,
                              locale=locale)
        context.add_init_script(f"localStorage.setItem('tournee-lang', '{lang}')")
        context.set_default_timeout(20_000)
        return context

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for lang, (locale, suffix) in LANGUAGES.items():
                print(lang)
                context = context_for(browser, DESKTOP, lang, locale)
                manager(context.new_page(), out, suffix)
                context.close()
                for orientation, viewport in SIZES.items():
                    context = context_for(browser, viewport, lang, locale)
                    rep(context.new_page(), context, out, orientation, suffix)
                    context.close()
            browser.close()
    finally:
        if hasattr(server, "stop"):
            server.stop()


if __name__ == "__main__":
    main()

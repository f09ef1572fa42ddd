"""Screenshots of the forecast: the manager's dashboard on the desk and the rep's pipeline on the tablet.

    .venv/bin/python tests/e2e/screenshots_forecast.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Without --base it starts its own server on the demo data (like the browser tests).
Writes docs/screenshots/desk-forecast.png, desk-forecast-drill.png and
pipeline-<landscape|portrait>.png (the rep's pipeline, offline).
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
from pwa import sign_in  # noqa: E402
from screenshots import SIZES  # noqa: E402


def shoot(page, out: Path, name: str) -> None:
    page.wait_for_timeout(500)
    page.evaluate("document.querySelector('.toasts')?.replaceChildren()")
    page.screenshot(path=str(out / f"{name}.png"), full_page=name.startswith("desk"))
    print(f"  {name}.png")


def manager(page, out: Path) -> None:
    desk_sign_in(page, "manager@example.com", "dashboard")
    page.get_by_test_id("desk-nav-forecast").click()
    expect(page.get_by_test_id("chart-backtest").locator("canvas")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("forecast-deal").first).to_be_visible()
    expect(page.get_by_test_id("forecast-model")).to_be_visible()
    shoot(page, out, "desk-forecast")
    page.get_by_test_id("pipeline-quoted-best_case").click()
    expect(page.get_by_test_id("forecast-deal").first).to_be_visible()
    page.get_by_test_id("forecast-deals").scroll_into_view_if_needed()
    page.screenshot(path=str(out / "desk-forecast-drill.png"))
    print("  desk-forecast-drill.png")


def rep(page, context, out: Path, orientation: str) -> None:
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
    shoot(page, out, f"pipeline-{orientation}")
    context.set_offline(False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="URL of a running server with the demo data")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None if args.base else start_server(Path(tempfile.mkdtemp(prefix="tournee-forecast-shots-")))
    base = args.base or server.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=base, viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
            context.route(NOT_LOOPBACK, lambda route: route.abort())
            context.set_default_timeout(20_000)
            manager(context.new_page(), out)
            context.close()
            for orientation, viewport in SIZES.items():
                context = browser.new_context(base_url=base, viewport=viewport, locale="fr-FR",
                                              timezone_id="Europe/Paris")
                context.route(NOT_LOOPBACK, lambda route: route.abort())
                context.set_default_timeout(20_000)
                rep(context.new_page(), context, out, orientation)
                context.close()
            browser.close()
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()

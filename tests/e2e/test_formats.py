"""Dates and lengths as both apps write them (lib/lang.js, lib/words.js), in French and English:
one shape per language whether the year shows or not, and a length under an hour in minutes.

The pages run on the browser tests' pinned clock (e2e_server.E2E_NOW, in 2026): a date of
another year shows its year."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

FORMATS = """async ({ code, calls }) => {
  const lang = await import('/lib/lang.js');
  const words = await import('/lib/words.js');
  lang.lang.value = code;
  const helpers = { ...lang, ...words };
  return calls.map(([name, ...args]) => helpers[name](...args));
}"""


def said(page, code, calls):
    page.goto("/")
    return page.evaluate(FORMATS, {"code": code, "calls": calls})


@pytest.mark.parametrize(("code", "expected"), [
    ("en", ["Thu 7 May", "Wed 5 Nov 2025", "Wednesday 5 November 2025", "Monday 28 December"]),
    ("fr", ["jeu. 7 mai", "mer. 5 nov. 2025", "mercredi 5 novembre 2025", "lundi 28 décembre"]),
])
def test_a_date_has_one_shape_with_or_without_its_year(page, code, expected):
    long = {"weekday": "long", "day": "numeric", "month": "long"}
    assert said(page, code, [
        ["fmtDate", "2026-05-07"], ["fmtDate", "2025-11-05"],
        ["fmtDate", "2025-11-05", {**long, "year": "numeric"}], ["fmtDate", "2026-12-28", long],
    ]) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("fr", ["12 min", "0 min", "59 min", "1 h", "5 h 30", "22 h", "1 j 16 h"]),
    ("en", ["12 min", "0 min", "59 min", "1 h", "5 h 30", "22 h", "1 d 16 h"]),
])
def test_a_length_under_an_hour_is_in_minutes(page, code, expected):
    """The quote board's age of a 12-minute-old quote said "0.2 h", where every other age says
    "22 h" or "1 d 16 h"."""
    assert said(page, code, [["fmtHours", h] for h in (0.2, 0, 59 / 60, 1, 5.5, 22, 40)]) == expected

"""The cells of every CSV export: French numbers and dates, formulas made inert."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from server.common.formulas import protect, unprotect
from server.common.spreadsheet import cell


@pytest.mark.parametrize(("value", "text"), [
    (0.8502, "0,8502"), (47.11, "47,11"), (1234.5, "1234,5"), (182000, "182000"), (4000.0, "4000"),
    (-4.25, "-4,25"), (1e-05, "0,00001"), (47.123456789012, "47,123456789012"), (Decimal("12.50"), "12,5"),
    (True, "oui"), (False, "non"), (None, ""), (date(2026, 3, 1), "01/03/2026"),
])
def test_values_are_written_as_french_spreadsheets_read_them(value, text):
    assert cell(value) == text


def test_date_times_are_written_in_the_callers_zone():
    moment = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)
    assert cell(moment, zone=ZoneInfo("Europe/Paris")) == "15/07/2026 00:30:00"
    assert cell(moment, zone=ZoneInfo("America/Cayenne")) == "14/07/2026 19:30:00"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+33 3 80 00 00 00", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\rcmd", "'=already quoted", "'plain quote"])
def test_formula_leading_text_is_quoted_and_unquoted_back(text):
    written = cell(text)
    assert written == "'" + text
    assert unprotect(written) == text


@pytest.mark.parametrize("text", ["Fromagerie Allard", "Dijon", "", "2+3", "l'atelier"])
def test_plain_text_is_left_as_it_is(text):
    assert protect(text) == text and unprotect(text) == text

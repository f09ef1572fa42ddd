"""A spreadsheet cell as the import reads it (server/accounts/spreadsheet.py `_text`): numbers in
the French form the CSV path reads, positional whatever their size."""
from __future__ import annotations

import pytest

from server.accounts.spreadsheet import _text
from server.segmentation.scoring import parse_number


@pytest.mark.parametrize(("cell", "text"), [(1234.5, "1234,5"), (1e-05, "0,00001"), (2.5e-07, "0,00000025"),
                                            (1e16 + 0.0, "10000000000000000"), (182000.0, "182000")])
def test_a_float_cell_reads_as_the_french_number_it_shows(cell, text):
    assert _text(cell) == text
    assert parse_number(text) == pytest.approx(cell)

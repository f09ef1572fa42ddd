"""Excel workbooks (`.xlsx`) as import tables: the first sheet, its first row as header.

Read with openpyxl in read-only mode (streams rows, bounded memory). Cells come
back as text the way the CSV reader gives them: numbers without a spurious ".0",
dates as ISO dates, empty cells as "". Line numbers are the sheet's row numbers.
"""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from datetime import date, datetime

from server.errors import TooLarge

_ZIP_MAGIC = b"PK\x03\x04"


def is_workbook(data: bytes) -> bool:
    """A zip with a workbook part (an .xlsx), whatever the file was called."""
    if not data.startswith(_ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):  # positional, as the cell shows it: 1e-05 reads "0,00001", not "1e-05"
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_workbook(data: bytes, *, max_lines: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of the first sheet; blank rows skipped; ImportRejected if unreadable."""
    from openpyxl import load_workbook

    from server.accounts.csvfile import ImportRejected, Issue
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        raise ImportRejected([Issue(1, "_file", "Unreadable Excel workbook: save it again as .xlsx.")]) from None
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header_row = next(rows_iter, None)
        if header_row is None:
            raise ImportRejected([Issue(1, "_file", "The file is empty.")])
        header = [_text(v).strip() for v in header_row]
        while header and not header[-1]:  # Excel keeps formatted but empty columns
            header.pop()
        rows = []
        for number, values in enumerate(rows_iter, start=2):
            cells = [_text(v) for v in values[:len(header)]]
            cells += [""] * (len(header) - len(cells))
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_lines:
                raise TooLarge(f"The file has more than {max_lines} lines; split it.", max_lines=max_lines)
            rows.append((number, cells))
        return header, rows
    finally:
        workbook.close()

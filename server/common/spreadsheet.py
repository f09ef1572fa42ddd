"""CSV exports as French spreadsheet software reads them (API.md → Account files → CSV exports).

Every export goes through `cell()`, so that each one follows the same conventions:

- `;` between cells, UTF-8 with a BOM (French Excel reads a file without a BOM as
  Windows-1252), CRLF line ends;
- numbers with a decimal comma and no thousands separator (`1234,5`), written with
  the fewest digits that read back as the same value;
- dates `JJ/MM/AAAA`, date-times `JJ/MM/AAAA HH:MM:SS` in the caller's time zone:
  the forms French Excel turns into dates on opening;
- booleans `oui`/`non`, lists and objects as JSON;
- a text cell that a spreadsheet would run as a formula gets a leading `'`
  (server/common/formulas.py), which import strips again.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, stream_with_context

from server.accounts.csvfile import write_rows
from server.common.formulas import protect

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M:%S"


def number(value: float | int | Decimal) -> str:
    """182000.5 → `182000,5`; 0.85 → `0,85`; never an exponent (1e-05 → `0,00001`)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def cell(value: Any, *, zone: ZoneInfo | None = None) -> str:
    """One value as the text of a French CSV cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return number(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:  # stored naive means UTC (server/db.py)
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(zone or ZoneInfo("Europe/Paris")).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return protect(str(value))


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]], *, zone: str | None = None,
                 translate_header: bool = True) -> Response:
    """A streamed `text/csv` attachment: the header in the caller's language (its items are
    msgids; `translate_header=False` keeps field names, for files that import back), each
    value through `cell()`."""
    from server.i18n import translate
    tz = ZoneInfo(zone) if zone else None
    cells = ([cell(v, zone=tz) for v in row] for row in rows)
    names = [translate(h) for h in header] if translate_header else header
    return Response(stream_with_context(write_rows([protect(h) for h in names], cells)),
                    mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})

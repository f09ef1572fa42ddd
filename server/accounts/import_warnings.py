"""What an account import tells the reader without refusing the file: warnings, line by line.

They come back as the outcome's `warnings` (`[{line, column, message}]`, like the report's
items, `column` the file's own header), in a dry run, in the import itself and beside a
refusal's report. Exact copies of a line are told by imports.parse_lines ("Same as line 7:
skipped."); this module tells postcodes that place nothing.

Accounts have no country and the gazetteer (server/geo/gazetteer.py) is France's: a postcode
that is not five digits ("14XYZ") is kept as written — a foreign address may have one — but
the account is located by its city alone, and the reader is told whether that placed it.
A city that names several communes stays unlocated unless the postcode's first two digits
(its département) leave one; no guess (gazetteer.locate_commune).
"""
from __future__ import annotations

from typing import Any

from server.accounts.csvfile import Issue
from server.geo.gazetteer import usable_postcode

def unusable_postcodes(lines: list[tuple[int, dict[str, Any]]],
                       columns: dict[str, str]) -> list[tuple[int, str, str, bool]]:
    """[(line, column header, postcode as written, has a city)] of the lines whose postcode the
    gazetteer cannot read; `columns` is field → the file's header."""
    column = columns.get("postcode")
    if column is None:
        return []
    return [(line, column, values["postcode"], bool(values.get("city"))) for line, values in lines
            if values.get("postcode") and not usable_postcode(values["postcode"])]


def postcode_warnings(found: list[tuple[int, str, str, bool]],
                      precision: dict[int, str | None] | None = None) -> list[Issue]:
    """A warning per line of `found` (unusable_postcodes); `precision` (line → geo_precision once
    located, None: without position) says how each was placed; without it (the file is refused
    before locating) the warning names the postcode alone."""
    out = []
    for line, column, postcode, has_city in found:
        placed = precision.get(line, "unknown") if precision is not None else "unknown"
        if placed == "commune":
            out.append(Issue(line, "postcode", f"Not a French postcode (5 digits): {postcode!r}. "
                                               "The account is located by its city.", column=column))
        elif placed in ("address", "street"):
            out.append(Issue(line, "postcode", f"Not a French postcode (5 digits): {postcode!r}. "
                                               "The account is located by its address.", column=column))
        elif placed is None and has_city:
            out.append(Issue(line, "postcode", f"Not a French postcode (5 digits): {postcode!r}. The account is "
                                               "without position: its city names no commune, or several; "
                                               "correct the postcode.", column=column))
        elif placed is None:
            out.append(Issue(line, "postcode", f"Not a French postcode (5 digits): {postcode!r}. The account is "
                                               "without position: correct the postcode or fill in the city.",
                             column=column))
        else:  # manual: placed by the file's own lat/lon; unknown: not located (the file is refused)
            out.append(Issue(line, "postcode", f"Not a French postcode (5 digits): {postcode!r}.", column=column))
    return out

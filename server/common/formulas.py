"""Cells a spreadsheet would run as a formula (OWASP "CSV injection"), quoted on export
and unquoted on import (API.md → Account files → CSV exports).

A text starting with `=`, `+`, `-`, `@`, tab or carriage return is written with a
leading `'`, which spreadsheet software shows as text and never runs. A text that
already starts with `'` gets one too, so that `unprotect()` gives back exactly the
text that `protect()` was given.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROTECTED_STARTS = (*FORMULA_STARTS, "'")


def protect(text: str) -> str:
    """`=HYPERLINK(…)` → `'=HYPERLINK(…)`."""
    return "'" + text if text.startswith(PROTECTED_STARTS) else text


def unprotect(text: str) -> str:
    """`'=HYPERLINK(…)` → `=HYPERLINK(…)`; any other text as it is."""
    return text[1:] if text.startswith("'") and text[1:].startswith(PROTECTED_STARTS) else text

"""Reading a CSV file as French offices write them, and writing one back.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Texte Unicode"), and
otherwise what charset-normalizer finds among the 8-bit code pages French software
writes (Windows-1252 from Excel's "CSV (séparateur: point-virgule)", ISO-8859-15,
Mac Roman) and BOM-less UTF-16. `.xlsx` workbooks are read by spreadsheet.py.
`;`, `,` or tab as separator, detected on the header line; one header row; blank
lines skipped; every problem reported as `{line, column, message}` (also under the
older names `field` and `reason`) with the file's own line numbers (the header is line 1).
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from server.common.formulas import unprotect
from server.errors import Invalid, TooLarge

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_LINES = 100_000


@dataclass
class Issue:
    """One problem of an import: `field` is the key the line lacks or the header it came under;
    `column`, when given, is the column the user should add or fix (shown instead of `field`):
    the file's own header as written, or with `suggested` a column the file lacks, named by the
    report (headers.SUGGESTED_COLUMNS, put in the reader's words by i18n.translate_report)."""

    line: int
    field: str
    reason: str
    column: str | None = None
    suggested: bool = False

    def as_dict(self) -> dict:
        out = {"line": self.line, "column": self.column or self.field, "message": self.reason,
               "field": self.field, "reason": self.reason}
        return {**out, "suggested": True} if self.suggested else out


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number, cells)
    delimiter: str
    issues: list[Issue] = field(default_factory=list)


class ImportRejected(Invalid):
    """Nothing was written: the report says which line and field, and why."""

    kind, title = "import_rejected", "Import rejected"

    def __init__(self, issues: list[Issue], **counts) -> None:
        issues = sorted(issues, key=lambda i: (i.line, i.field))
        errors: dict[str, list[str]] = {}
        for issue in issues:
            errors.setdefault(f"line {issue.line}: {issue.field}", []).append(issue.reason)
        found = ("1 problem found; nothing was imported." if len(issues) == 1
                 else f"{len(issues)} problems found; nothing was imported.")
        super().__init__(found, errors=errors,
                         report=[i.as_dict() for i in issues], **counts)


# The code pages a French office's file may come in when it is not UTF-8; charset-normalizer
# picks the one under which the text reads most plausibly (Windows-1252 first on a tie).
LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "utf_16_le", "utf_16_be"]


def decode(data: bytes) -> str:
    """The file's text, whatever encoding of LEGACY_ENCODINGS (or UTF-8/UTF-16 with BOM) it uses."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRejected([Issue(1, "_file", "The file says UTF-16 but is not.")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
    from charset_normalizer import from_bytes
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise ImportRejected([Issue(line, "_file", "Unreadable text: save the file as CSV (UTF-8 or Windows) "
                                                   "or as an Excel workbook (.xlsx).")])
    return str(best)


def detect_delimiter(first_line: str) -> str:
    """The separator the header uses most, outside quotes: `;` (French Excel), `,` or tab."""
    counts, quoted = {";": 0, ",": 0, "\t": 0}, False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: (counts[c], c == ";"))
    return best if counts[best] else ","


def read_table(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_lines: int = DEFAULT_MAX_LINES) -> Table:
    """Split a CSV file into its header and rows; refuses files over the limits (413)."""
    if len(data) > max_bytes:
        raise TooLarge(f"The file is larger than {max_bytes} bytes; split it.", max_bytes=max_bytes)
    from server.accounts import spreadsheet
    if spreadsheet.is_workbook(data):
        header, rows = spreadsheet.read_workbook(data, max_lines=max_lines)
        return _checked(Table(header=header, rows=rows, delimiter=";"))
    text = decode(data)
    if not text.strip():
        raise ImportRejected([Issue(1, "_file", "The file is empty.")])
    delimiter = detect_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        rows, last = [], reader.line_num
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_lines:
                raise TooLarge(f"The file has more than {max_lines} lines; split it.", max_lines=max_lines)
            rows.append((line, [unprotect(c) for c in cells]))
    except csv.Error as exc:
        raise ImportRejected([Issue(reader.line_num, "_file", f"Unreadable CSV: {exc}.")]) from None
    return _checked(Table(header=header, rows=rows, delimiter=delimiter))


def _checked(table: Table) -> Table:
    """File the header's and the lines' shape problems on the table."""
    header, rows = table.header, table.rows
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.casefold()
        if not name:
            table.issues.append(Issue(1, f"column {i + 1}", "Empty column name."))
        elif key in seen:
            table.issues.append(Issue(1, name, "Column appears twice."))
        seen[key] = i
    for line, cells in rows:
        if len(cells) != len(header):
            table.issues.append(Issue(line, "_line", f"{len(cells)} cells where the header has {len(header)}."))
    return table


def write_rows(header: list[str], rows: Iterable[list], *, delimiter: str = ";") -> Iterator[str]:
    """CSV text in pieces, with a BOM so that spreadsheet software reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff"
    writer.writerow(header)
    for i, row in enumerate(rows, 1):
        writer.writerow(row)
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def french_number(value: float | int | None) -> str:
    """182000.5 → "182000,5" (what a French spreadsheet reads as a number)."""
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return text.replace(".", ",")

"""JSON by orjson where it is hot: response bodies and the database's JSON columns.

**Response bodies**: the same bytes as Flask's provider, faster.

Flask's `DefaultJSONProvider` encodes with the standard library, keys sorted: on a page
of 50 accounts (five JSON documents each) the encoding was a large share of the
request's CPU (docs/benchmarks.md, bench_reads). orjson (https://github.com/ijl/orjson)
encodes the same values to the same compact text: keys sorted (`OPT_SORT_KEYS`; UTF-8
byte order is code point order), non-ASCII written as is (our `ensure_ascii = False`),
dates, dataclasses and anything unusual handed to Flask's own `default` (RFC 822 dates,
`dataclasses.asdict`, `__html__`), so they read as before.

What orjson refuses — a non-string key, an integer past 64 bits, a lone surrogate, a
nesting deeper than 254 — falls back to the standard library's encoding, unchanged.
The differences left are in spelling only, never in value: a float's exponent
(`1e-05` reads `1e-5`), and NaN/Infinity (not JSON) written `null`.
Indented output (debug mode, `compact = False`) stays the standard library's.

**JSON columns** (`loads`, the engine's `json_deserializer`, on SQLite and, through
psycopg, on PostgreSQL): five documents per account, decoded on every list page. orjson
reads the same values, except an integer past 64 bits (it reads a float) and what is not
strict JSON (NaN, a lone surrogate: it refuses): a document holding a run of 19 digits or
more, or refused, is read by the standard library instead.

They are written by `dumps` (the engine's `json_serializer`): a push writes a ledger
result, field stamps and more for each of its hundreds of mutations, and the standard
library's encoder was a tenth of its CPU (bench_push). Keys keep their order, non-ASCII
is written as is, and what orjson refuses (a non-string key, an integer past 64 bits, a
lone surrogate, a date) goes to the standard library, which writes or refuses it as
before. The spelling differs (no spaces), never the value, except NaN/Infinity, which
are not JSON (PostgreSQL refuses them) and are written `null`, as in responses.
"""
from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# 2**63 has 19 digits: any run that long may be an integer orjson would read as a float.
# Found by mapping every digit to "0" and looking for nineteen of them: a regular
# expression took five times as long as orjson's decoding of the same page of documents.
_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_RUN = b"0" * 19


_STANDARD = object()  # what `loads_fast` answers for a document only the standard library reads as it reads it


def loads(data: str | bytes | bytearray | memoryview) -> Any:
    """A JSON document (text or UTF-8 bytes) as Python values, exactly as `json.loads` reads it."""
    if isinstance(data, (memoryview, bytearray)):
        data = bytes(data)
    value = loads_fast(data)
    return json.loads(data) if value is _STANDARD else value


def loads_fast(data: str | bytes | bytearray | memoryview) -> Any:
    """`json.loads(data)` read by orjson, or `_STANDARD` when orjson cannot give the same
    values (a run of 19 digits or more) or refuses the text (not strict JSON, malformed, or
    nested deeper than orjson's 1,024 levels): the caller then uses the standard library."""
    if isinstance(data, (memoryview, bytearray)):
        data = bytes(data)
    # A document shorter than 19 characters holds no run of 19 digits: not searched (most are "[]", "{}"…).
    if len(data) < 19 or _RUN not in _bytes(data).translate(_ZEROS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return _STANDARD


_COLUMN_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def dumps(value: Any) -> str:
    """`value` as JSON text for a JSON column: the values `json.dumps` writes (see above)."""
    try:
        return orjson.dumps(value, option=_COLUMN_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value)


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data  # a lone surrogate too


class OrjsonProvider(DefaultJSONProvider):
    """`app.json`: compact responses encoded by orjson, the rest as Flask does it."""

    ensure_ascii = False  # French names stay readable (orjson never escapes them)

    def encode(self, obj: Any) -> bytes:
        """`obj` as compact JSON bytes (UTF-8), keys sorted; the standard library's text
        for what orjson does not take."""
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return super().dumps(obj, separators=(",", ":")).encode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.encode(obj) + b"\n", mimetype=self.mimetype)

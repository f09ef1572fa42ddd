"""server/jsoncodec.py: orjson where it is hot, with the standard library's results."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from server.jsoncodec import OrjsonProvider, dumps, loads

DOCUMENTS = [
    '{"b": 1, "a": [1.5, -0.25, 1e-07, null, true, "\\u00e9t\\u00e9"]}',
    "123456789012345678901234567890",  # past 64 bits: orjson would read a float
    '{"n": -9223372036854775808, "m": 18446744073709551615}',
    '[NaN, Infinity, -Infinity]',  # not strict JSON, but the standard library writes it
    '"\\ud800"',  # a lone surrogate
    '{"phone": "12345678901234567890"}',
    "1e400",
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_loads_reads_what_the_standard_library_reads(document):
    expected = json.loads(document)
    for form in (document, document.encode(), memoryview(document.encode()), bytearray(document.encode())):
        got = loads(form)
        assert json.dumps(got) == json.dumps(expected)
        assert type(got) is type(expected)


@dataclass
class Point:
    lat: float
    lon: float


VALUES = [
    {"z": 1, "a": {"y": [3, 2, 1], "b": "Été à Sète"}, "m": None},
    [1.5, 0.1, 1234.5678, 2**63 - 1, -(2**63), True, False, None],
    {"when": datetime(2026, 11, 24, 9, 30, tzinfo=UTC), "day": date(2026, 11, 24)},
    {"id": uuid.UUID("01a22937-22fd-763e-84ee-4a4a7f6dc102"), "amount": Decimal("12.50")},
    {"point": Point(48.85, 2.35)},
    {"big": 2**70},  # past 64 bits: the standard library writes it
    {"\u00e9": 1, "e": 2, "z": 3, "\u00c9": 4},  # sorted by code point
    {1: "one", 2: "two"},  # non-string keys: the standard library's way
    "line\nbreak\ttab\u0001\"quote\"\\",
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_response_bodies_are_flasks_bytes(value):
    app = Flask(__name__)
    standard = DefaultJSONProvider(app)
    standard.ensure_ascii = False
    fast = OrjsonProvider(app)
    with app.app_context():
        assert fast.response(value).get_data() == standard.response(value).get_data()
        assert fast.response(value).mimetype == "application/json"


def test_debug_mode_keeps_the_indented_text():
    app = Flask(__name__)
    app.debug = True
    standard = DefaultJSONProvider(app)
    standard.ensure_ascii = False
    with app.app_context():
        body = OrjsonProvider(app).response({"b": 1, "a": 2}).get_data()
        assert body == standard.response({"b": 1, "a": 2}).get_data()
        assert b"\n  " in body


def test_the_app_answers_through_orjson(client):
    assert isinstance(client.application.json, OrjsonProvider)
    assert client.get("/api/health").get_data().endswith(b"}\n")


COLUMN_VALUES = [
    {"z": 1, "a": {"y": [3, 2, 1], "b": "Été à Sète"}, "m": None},  # key order kept, not sorted
    [1.5, 0.1, 1e-07, 1234.5678, 2**63 - 1, -(2**63), True, False, None],
    {"big": 2**70},  # past 64 bits: the standard library writes it
    {1: "one", 2: "two"},  # non-string keys: the standard library's way ("1")
    "line\nbreak\ttab\u0001\"quote\"\\",
    "\ud800",  # a lone surrogate
    {"depth": [[[[[[[[[[{"x": "y"}]]]]]]]]]]},
]


@pytest.mark.parametrize("value", COLUMN_VALUES, ids=range(len(COLUMN_VALUES)))
def test_json_columns_are_written_with_the_values_the_standard_library_writes(value):
    written = dumps(value)
    assert isinstance(written, str)
    expected = json.loads(json.dumps(value))
    assert json.loads(written) == expected
    assert json.dumps(json.loads(written)) == json.dumps(expected)  # keys in the same order


@pytest.mark.parametrize("value", [{"when": datetime(2026, 11, 24, tzinfo=UTC)}, {"amount": Decimal("1.5")}, {1, 2}])
def test_json_columns_refuse_what_the_standard_library_refuses(value):
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        dumps(value)

"""Every JSON body bounded before any work (depth, string length, list length, keys).

A body nested thousands of levels deep used to answer 500 (a RecursionError raised
while the rate-limit key function read the e-mail); one holding 10,000 tags or a
12 MB value was stored and served to every pull. `init_app` makes the request's JSON
parser check the raw text's nesting *before* decoding it and the decoded document's
sizes right after, and parses the body in the very first before-request hook, ahead
of the rate limiter's key functions. A body over a bound answers `413` problem+json
naming the field (dotted path: `mutations.3.changes.tags.add`) and nothing runs.

The bounds here are the generic ceilings (settings `INPUT_MAX_*`); each field's own,
tighter bound (tags, items, `custom`, `opening_hours`…) lives in its schema
(`bounded_blob` below) and answers `422` / `rejected` like any invalid value.
"""
from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from flask import Flask, current_app, request
from flask.wrappers import Request
from marshmallow import ValidationError

from server.errors import TooLarge
from server.jsoncodec import _STANDARD, loads_fast

# Strings are skipped whole (escapes included) so brackets inside them do not count.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class Unbounded(TooLarge):
    """A body over one of the generic bounds: 413, with the offending field."""


def check_depth(text: str, max_depth: int) -> None:
    """Refuse `text` nested deeper than `max_depth` arrays/objects, without decoding it.

    The strings, then everything but brackets, are cut out by the regex engine; the
    running depth is summed over the brackets left (a push of 500 mutations scanned
    token by token in Python cost more than decoding it)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) > max_depth and max(accumulate(map(_STEP.__getitem__, brackets))) > max_depth:
        raise Unbounded(f"The body is nested deeper than {max_depth} levels.",
                        errors={"body": [f"Nested deeper than {max_depth} levels."]})


def check_sizes(value: Any, *, max_string: int, max_list: int, max_keys: int, path: str = "",
                max_depth: int | None = None) -> None:
    """Refuse a decoded document holding a string, list or object over its bound (named by path),
    or, with `max_depth`, nested deeper than that many arrays/objects (named `body`, as
    `check_depth` names it)."""
    _check_sizes(value, max_string, max_list, max_keys, (path,) if path else (), 1,
                 max_depth if max_depth is not None else 1 << 30)


def _check_sizes(value: Any, max_string: int, max_list: int, max_keys: int, path: tuple, depth: int,
                 max_depth: int) -> None:
    # The path is a tuple of keys and indexes, spelled out only for the error: building its
    # text for every node of a push's body was most of this walk. `depth`: the nesting level
    # of `value` if it is an array or object (the root's is 1).
    if isinstance(value, str):
        if len(value) > max_string:
            raise Unbounded("A text field is too long.", errors={_here(path): [f"At most {max_string} characters."]})
        return
    if depth > max_depth and isinstance(value, (list, dict)):
        raise Unbounded(f"The body is nested deeper than {max_depth} levels.",
                        errors={"body": [f"Nested deeper than {max_depth} levels."]})
    if isinstance(value, list):
        if len(value) > max_list:
            raise Unbounded("A list is too long.", errors={_here(path): [f"At most {max_list} items."]})
        for index, item in enumerate(value):
            if isinstance(item, (list, dict)) or (isinstance(item, str) and len(item) > max_string):
                _check_sizes(item, max_string, max_list, max_keys, (*path, index), depth + 1, max_depth)
    elif isinstance(value, dict):
        if len(value) > max_keys:
            raise Unbounded("An object has too many keys.", errors={_here(path): [f"At most {max_keys} keys."]})
        for key, item in value.items():
            if len(key) > max_string:
                raise Unbounded("A key is too long.", errors={_here(path): [f"Keys of at most {max_string} characters."]})
            if isinstance(item, (list, dict)) or (isinstance(item, str) and len(item) > max_string):
                _check_sizes(item, max_string, max_list, max_keys, (*path, key), depth + 1, max_depth)


def _here(path: tuple) -> str:
    """The dotted path as errors name it (`mutations.3.changes.tags.add`), `body` for the root."""
    return ".".join(str(part) for part in path).lstrip(".") or "body"


class _BoundedJSON:
    """The `json_module` of requests: the app's JSON provider, with the bounds checked around `loads`."""

    @staticmethod
    def loads(data: str | bytes, **kwargs: Any) -> Any:
        config = current_app.config
        # A body that is not text in a JSON encoding raises UnicodeDecodeError (a ValueError: 400).
        text = data.decode(json.detect_encoding(data)) if isinstance(data, bytes | bytearray) else data
        max_depth = config["INPUT_MAX_DEPTH"]
        # orjson first (the values json.loads reads, faster; it refuses past 1,024 levels, so
        # no depth reaches Python's recursion), its depth bounded in the size walk below.
        # Anything else (malformed, not strict JSON, options given) goes the standard
        # library's way, its text's depth checked first.
        value = loads_fast(text) if not kwargs else _STANDARD
        if value is _STANDARD:
            check_depth(text, max_depth)
            value = current_app.json.loads(text, **kwargs)
        check_sizes(value, max_string=config["INPUT_MAX_STRING"], max_list=config["INPUT_MAX_LIST"],
                    max_keys=config["INPUT_MAX_KEYS"], max_depth=max_depth)
        return value

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        return current_app.json.dumps(obj, **kwargs)


class BoundedRequest(Request):
    @property
    def json_module(self):  # type: ignore[override]
        return _BoundedJSON

    @json_module.setter
    def json_module(self, _provider) -> None:
        """Flask sets the app's provider on each request; ours wraps that very provider."""


def _parse_body_first() -> None:
    """Decode (and so bound) a JSON body before any other hook, the rate limiter's included.

    webargs decodes the body again for the schemas; it is already known to be within bounds."""
    if request.is_json and request.content_length != 0:
        request.get_json(silent=True)  # ValueError → None here; a bound → Unbounded raised


def init_app(app: Flask) -> None:
    """Install the bounded request class and the first before-request hook."""
    app.request_class = BoundedRequest
    app.before_request_funcs.setdefault(None, []).insert(0, _parse_body_first)


def bounded_blob(field: str, *, max_keys: int, max_bytes: int):
    """A schema validator for free-form objects (`custom`, `opening_hours`): at most
    `max_keys` keys and `max_bytes` once written as JSON (what a pull will serve)."""
    def validate(value: Any) -> bool:
        if isinstance(value, dict) and len(value) > max_keys:
            raise ValidationError(f"At most {max_keys} keys.")
        size = len(json.dumps(value, ensure_ascii=False).encode())
        if size > max_bytes:
            raise ValidationError(f"At most {max_bytes} bytes of JSON ({size} given).")
        return True
    validate.__name__ = f"bounded_{field}"
    return validate

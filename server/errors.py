"""One error shape: RFC 9457 problem+json for every error the API can give (STYLE habit 6).

Services raise the typed errors below; `register(app)` turns them, HTTP errors,
validation errors, JWT errors, integrity errors and database errors into problem documents.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, current_app, g, has_request_context, json, request
from marshmallow import INCLUDE, Schema, ValidationError, fields
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

PROBLEM_BASE = "https://tournee.dev/problems/"
log = logging.getLogger(__name__)


class ProblemSchema(Schema):
    """The error shape, as documented in the OpenAPI spec (RFC 9457; extra members allowed)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class Problem(Exception):
    """Base of the domain errors; `kind` is the last segment of the problem `type`."""

    status = 400
    kind = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        doc = {"type": PROBLEM_BASE + self.kind, "title": self.title,
               "status": self.status, "detail": self.detail}
        if self.errors:
            doc["errors"] = self.errors
        doc.update(self.extra)
        return doc


class Invalid(Problem):
    status, kind, title = 422, "validation", "Invalid input"


class NotFound(Problem):
    status, kind, title = 404, "not_found", "Not found"


class Forbidden(Problem):
    """A field or action the caller's role may not use (objects out of scope are NotFound)."""

    status, kind, title = 422, "forbidden", "Not allowed"


class Overlap(Problem):
    status, kind, title = 409, "overlap", "Overlapping appointment"


class OutsideHours(Overlap):
    """An appointment on a day off or outside the rep's hours: the same `overlap` type (API.md →
    Tours and appointments), under a title that says what it is."""
    title = "Outside the rep's working hours"


class IdConflict(Problem):
    status, kind, title = 409, "id_conflict", "Id already used"


class Immutable(Problem):
    status, kind, title = 409, "immutable", "Record can no longer change"


class IllegalTransition(Problem):
    status, kind, title = 409, "illegal_transition", "Illegal transition"


class Unauthorized(Problem):
    status, kind, title = 401, "unauthorized", "Authentication required"


class Gone(Problem):
    status, kind, title = 410, "gone", "Gone"


class TooLarge(Problem):
    status, kind, title = 413, "too_large", "Request too large"


# SQLSTATEs of a transaction the database undid to let another write through: nothing of it
# was applied, so the same request may be sent again as it is.
WRITE_CONFLICTS = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


class WriteConflict(Problem):
    """Another write met this one at the same time (a deadlock, a serialization failure) and the
    database undid this one. A 503 with Retry-After: the tablet's outbox and any client retry as
    they do when the database is away, and nothing tells them the request was wrong."""

    status, kind, title = 503, "write_conflict", "Simultaneous writes"


def is_write_conflict(exc: DBAPIError) -> bool:
    """The database undid the transaction for another write's sake (WRITE_CONFLICTS)."""
    return getattr(exc.orig, "sqlstate", None) in WRITE_CONFLICTS


def problem_response(doc: dict[str, Any], status: int, headers: dict[str, str] | None = None):
    """The problem document, its words in the caller's language (server/i18n.py), as problem+json."""
    if "babel" in current_app.extensions:
        from server.i18n import translate_problem
        doc = translate_problem(doc)
    response = current_app.response_class(json.dumps(doc), status=status,
                                          mimetype="application/problem+json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    if "Retry-After" in (headers or {}) and has_request_context():
        g.setdefault(_RETRY_AFTER, headers["Retry-After"])  # what keep_retry_after puts back
    return response


_RETRY_AFTER = "problem_retry_after"


def keep_retry_after(app) -> None:
    """A problem's own Retry-After (a write conflict: 1 s; the database unreachable: 5 s; a
    sign-in backoff) reaches the client as written.

    Flask-Limiter sets every response's Retry-After to the later of the one there and its
    window's reset (flask_limiter/_extension.py, `__inject_headers`), so a push's write
    conflict told the tablet to wait about a minute instead of one second. The window's
    reset says when the quota is whole again, not when this request can succeed: a 429 of
    the limiter's own keeps the limiter's value. Register this before the limiter: Flask
    runs after_request hooks last registered first, so this one runs after the limiter's."""
    @app.after_request
    def _problem_retry_after(response):
        if (value := g.get(_RETRY_AFTER)) is not None:
            response.headers["Retry-After"] = value
        return response


def _flatten_messages(messages: Any) -> dict[str, list[str]]:
    """webargs nests errors by location ({"json": {"changes": {"phone": [...]}}}); flatten to dotted fields."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                walk(f"{prefix}.{i}", sub)
        else:
            out.setdefault(prefix or "_schema", []).append(str(value))

    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files", "headers", "view_args", "path"}:
        for sub in messages.values():
            walk("", sub)
    else:
        walk("", messages)
    return out


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    return _flatten_messages(exc.messages)


def problem_from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    doc: dict[str, Any] = {"type": PROBLEM_BASE + _slug(error.name), "title": error.name,
                           "status": status, "detail": error.description}
    if "messages" in data:
        doc["type"] = PROBLEM_BASE + ("validation" if status == 422 else _slug(error.name))
        doc["detail"] = "The request has invalid fields."
        doc["errors"] = _flatten_messages(data["messages"])
    if "message" in data:
        doc["detail"] = data["message"]
    if status == 400 and request.is_json is False and request.method in ("POST", "PUT", "PATCH"):
        doc["detail"] = doc["detail"] or "Malformed request body."
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_headers():
        headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
    if status == 429:
        doc["type"] = PROBLEM_BASE + "rate_limited"
        doc["detail"] = _retry_in(_limiter_wait())
        headers.update({k: v for k, v in error.get_headers() if k.lower() == "retry-after"})
    return problem_response(doc, status, headers)


def _limiter_wait() -> int | None:
    """Seconds until the rate limit this request broke lets one more through (flask-limiter's
    window reset, the value of its Retry-After), None when no limit of the limiter is known."""
    from server.extensions import limiter
    try:
        broken = limiter.current_limit
        return max(1, broken.reset_at - int(time.time())) if broken is not None else None
    except Exception:  # the storage away: the 429 still answers, without a wait
        log.warning("rate limit window unreadable", exc_info=True)
        return None


def _retry_in(wait: int | None) -> str:
    """The 429's detail: when to retry, in whole seconds under two minutes, else whole minutes
    (rounded up: retrying at the minute said never comes too early)."""
    if wait is None:
        return "Too many requests; retry later."
    if wait < 120:
        return f"Too many requests; retry in {wait} s."
    return f"Too many requests; retry in {-(-wait // 60)} min."


def _slug(name: str) -> str:
    return name.lower().replace(" ", "_").replace("'", "")


def register(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(exc: Problem):
        return problem_response(exc.to_dict(), exc.status, exc.headers)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        return problem_response(Invalid("The request has invalid fields.",
                                        errors=validation_errors(exc)).to_dict(), 422)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        from server.extensions import db
        db.session.rollback()
        log.warning("integrity error: %s", exc.orig)
        doc = {"type": PROBLEM_BASE + "integrity", "title": "Conflicting data", "status": 409,
               "detail": "The change conflicts with existing data (duplicate or missing reference)."}
        return problem_response(doc, 409)

    @app.errorhandler(OperationalError)
    def _database_down(exc: OperationalError):
        from server.extensions import db
        db.session.rollback()
        if is_write_conflict(exc):  # not the database away: this write lost a race, retry it as is
            log.warning("write conflict: %s", exc.orig)
            conflict = WriteConflict("Another write met this one at the same time and nothing of it was saved; "
                                     "send the request again as it is.", headers={"Retry-After": "1"})
            return problem_response(conflict.to_dict(), conflict.status, conflict.headers)
        log.error("database error: %s", exc)
        doc = {"type": PROBLEM_BASE + "unavailable", "title": "Service unavailable", "status": 503,
               "detail": "The database cannot be reached; retry shortly."}
        return problem_response(doc, 503, {"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return problem_from_http_exception(exc)
        from server.extensions import db
        db.session.rollback()
        log.exception("unhandled error")
        return problem_from_http_exception(InternalServerError())

"""Request ids and structured logs (issue: hardening).

Every response carries `X-Request-ID`: the caller's own when it is well formed (a
proxy or a tablet may set one to follow a request across hops), else a new one.
Every request writes one log line — method, path, status, duration, the CPU time its
thread spent on it (`cpu_ms`: which endpoints load the machine, apart from waiting),
user, request id — through the standard `logging` module; with `LOG_FORMAT=json` every log record
(ours and the libraries') is one JSON object per line, with the request id of the
request it belongs to.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
log = logging.getLogger("tournee.request")
# Attributes every LogRecord has: whatever else a record carries came as `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        request_id = getattr(record, "request_id", None)
        if request_id:
            doc["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamps each record logged during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_FORMAT", "text"))
    app.before_request(_start)
    app.after_request(_finish)


def configure_logging(fmt: str) -> None:
    """Put the chosen formatter on the root logger's own stream handlers (not pytest's)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:
            if fmt == "json" and not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(JsonFormatter())
            if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                handler.addFilter(RequestIdFilter())


def _start() -> None:
    g.request_started = time.perf_counter()
    g.cpu_started = time.thread_time()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex  # a request refused before before_request ran
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    cpu_now = time.thread_time()  # read first: the thread's CPU over no more than the wall time below
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    actor = g.get("actor")
    fields = {"method": request.method, "path": request.path, "status": response.status_code,
              "duration_ms": duration_ms, "user_id": actor.id if actor else None, "request_id": request_id}
    if started:
        fields["cpu_ms"] = round((cpu_now - g.cpu_started) * 1000, 2)
    log.info("%s %s %s %sms user=%s", request.method, request.path, response.status_code, duration_ms,
             fields["user_id"] or "-", extra=fields)
    return response

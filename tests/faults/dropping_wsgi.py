"""The real app behind a middleware that loses responses, for gunicorn: `gunicorn tests.faults.dropping_wsgi:app`.

A request carrying `X-Test-Drop-Response: 1` runs to completion (the push commits), then
the middleware closes the client's socket without a byte sent: the tablet sees the
connection die, as when a proxy or the network drops an answer after the commit.
Every other request passes through untouched.
"""
from __future__ import annotations

import socket

from wsgi import app as real_app

HEADER = "HTTP_X_TEST_DROP_RESPONSE"


class DropResponse:
    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped

    def __call__(self, environ, start_response):
        if environ.get(HEADER) != "1":
            return self.wrapped(environ, start_response)
        answered = []

        def keep(status, headers, exc_info=None):
            answered.append(status)
            return lambda _data: None

        body = self.wrapped(environ, keep)
        try:
            for _chunk in body:  # the whole response is produced: the request is finished
                pass
        finally:
            if hasattr(body, "close"):
                body.close()
        sock = environ["gunicorn.socket"]
        sock.shutdown(socket.SHUT_RDWR)
        # gunicorn now fails to write the headers (EPIPE) and closes the connection quietly.
        start_response(answered[0] if answered else "500 Internal Server Error", [])
        return []


app = DropResponse(real_app)

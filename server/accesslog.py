"""gunicorn's access log without secrets: the ICS feed's `token` never reaches a log line.

A calendar application polls `/api/reps/{id}/agenda.ics?token=…` for months; the token
is the feed's only credential, and gunicorn's access log writes the request line
and query string as they came. `RedactingLogger` writes `token=[redacted]` instead
(in the request line, the query string and the Referer). Use it with
`gunicorn --logger-class server.accesslog.RedactingLogger` (what `tournee serve`
does; docs/deployment.md). The app's own request log writes paths only, never
query strings (server/observability.py).
"""
from __future__ import annotations

import re

from gunicorn.glogging import Logger

SECRET_PARAMS = re.compile(r"(?i)((?:^|[?&;])(?:token|access_token)=)[^&;\s\"]*")


def redact(text: str | None) -> str | None:
    """`/x.ics?token=abc&y=1` → `/x.ics?token=[redacted]&y=1`."""
    return SECRET_PARAMS.sub(r"\1[redacted]", text) if text else text


class RedactingLogger(Logger):
    """gunicorn's logger, with the secret query parameters blanked in every access-log atom."""

    def atoms(self, resp, req, environ, request_time):
        clean = dict(environ)
        for key in ("RAW_URI", "QUERY_STRING", "HTTP_REFERER"):
            if key in clean:
                clean[key] = redact(clean[key])
        atoms = super().atoms(resp, req, clean, request_time)
        return {key: redact(value) if isinstance(value, str) and key.lower().endswith("referer}i") else value
                for key, value in atoms.items()}

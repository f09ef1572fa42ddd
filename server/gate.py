"""Every /api/ path needs a valid access token, except the few API.md names as public."""
from __future__ import annotations

from flask import request
from flask_jwt_extended import verify_jwt_in_request

PUBLIC = frozenset({"/api/health", "/api/auth/login", "/api/auth/refresh", "/api/openapi.json",
                    "/api/auth/password-reset", "/api/auth/password-reset/confirm"})


def require_access_token() -> None:
    path = request.path
    if not path.startswith("/api/") or request.method == "OPTIONS" or request.url_rule is None:
        return  # the PWA's files, and unknown routes (404 problem, not 401)
    if path in PUBLIC or path.startswith("/api/docs") or path.endswith("/agenda.ics"):
        return  # the ICS feed carries its own secret token
    verify_jwt_in_request()

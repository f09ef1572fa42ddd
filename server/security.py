"""Security headers on every response, and the trusted-proxy setting (issue: hardening).

One strict Content-Security-Policy for the app shell and everything else: no inline
script (the PWA has none: its `index.html` loads `/app.js` as a module), no nonces
(the shell is a static, cached file, so a per-response nonce could not match), styles
from our own files only. Preact applies `style=` props through the CSSOM
(`el.style.cssText`, `el.style[prop]`), which `style-src` does not govern, so the
PWA needs no `'unsafe-inline'` for styles; the e2e tests load it under this policy.

`/api/docs` is the exception: flask-smorest's Swagger UI page loads its bundle (vendored
swagger-ui-dist, served by this server from server/web/swagger-ui: the docs work
without internet) and starts it with one inline script. That page alone gets a relaxed
policy: the inline script allowed by its SHA-256 hash (computed from the page itself),
never by `'unsafe-inline'` for scripts, and inline styles, which Swagger UI injects.
See docs/security.md.
"""
from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from flask import Flask, Response, request

TILES = "https://tile.openstreetmap.org https://*.tile.openstreetmap.org"
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    f"img-src 'self' data: blob: {TILES}",
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS = "camera=(self), geolocation=(self), microphone=()"
HSTS = "max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def init_app(app: Flask) -> None:
    """Trust `TRUSTED_PROXIES` hops of X-Forwarded-* (real client address and scheme), add the headers."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.after_request(secure_headers)


def secure_headers(response: Response) -> Response:
    headers = response.headers
    path = request.path
    if path.startswith("/api/docs"):
        headers["Content-Security-Policy"] = _docs_csp(response)
    else:
        headers["Content-Security-Policy"] = CSP
    if path.startswith("/api/docs/static/"):
        pass  # vendored Swagger UI files: cacheable (server/web/routes.py)
    elif path.startswith("/api/") or path == "/metrics":
        # Tokens and scoped records never land in a shared or disk cache.
        headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = PERMISSIONS
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:  # behind a proxy, true only when TRUSTED_PROXIES lets X-Forwarded-Proto in
        headers["Strict-Transport-Security"] = HSTS
    return response


def _docs_csp(response: Response) -> str:
    from flask import current_app
    cdn_url = current_app.config.get("OPENAPI_SWAGGER_UI_URL") or ""
    parts = urlsplit(cdn_url)
    cdn = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    hashes = ""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        body = response.get_data()
        hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
                          for s in _INLINE_SCRIPT.findall(body))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {cdn} {hashes}".strip(),
        f"style-src 'self' {cdn} 'unsafe-inline'".strip(),  # Swagger UI injects <style> elements
        f"img-src 'self' data: {cdn}".strip(),
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ])

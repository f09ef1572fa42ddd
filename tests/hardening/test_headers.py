"""Security headers on every response; HSTS only over HTTPS; X-Forwarded-* only from trusted proxies."""
from __future__ import annotations

import re

import pytest

from server import create_app
from server.config import TestConfig
from tests.factories import make_user, token_headers

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", ["/", "/sw.js", "/app.js", "/precache.json", "/api/health", "/api/openapi.json",
                                  "/api/accounts", "/api/nowhere", "/metrics"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (path, name)
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no nonce, no eval
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://tile.openstreetmap.org",
                              "https://*.tile.openstreetmap.org"]
    assert csp["connect-src"] == ["'self'"]
    for name, value in {"frame-ancestors": "'none'", "base-uri": "'self'", "object-src": "'none'",
                        "manifest-src": "'self'", "worker-src": "'self'"}.items():
        assert csp[name] == [value]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_api_responses_are_never_stored_and_the_shell_revalidates(app, client, session):
    rep = make_user(session, "rep")
    session.commit()
    me = client.get("/api/me", headers=token_headers(app, rep))
    assert me.status_code == 200
    assert me.headers["Cache-Control"] == "no-store"
    assert client.get("/api/health").headers["Cache-Control"] == "no-store"
    assert client.get("/api/nowhere").headers["Cache-Control"] == "no-store"
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/").headers["Cache-Control"] == "no-cache"


def test_the_shell_has_no_inline_script_for_the_policy_to_block(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html


def test_api_docs_get_their_own_policy_allowing_only_its_inline_script_by_hash(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    csp = _directives(response.headers["Content-Security-Policy"])
    assert all(not source.startswith("http") for source in csp["script-src"] + csp["style-src"])  # no CDN
    assert "'unsafe-inline'" not in csp["script-src"]
    html = response.get_data(as_text=True)
    assert 'src="/api/docs/static/swagger-ui-bundle.js"' in html
    bundle = client.get("/api/docs/static/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and bundle.mimetype == "text/javascript"
    assert client.get("/api/docs/static/licenses/swagger-ui-dist.LICENSE").status_code == 404
    assert any(source.startswith("'sha256-") for source in csp["script-src"])
    assert csp["frame-ancestors"] == ["'none'"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/api/health").headers
    secure = client.get("/api/health", base_url="https://tournee.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_proto_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/api/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_proxy_the_forwarded_scheme_and_address_count(database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXIES=1,
                     METRICS_ALLOWED_ADDRESSES="127.0.0.1")
    client = app.test_client()
    response = client.get("/api/health", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # the real client address, as the per-address login limit and /metrics see it: not the proxy's loopback
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    refused = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"

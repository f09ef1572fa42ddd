"""Access tokens decoded once per worker, then recognised by their exact text.

flask-jwt-extended decodes a token four times per request (its claims unverified, its
header, then verified, then its header again for `get_jwt_header`), and PyJWT checks
each segment character by character in Python: about a fifth of a hot read's CPU.
The last reading is kept too, by the token's text (`kept_header`): a header is
the token's first segment, the same at every use. An HS256 signature is a pure function of
the text and the key, so a token that verified once verifies again; what can change
is time, and `exp` is checked again at every use (an expired token goes through the
full decode, which raises the usual error). Revocation is not this module's business:
the blocklist check (server/users/revocation.py) runs on every request all the same.
"""
from __future__ import annotations

import time

import jwt as pyjwt
from flask import current_app
from flask_jwt_extended import JWTManager, view_decorators

MAX_KEPT = 10_000  # tokens kept per worker; past it the cache starts again empty


class CachingJWTManager(JWTManager):
    def _decode_jwt_from_config(self, encoded_token: str, csrf_value=None, allow_expired: bool = False) -> dict:
        if csrf_value is not None or allow_expired:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        kept = _store("tournee_decoded_tokens")
        claims = kept.pop(encoded_token, None)
        leeway = current_app.config.get("JWT_DECODE_LEEWAY", 0)
        leeway = leeway.total_seconds() if hasattr(leeway, "total_seconds") else leeway
        if claims is None or claims["exp"] <= time.time() - leeway:  # PyJWT's own test of `exp`
            claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
            if not isinstance(claims.get("exp"), (int, float)):
                return claims  # never kept: nothing would say when it ends
        _keep(kept, encoded_token, claims)
        return dict(claims)


def kept_header(encoded_token: str) -> dict:
    """The token's header as `flask_jwt_extended.get_jwt_header` gives it, read once per worker.

    Installed in place of flask-jwt-extended's `get_unverified_jwt_headers`, which its view
    decorators call on every request after the token verified (pinned version: pyproject.toml)."""
    kept = _store("tournee_token_headers")
    header = kept.get(encoded_token)
    if header is None:
        header = pyjwt.get_unverified_header(encoded_token)
        _keep(kept, encoded_token, header)
    return dict(header)


def _store(name: str) -> dict[str, dict]:
    """A per-worker store of readings by token text (in the app's extensions: one per app)."""
    return current_app.extensions.setdefault(name, {})


def _keep(kept: dict[str, dict], encoded_token: str, reading: dict) -> None:
    """Keep `reading` of the token; past MAX_KEPT the store starts again empty."""
    if len(kept) >= MAX_KEPT:
        kept.clear()
    kept[encoded_token] = reading


view_decorators.get_unverified_jwt_headers = kept_header

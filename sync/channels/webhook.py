"""Webhook channel: Standard Webhooks signing, verification and one delivery attempt.

Follows https://www.standardwebhooks.com as API.md ("Quote routing") states it:

- the secret is ``whsec_<base64 of the key bytes>``; a secret without that prefix
  is used as a raw key (its UTF-8 bytes), so admins may paste a plain passphrase;
- the signed content is ``f"{webhook-id}.{webhook-timestamp}.".encode() + body``,
  the body being the exact bytes sent (serialised once, never re-encoded);
- ``webhook-signature`` is ``v1,<base64 HMAC-SHA256>``; a receiver accepts a list of
  space-separated signatures (several secrets during a rotation);
- ``webhook-id`` is the same on every retry so the receiver can de-duplicate;
  ``webhook-timestamp`` is the time of *this* attempt, because receivers reject
  signatures older than a few minutes while our retries go on for 24 h. The body's
  ``timestamp`` is when the event happened and stays the same across retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import secrets
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from sync.channels import DeliveryResult, outbound, reasons

__all__ = [
    "WebhookVerificationError",
    "deliver",
    "generate_secret",
    "parse_retry_after",
    "sign",
    "verify",
]

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
USER_AGENT = "tournee-webhooks/1"
# Statuses whose Retry-After we pass on to the dispatcher.
RETRY_AFTER_STATUSES = frozenset({429, 502, 503})
_DELAY_SECONDS = re.compile(r"\d+(\.\d+)?")


class WebhookVerificationError(ValueError):
    """A received webhook is not authentic (bad or missing signature, stale time)."""


def generate_secret() -> str:
    """A new random signing secret in the ``whsec_<base64>`` form (32 bytes)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        return secret
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
        except ValueError as exc:
            raise ValueError("webhook secret has the whsec_ prefix but is not base64") from exc
    return secret.encode("utf-8")


def _unix_seconds(timestamp: int | float | datetime) -> int:
    if isinstance(timestamp, datetime):
        return int(timestamp.timestamp())
    return int(timestamp)


def sign(secret: str | bytes, msg_id: str, timestamp: int | datetime, body: bytes | str) -> str:
    """``v1,<base64 HMAC-SHA256(key, f"{msg_id}.{timestamp}.{body}")>``."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    content = f"{msg_id}.{_unix_seconds(timestamp)}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def verify(
    secret: str | bytes,
    headers: Mapping[str, str] | Any,
    body: bytes | str,
    tolerance_s: float = 300,
    *,
    now: float | None = None,
) -> None:
    """Check a received webhook; raise :class:`WebhookVerificationError` if not authentic.

    ``headers`` is any mapping with ``items()`` (a dict, ``httpx.Headers``, the
    ``email.message.Message`` of ``http.server``); names are matched case-insensitively.
    ``body`` must be the raw received bytes. ``now`` (Unix seconds) is for tests.
    """
    lowered = {str(name).lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id")
    timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not Unix seconds") from None
    now = time.time() if now is None else now
    if sent_at < now - tolerance_s:
        raise WebhookVerificationError("webhook-timestamp is too old")
    if sent_at > now + tolerance_s:
        raise WebhookVerificationError("webhook-timestamp is too far in the future")

    expected = sign(secret, msg_id, sent_at, body).partition(",")[2].encode("ascii")
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        # Compare every candidate (no early exit on version) so timing reveals nothing.
        if hmac.compare_digest(expected, value.encode("utf-8", "replace")) and version == SIGNATURE_VERSION:
            return
    raise WebhookVerificationError("no matching signature")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP-date).

    A date in the past gives ``0.0``; a missing or unreadable value gives ``None``.
    """
    if value is None:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" in an HTTP-date still means UTC
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_body(event_type: str, data: Mapping[str, Any], occurred_at: datetime) -> bytes:
    """The exact bytes sent and signed: compact UTF-8 JSON ``{type, timestamp, data}``."""
    payload = {"type": event_type, "timestamp": _iso_utc(occurred_at), "data": data}
    return json.dumps(
        payload, separators=(",", ":"), ensure_ascii=False, default=_json_default
    ).encode("utf-8")


def _from_response(response: httpx.Response) -> DeliveryResult:
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryResult(ok=True, status_code=status)
    if status == 410:
        return DeliveryResult(
            ok=False, status_code=status, disable_endpoint=True, permanent=True,
            error="HTTP 410 Gone: the endpoint asks to be disabled", reason=reasons.WEBHOOK_GONE,
        )
    if 300 <= status < 400:
        # Where it points stays unsaid: the delivery log is no window on the receiver's side.
        return DeliveryResult(ok=False, status_code=status, error=f"HTTP {status}: redirect not followed",
                              reason=reasons.WEBHOOK_HTTP_STATUS)
    retry_after = None
    if status in RETRY_AFTER_STATUSES:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    # Any other status is retried: a 404 or 401 is often a receiver being redeployed
    # or a secret being rotated, and API.md promises 24 h of retries.
    return DeliveryResult(ok=False, status_code=status, retry_after_s=retry_after, error=f"HTTP {status}",
                          reason=reasons.WEBHOOK_HTTP_STATUS)


def _from_exception(exc: Exception, timeout_s: float) -> DeliveryResult:
    """A short reason in words: never the exception's text, which may quote what answered."""
    if isinstance(exc, httpx.TimeoutException):
        return DeliveryResult(ok=False, error=f"no answer within {timeout_s:g} s", reason=reasons.WEBHOOK_TIMEOUT)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return DeliveryResult(ok=False, permanent=True, error="invalid webhook URL", reason=reasons.WEBHOOK_INVALID)
    if isinstance(exc, httpx.ConnectError):
        return DeliveryResult(ok=False, error="connection failed", reason=reasons.WEBHOOK_UNREACHABLE)
    if isinstance(exc, httpx.RemoteProtocolError):
        return DeliveryResult(ok=False, error="not an HTTP answer", reason=reasons.WEBHOOK_UNREACHABLE)
    return DeliveryResult(ok=False, error="delivery failed", reason=reasons.WEBHOOK_UNREACHABLE)


def _pinned(url: str, destination: outbound.Destination) -> tuple[httpx.URL, dict[str, Any]]:
    """The URL with the checked address in place of the name; TLS still checks the name (SNI)."""
    pinned = httpx.URL(url).copy_with(host=destination.address)
    extensions = {"sni_hostname": destination.host} if destination.scheme == "https" else {}
    return pinned, extensions


def deliver(
    *,
    url: str,
    secret: str | bytes,
    msg_id: str,
    event_type: str,
    data: Mapping[str, Any],
    timestamp: datetime | None = None,
    client: httpx.Client | None = None,
    timeout_s: float = 10.0,
    allowed: outbound.Allowed = outbound.Allowed(),
) -> DeliveryResult:
    """POST one signed event to ``url``; report the outcome, never raise for network errors.

    ``timestamp`` is when the event happened (default: now); pass the same value on
    every retry so the body is byte-identical. Redirects are never followed. The
    host is resolved and checked first (sync/channels/outbound.py: internal
    addresses are refused unless ``allowed``), and the request goes to the address
    that was checked. The caller's ``client`` is used as is and left open; otherwise
    a client is created and closed here.
    """
    try:
        destination = outbound.resolve(url, allowed)
    except outbound.RefusedDestination as refused:
        # An internal address will not become right by retrying; a name not found may.
        not_found = refused.reason == "host name not found"
        return DeliveryResult(ok=False, permanent=not not_found, error=f"destination refused: {refused.reason}",
                              reason=reasons.WEBHOOK_HOST_NOT_FOUND if not_found else reasons.WEBHOOK_DESTINATION_REFUSED)
    body = build_body(event_type, data, timestamp or datetime.now(UTC))
    sent_at = int(time.time())
    try:
        signature = sign(secret, msg_id, sent_at, body)
    except ValueError as exc:  # a misconfigured team must not stop the dispatcher
        return DeliveryResult(ok=False, permanent=True, error=str(exc), reason=reasons.WEBHOOK_INVALID)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    pinned, extensions = _pinned(url, destination)
    headers["host"] = httpx.URL(url).netloc.decode("ascii")
    own_client = client is None
    if own_client:
        client = httpx.Client(follow_redirects=False, timeout=timeout_s)
    try:
        # Streamed so that only the status line and headers are read: the receiver's
        # body is of no use and could be large.
        with client.stream(
            "POST", pinned, content=body, headers=headers, extensions=extensions,
            timeout=httpx.Timeout(timeout_s), follow_redirects=False,
        ) as response:
            return _from_response(response)
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        return _from_exception(exc, timeout_s)
    finally:
        if own_client:
            client.close()

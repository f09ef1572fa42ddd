"""Webhook channel against a real HTTP receiver on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from receivers import Reply, free_port, http_receiver  # noqa: F401 (fixture)

from sync.channels.outbound import parse_allowed
from sync.channels.webhook import (
    WebhookVerificationError,
    deliver,
    generate_secret,
    parse_retry_after,
    sign,
    verify,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
EVENT = "quote_request.submitted"
QUOTE = {
    "id": "0b7e6f1c-3d1a-4c61-9d2e-5f0a8e2b4c11",
    "product_line": "Compresseurs",
    "urgency": "urgent",
    "items": [{"label": "Compresseur à vis 7,5 kW", "quantity": 2, "unit": "pièce"}],
    "account": {"name": "Société Aéro-Maintenance", "city": "Toulouse"},
}
OCCURRED_AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def independent_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The Standard Webhooks signature written from the spec, not from our module."""
    key = base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_") else secret.encode()
    content = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


# The receiver listens on loopback, which webhooks reach only when listed (tests/channels/test_outbound.py).
LOOPBACK = parse_allowed("127.0.0.1")


def send(url: str, msg_id: str = "msg_quote_1", secret: str = SECRET, **kwargs):
    kwargs.setdefault("timestamp", OCCURRED_AT)
    kwargs.setdefault("allowed", LOOPBACK)
    return deliver(url=url, secret=secret, msg_id=msg_id, event_type=EVENT, data=QUOTE, **kwargs)


def test_delivery_is_a_signed_standard_webhook(http_receiver):
    result = send(http_receiver.url)

    assert result.ok and result.status_code == 200 and result.error is None
    [request] = http_receiver.requests
    assert request.method == "POST" and request.path == "/hooks/quotes"
    names = [name for name, _ in request.headers]
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature", "content-type"):
        assert names.count(name) == 1, name
    assert request.header("content-type") == "application/json"
    assert request.header("webhook-id") == "msg_quote_1"
    assert request.header("webhook-timestamp").isdigit()

    payload = json.loads(request.body.decode("utf-8"))
    assert payload == {"type": EVENT, "timestamp": "2025-03-04T09:30:00Z", "data": QUOTE}
    assert request.body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()

    signature = request.header("webhook-signature")
    assert signature == independent_signature(
        SECRET, request.header("webhook-id"), request.header("webhook-timestamp"), request.body)
    verify(SECRET, dict(request.headers), request.body)


def test_any_2xx_is_success(http_receiver):
    http_receiver.reply(Reply(204), Reply(202, body=b"queued"))

    assert send(http_receiver.url).ok
    assert send(http_receiver.url).status_code == 202


def test_raw_secret_is_used_as_utf8_bytes(http_receiver):
    secret = "mot-de-passe partagé"

    assert send(http_receiver.url, secret=secret).ok
    [request] = http_receiver.requests
    assert request.header("webhook-signature") == independent_signature(
        secret, "msg_quote_1", request.header("webhook-timestamp"), request.body)
    verify(secret, dict(request.headers), request.body)


def test_retries_keep_the_webhook_id_and_body(http_receiver):
    http_receiver.reply(Reply(503), Reply(500))

    results = [send(http_receiver.url, msg_id="msg_stable") for _ in range(3)]

    assert [r.ok for r in results] == [False, False, True]
    assert {r.header("webhook-id") for r in http_receiver.requests} == {"msg_stable"}
    assert len({r.body for r in http_receiver.requests}) == 1
    for request in http_receiver.requests:
        verify(SECRET, dict(request.headers), request.body)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_failures_and_not_followed(http_receiver, status):
    elsewhere = http_receiver.url.replace("/hooks/quotes", "/elsewhere")
    http_receiver.reply(Reply(status, headers={"Location": elsewhere}))

    result = send(http_receiver.url)

    assert not result.ok and result.status_code == status and not result.permanent
    # In words, and never where it points: the log is no window on the receiver's side.
    assert result.error == f"HTTP {status}: redirect not followed"
    assert [r.path for r in http_receiver.requests] == ["/hooks/quotes"]


def test_a_callers_client_does_not_follow_redirects_either(http_receiver):
    http_receiver.reply(Reply(302, headers={"Location": "/elsewhere"}))

    with httpx.Client(follow_redirects=True) as client:
        result = send(http_receiver.url, client=client)
        assert not client.is_closed

    assert result.status_code == 302
    assert len(http_receiver.requests) == 1


def test_410_gone_disables_the_endpoint(http_receiver):
    http_receiver.reply(Reply(410))

    result = send(http_receiver.url)

    assert not result.ok and result.status_code == 410
    assert result.disable_endpoint and result.permanent


@pytest.mark.parametrize("status", [429, 502, 503])
def test_retry_after_in_seconds_is_passed_on(http_receiver, status):
    http_receiver.reply(Reply(status, headers={"Retry-After": "120"}))

    result = send(http_receiver.url)

    assert not result.ok and result.retryable
    assert result.status_code == status and result.retry_after_s == 120
    assert result.error == f"HTTP {status}" and result.reason == "webhook_http_status"


def test_retry_after_as_http_date(http_receiver):
    later = datetime.now(UTC) + timedelta(minutes=10)
    http_receiver.reply(Reply(429, headers={"Retry-After": format_datetime(later, usegmt=True)}))

    result = send(http_receiver.url)

    assert 590 <= result.retry_after_s <= 600


@pytest.mark.parametrize("status", [400, 401, 404, 500, 504])
def test_other_errors_are_retried_without_retry_after(http_receiver, status):
    http_receiver.reply(Reply(status, headers={"Retry-After": "60"}))

    result = send(http_receiver.url)

    assert result.retryable and not result.disable_endpoint
    assert result.status_code == status and result.retry_after_s is None


def test_no_answer_within_the_timeout_is_a_retryable_failure(http_receiver):
    http_receiver.reply(Reply(200, hang_s=30))

    result = send(http_receiver.url, timeout_s=0.5)

    assert not result.ok and result.retryable and result.status_code is None
    assert result.error == "no answer within 0.5 s" and result.reason == "webhook_timeout"


def test_connection_refused_is_a_retryable_failure():
    result = send(f"http://127.0.0.1:{free_port()}/hooks")

    assert result.retryable and result.status_code is None
    assert result.error == "connection failed" and result.reason == "webhook_unreachable"


def test_unusable_url_or_secret_is_permanent():
    assert send("ftp://127.0.0.1/hooks").permanent
    assert send("http://127.0.0.1/hooks", secret="whsec_not base64!").permanent


def test_generated_secrets_are_random_32_byte_keys():
    first, second = generate_secret(), generate_secret()

    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32


class TestVerify:
    body = b'{"type":"quote_request.submitted"}'
    now = 1_700_000_000

    def headers(self, signature=None, timestamp=None, msg_id="msg_1"):
        timestamp = self.now if timestamp is None else timestamp
        return {
            "Webhook-Id": msg_id,
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": signature or sign(SECRET, msg_id, timestamp, self.body),
        }

    def test_accepts_a_valid_delivery_with_any_header_case(self):
        verify(SECRET, self.headers(), self.body, now=self.now)

    def test_accepts_one_good_signature_among_several(self):
        good = sign(SECRET, "msg_1", self.now, self.body)
        other = sign(generate_secret(), "msg_1", self.now, self.body)
        verify(SECRET, self.headers(f"{other} {good}"), self.body, now=self.now)

    @pytest.mark.parametrize("case", ["tampered body", "wrong secret", "other id", "v2 prefix"])
    def test_rejects_bad_signatures(self, case):
        body, secret, headers = self.body, SECRET, self.headers()
        if case == "tampered body":
            body = body.replace(b"submitted", b"cancelled")
        elif case == "wrong secret":
            secret = generate_secret()
        elif case == "other id":
            headers["Webhook-Id"] = "msg_2"
        else:
            headers["Webhook-Signature"] = headers["Webhook-Signature"].replace("v1,", "v2,")
        with pytest.raises(WebhookVerificationError):
            verify(secret, headers, body, now=self.now)

    @pytest.mark.parametrize("offset", [-301, 301])
    def test_rejects_timestamps_outside_the_tolerance(self, offset):
        headers = self.headers(timestamp=self.now + offset)
        with pytest.raises(WebhookVerificationError):
            verify(SECRET, headers, self.body, now=self.now)
        verify(SECRET, headers, self.body, tolerance_s=400, now=self.now)

    @pytest.mark.parametrize("missing", ["Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"])
    def test_rejects_missing_headers(self, missing):
        headers = self.headers()
        del headers[missing]
        with pytest.raises(WebhookVerificationError):
            verify(SECRET, headers, self.body, now=self.now)


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), (" 7 ", 7.0), ("1.5", 1.5), ("0", 0.0),
    ("-5", None), ("soon", None), ("", None), (None, None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_date_relative_to_now():
    now = datetime(2015, 10, 21, 7, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 28 * 60

"""E-mail channel: one attempt at sending a quote request through an SMTP relay.

Standard library only. The relay is given as a URL:

- ``smtp://host[:25]``: plain SMTP (a local relay);
- ``smtp+starttls://user:pass@host[:587]``: upgraded with STARTTLS, which is required;
- ``smtps://user:pass@host[:465]``: TLS from the first byte.

User and password are percent-decoded. The ``Message-ID`` is derived from the
delivery id, so a receiver (or a mail filter) can drop the duplicates that
at-least-once delivery may produce. SMTP 4xx replies and network trouble are worth
retrying; 5xx replies are permanent. Each failure carries its reason code
(sync/channels/reasons.py; written out here, since that module reads this one).
"""

from __future__ import annotations

import json
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote, urlsplit

from sync.channels import DeliveryResult

__all__ = ["SmtpRelay", "build_message", "message_id_for", "parse_smtp_url", "send"]

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


@dataclass(frozen=True, slots=True)
class SmtpRelay:
    """Where and how to hand mail over, parsed from an ``smtp*://`` URL."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_smtp_url(smtp_url: str) -> SmtpRelay:
    """Parse ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URLs; ValueError otherwise."""
    parts = urlsplit(smtp_url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"unsupported SMTP URL scheme {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError("SMTP URL has no host")
    return SmtpRelay(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[scheme],  # .port raises ValueError if malformed
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def message_id_for(msg_id: str, sender: str) -> str:
    """A stable ``<msg_id@sender-domain>`` so every retry carries the same Message-ID."""
    left = _NOT_ATEXT.sub("-", msg_id).strip(".") or "delivery"
    domain = sender.rpartition("@")[2].strip().rstrip(">")
    right = _NOT_ATEXT.sub("-", domain) if "@" in sender and domain else "tournee.invalid"
    return f"<{left}@{right}>"


def build_message(
    *,
    sender: str,
    to: str | Sequence[str],
    msg_id: str,
    subject: str,
    text: str,
    attachment_name: str,
    attachment: Mapping[str, Any],
) -> EmailMessage:
    """The message: the readable quote as text/plain plus the payload as JSON."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = " ".join(subject.split())  # no line breaks in a header
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id_for(msg_id, sender)
    message["X-Tournee-Delivery-Id"] = msg_id
    message.set_content(text)
    payload = json.dumps(attachment, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    message.add_attachment(payload, maintype="application", subtype="json", filename=attachment_name)
    return message


def _smtp_failure(code: int, reply: bytes | str, what: str, reason: str = "mail_relay_refused") -> DeliveryResult:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    text = " ".join(reply.split())[:160]
    return DeliveryResult(
        ok=False, status_code=code, permanent=500 <= code < 600,
        error=f"SMTP {code} {what}: {text}".rstrip(": "), reason=reason,
    )


def _connect(relay: SmtpRelay, timeout_s: float, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if relay.scheme == "smtps":
        return smtplib.SMTP_SSL(relay.host, relay.port, timeout=timeout_s, context=context)
    return smtplib.SMTP(relay.host, relay.port, timeout=timeout_s)


def send(
    *,
    smtp_url: str,
    sender: str,
    to: str | Sequence[str],
    msg_id: str,
    subject: str,
    text: str,
    attachment_name: str,
    attachment: Mapping[str, Any],
    timeout_s: float = 10.0,
    ssl_context: ssl.SSLContext | None = None,
) -> DeliveryResult:
    """Send one quote e-mail; report the outcome, never raise for SMTP or network errors.

    ``ssl_context`` overrides the system trust store (a relay with a private CA).
    On success ``status_code`` is 250; when some recipients were refused but others
    accepted, the delivery counts as done (resending would duplicate) and ``error``
    names the refused ones.
    """
    try:
        relay = parse_smtp_url(smtp_url)
    except ValueError as exc:
        return DeliveryResult(ok=False, permanent=True, error=f"invalid SMTP URL: {exc}",
                              reason="mail_relay_not_configured" if not smtp_url.strip() else "mail_relay_invalid")
    recipients = [to] if isinstance(to, str) else list(to)
    message = build_message(
        sender=sender, to=recipients, msg_id=msg_id, subject=subject, text=text,
        attachment_name=attachment_name, attachment=attachment,
    )
    context = ssl_context or (None if relay.scheme == "smtp" else ssl.create_default_context())
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _connect(relay, timeout_s, context)
        if relay.scheme == "smtp+starttls":
            smtp.starttls(context=context)  # raises SMTPNotSupportedError if not offered
        if relay.username:
            smtp.login(relay.username, relay.password or "")
        refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        code = min(codes) if codes else 550  # a 4xx among them means it may pass later
        reply = "; ".join(f"{rcpt}: {msg!r}" for rcpt, (_, msg) in exc.recipients.items())
        return _smtp_failure(code, reply, "recipients refused", "mail_recipient_refused")
    except smtplib.SMTPNotSupportedError as exc:
        return DeliveryResult(ok=False, permanent=True, error=f"SMTP relay does not support it: {exc}",
                              reason="mail_relay_refused")
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth, greeting
        return _smtp_failure(exc.smtp_code, exc.smtp_error, "refused")
    except TimeoutError:
        return DeliveryResult(ok=False, error=f"timeout after {timeout_s:g} s", reason="mail_relay_unreachable")
    except smtplib.SMTPServerDisconnected as exc:
        return DeliveryResult(ok=False, error=f"SMTP server disconnected: {exc}"[:200], reason="mail_relay_unreachable")
    except (smtplib.SMTPException, OSError) as exc:  # refused, DNS, TLS, …
        return DeliveryResult(ok=False, error=f"connection failed: {exc}"[:200], reason="mail_relay_unreachable")
    finally:
        if smtp is not None:
            _quit_quietly(smtp)
    if refused:
        return DeliveryResult(ok=True, status_code=250, error=f"some recipients refused: {', '.join(refused)}")
    return DeliveryResult(ok=True, status_code=250)


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    # The message is already accepted (or the attempt already failed): a failing
    # QUIT must not change the outcome, unlike smtplib's own context manager.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()

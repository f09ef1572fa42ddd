"""Why a delivery did not happen, as stable codes: what the back office and admins are told.

A channel's `DeliveryResult.error` is a technical detail in English (logs, admins); its
`reason` is one of the codes below, which the API answers beside a text in the reader's
language (server/quotes/reasons.py holds the texts, catalogue msgids). Codes are part of
the API: add new ones, never rename one.
"""
from __future__ import annotations

from sync.channels.email import parse_smtp_url

# The operator's settings: no relay at all (`make run` sets SMTP_URL=""), or one not readable.
MAIL_RELAY_NOT_CONFIGURED = "mail_relay_not_configured"
MAIL_RELAY_INVALID = "mail_relay_invalid"
# The relay answered, and said no (SMTP 4xx/5xx, or a step it does not offer).
MAIL_RELAY_REFUSED = "mail_relay_refused"
MAIL_RECIPIENT_REFUSED = "mail_recipient_refused"
# No answer from the relay: connection refused, host not found, TLS, timeout, hang-up.
MAIL_RELAY_UNREACHABLE = "mail_relay_unreachable"
WEBHOOK_HTTP_STATUS = "webhook_http_status"  # any non-2xx but 410; the status comes with it
WEBHOOK_GONE = "webhook_gone"  # 410: the receiver asked to be disabled
WEBHOOK_TIMEOUT = "webhook_timeout"
WEBHOOK_UNREACHABLE = "webhook_unreachable"
WEBHOOK_DESTINATION_REFUSED = "webhook_destination_refused"  # an internal address (outbound.py)
WEBHOOK_HOST_NOT_FOUND = "webhook_host_not_found"
WEBHOOK_INVALID = "webhook_invalid"  # the URL or the secret cannot be used
ENDPOINT_DISABLED = "endpoint_disabled"
DESTINATION_MISSING = "destination_missing"  # no e-mail address, or no webhook URL
NO_ROUTE = "no_route"  # no routing rule matches and no team is the default
UNEXPECTED = "unexpected"  # a bug: the server's log has the traceback

# Reasons that no retry can cure until the operator changes the server's settings.
RELAY_MISSING = frozenset({MAIL_RELAY_NOT_CONFIGURED, MAIL_RELAY_INVALID})


def relay_problem(smtp_url: str | None) -> str | None:
    """None when `smtp_url` names a relay the e-mail channel can use; else
    `mail_relay_not_configured` (empty or unset) or `mail_relay_invalid` (unreadable)."""
    if not (smtp_url or "").strip():
        return MAIL_RELAY_NOT_CONFIGURED
    try:
        parse_smtp_url(smtp_url)
    except ValueError:
        return MAIL_RELAY_INVALID
    return None


def channel_problem(*, channel: str, email: str | None, webhook_url: str | None, webhook_secret: str | None,
                    disabled: bool, smtp_url: str | None) -> str | None:
    """None when a team's channel can deliver now; else the reason it cannot.

    An inbox team always can (routing is its delivery); whether anyone reads that inbox is
    the team's members' matter, not the channel's."""
    if disabled:
        return ENDPOINT_DISABLED
    if channel == "webhook" and not (webhook_url and webhook_secret):
        return DESTINATION_MISSING
    if channel == "email":
        return DESTINATION_MISSING if not email else relay_problem(smtp_url)
    return None

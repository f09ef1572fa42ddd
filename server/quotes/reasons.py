"""Delivery reasons in words: the text of each code of sync/channels/reasons.py.

The code is what the API answers and tests pin (`"reason": "mail_relay_refused"`); the text
is for people, in the reader's language (catalogue msgids, server/translations). A reason
that comes with a status (an HTTP status, an SMTP reply code) says it. The technical detail
a channel wrote (`error`, in English, maybe quoting the receiver) is never shown here: it is
for logs and admins.
"""
from __future__ import annotations

from flask_babel import gettext

from sync.channels import reasons as r

# code → (msgid, msgid when a status code comes with it)
MESSAGES: dict[str, tuple[str, str | None]] = {
    r.MAIL_RELAY_NOT_CONFIGURED: ("No mail relay is configured on the server (SMTP_URL): no e-mail can leave.",
                                  None),
    r.MAIL_RELAY_INVALID: ("The server's mail relay setting (SMTP_URL) is not valid: no e-mail can leave.", None),
    r.MAIL_RELAY_REFUSED: ("The mail relay refused the message.", "The mail relay refused the message (SMTP %(code)s)."),
    r.MAIL_RECIPIENT_REFUSED: ("The mail relay refused the team's address.",
                               "The mail relay refused the team's address (SMTP %(code)s)."),
    r.MAIL_RELAY_UNREACHABLE: ("The mail relay could not be reached.", None),
    r.WEBHOOK_HTTP_STATUS: ("The webhook did not accept the delivery.", "The webhook answered HTTP %(code)s."),
    r.WEBHOOK_GONE: ("The webhook answered 410 Gone: its endpoint is disabled.", None),
    r.WEBHOOK_TIMEOUT: ("The webhook did not answer in time.", None),
    r.WEBHOOK_UNREACHABLE: ("The webhook could not be reached.", None),
    r.WEBHOOK_DESTINATION_REFUSED: ("The webhook's address is an internal one, which the server refuses.", None),
    r.WEBHOOK_HOST_NOT_FOUND: ("The webhook's host name was not found.", None),
    r.WEBHOOK_INVALID: ("The webhook's URL or secret cannot be used.", None),
    r.ENDPOINT_DISABLED: ("The team's channel is disabled: re-enable it, then send again.", None),
    r.DESTINATION_MISSING: ("The team has no address for its channel.", None),
    r.NO_ROUTE: ("No routing rule matches this quote request and no technical team is the default.", None),
    r.UNEXPECTED: ("The delivery failed unexpectedly; the server's log tells more.", None),
}


def _msgid(code: str | None, status_code: int | None) -> tuple[str, dict] | None:
    if code not in MESSAGES:
        return None
    plain, with_code = MESSAGES[code]
    if with_code and status_code is not None:
        return with_code, {"code": status_code}
    return plain, {}


def message(code: str | None, status_code: int | None = None) -> str | None:
    """The reason in English, the catalogue's msgid filled in (a stored note that
    server/i18n.translate turns into the reader's language); None for no or an unknown code."""
    found = _msgid(code, status_code)
    return found[0] % found[1] if found else None


def text(code: str | None, status_code: int | None = None) -> str | None:
    """The reason in the response's language (needs an app context); None for no or an unknown code."""
    found = _msgid(code, status_code)
    return gettext(found[0], **found[1]) if found else None


def team_problem(team, smtp_url: str | None = None) -> str | None:
    """Why `team`'s channel cannot deliver now (a code), or None; `smtp_url` defaults to the
    app's SMTP_URL. The routing screen warns with it; the dispatcher reads the same rules."""
    if smtp_url is None:
        from flask import current_app
        smtp_url = current_app.config.get("SMTP_URL") or ""
    return r.channel_problem(channel=team.channel, email=team.email, webhook_url=team.webhook_url,
                             webhook_secret=team.webhook_secret, disabled=team.disabled_at is not None,
                             smtp_url=smtp_url)


def team_receives(team, smtp_url: str | None = None) -> bool:
    """True when a quote routed to `team` reaches someone: its members (its inbox, also when no
    mail relay lets its e-mails leave: sync/dispatch.py D7), or a channel that can deliver."""
    problem = team_problem(team, smtp_url)
    if team.channel == "inbox" or problem in r.RELAY_MISSING:
        return bool(team.member_ids)
    return problem is None

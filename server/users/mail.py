"""E-mails to users (invitation, password reset) through the relay of `SMTP_URL`, in the
recipient's language from the gettext catalogues (API.md → Language).

The same relay and URL forms as quote e-mails (sync/channels/email.py). Sending
never fails the request that caused it: a refused or unreachable relay is logged,
and the person asks again (reset) or the admin sends the invitation again.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from datetime import timedelta
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from server.i18n import DEFAULT, LANGUAGES
from server.users.links import LIFETIMES

from sync.channels.email import parse_smtp_url

log = logging.getLogger(__name__)

# The invitation's and the reset's words, as catalogue msgids (server/translations):
# purpose → (subject, the paragraph before the link). The link's validity comes from
# links.LIFETIMES, so the e-mail cannot promise another duration than the token has.
TEXTS = {
    "invitation": ("Your Tournée account",
                   "A Tournée account was created for you. Choose your password with this link (%(validity)s, once):"),
    "reset": ("New Tournée password", "To choose a new password, open this link (%(validity)s, once):"),
}
# Only the reset says what to do with an unasked-for e-mail.
AFTER_LINK = {"reset": "If you did not ask for it, ignore this message."}


def _validity(lifetime: timedelta) -> str:
    """'valable 7 jours' / 'valid 1 hour': whole days when the lifetime is days, else hours (plural forms)."""
    seconds = int(lifetime.total_seconds())
    if seconds % 86400 == 0:
        return ngettext("valid %(num)d day", "valid %(num)d days", seconds // 86400)
    return ngettext("valid %(num)d hour", "valid %(num)d hours", max(1, seconds // 3600))


def compose(*, purpose: str, name: str, link: str, locale: str) -> tuple[str, str]:
    """(subject, plain-text body) of an invitation or reset e-mail in `locale` ("fr" or "en", else French).

    Needs an app context; the words come from the catalogues like every other server text."""
    with force_locale(locale if locale in LANGUAGES else DEFAULT):
        subject, before = TEXTS[purpose]
        lines = [gettext("Hello %(name)s,", name=name), "",
                 gettext(before, validity=_validity(LIFETIMES[purpose])), "", link]
        if purpose in AFTER_LINK:
            lines += ["", gettext(AFTER_LINK[purpose])]
        return gettext(subject), "\n".join(lines) + "\n"


def configured() -> bool:
    """True when `SMTP_URL` names a relay (smtp://, smtp+starttls:// or smtps:// with a host).

    An empty `SMTP_URL` means the operator set up no relay at all (`make run` without one):
    nothing is tried, and the screens say to ask an administrator for a link instead of
    promising an e-mail."""
    try:
        parse_smtp_url(current_app.config.get("SMTP_URL") or "")
    except ValueError:
        return False
    return True


def send_link(*, user, purpose: str, link: str) -> bool:
    """Send the invitation or reset e-mail in the user's `locale` (French by default); True when the relay took it."""
    config = current_app.config
    if not configured():
        log.warning("user e-mail (%s) to %s not sent: no mail relay (SMTP_URL) configured", purpose, user.email)
        return False
    subject, body = compose(purpose=purpose, name=user.name, link=link, locale=user.locale)
    message = EmailMessage()
    message["From"] = config.get("MAIL_SENDER", "tournee@localhost")
    message["To"] = user.email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="tournee")
    message.set_content(body)
    try:
        relay = parse_smtp_url(config["SMTP_URL"])
        timeout = config.get("DELIVERY_TIMEOUT_S", 10)
        context = None if relay.scheme == "smtp" else ssl.create_default_context()
        smtp = (smtplib.SMTP_SSL(relay.host, relay.port, timeout=timeout, context=context) if relay.scheme == "smtps"
                else smtplib.SMTP(relay.host, relay.port, timeout=timeout))
        with smtp:
            if relay.scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if relay.username:
                smtp.login(relay.username, relay.password or "")
            smtp.send_message(message)
        return True
    except (ValueError, smtplib.SMTPException, OSError) as exc:
        log.warning("user e-mail (%s) to %s not sent: %s", purpose, user.email, exc)
        return False

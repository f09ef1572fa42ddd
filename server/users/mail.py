"""E-mails to users (invitation, password reset) through the relay of `SMTP_URL`.

The same relay and URL forms as quote e-mails (sync/channels/email.py). Sending
never fails the request that caused it: a refused or unreachable relay is logged,
and the person asks again (reset) or the admin sends the invitation again.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from sync.channels.email import parse_smtp_url

log = logging.getLogger(__name__)

TEXTS = {
    ("invitation", "fr"): ("Votre compte Tournée",
                           "Bonjour {name},\n\nUn compte Tournée vous a été créé. Choisissez votre mot de passe "
                           "avec ce lien (valable 7 jours, une seule fois) :\n\n{link}\n"),
    ("invitation", "en"): ("Your Tournée account",
                           "Hello {name},\n\nA Tournée account was created for you. Choose your password with "
                           "this link (valid 7 days, once):\n\n{link}\n"),
    ("reset", "fr"): ("Nouveau mot de passe Tournée",
                      "Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure, "
                      "une seule fois) :\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message.\n"),
    ("reset", "en"): ("New Tournée password",
                      "Hello {name},\n\nTo choose a new password, open this link (valid 1 hour, once):\n\n"
                      "{link}\n\nIf you did not ask for it, ignore this message.\n"),
}


def send_link(*, user, purpose: str, link: str) -> bool:
    """Send the invitation or reset e-mail in the user's language; True when the relay took it."""
    config = current_app.config
    subject, body = TEXTS[(purpose, user.locale if user.locale in ("fr", "en") else "fr")]
    message = EmailMessage()
    message["From"] = config.get("MAIL_SENDER", "tournee@localhost")
    message["To"] = user.email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="tournee")
    message.set_content(body.format(name=user.name, link=link))
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

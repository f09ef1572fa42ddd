"""E-mail channel against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import json

import pytest
from receivers import (  # noqa: F401 (fixtures)
    Authenticator,
    client_tls_context,
    free_port,
    self_signed_cert,
    server_tls_context,
    smtp_receiver,
)

from sync.channels.email import SmtpRelay, message_id_for, parse_smtp_url, send

PAYLOAD = {
    "id": "0b7e6f1c-3d1a-4c61-9d2e-5f0a8e2b4c11",
    "product_line": "Compresseurs",
    "urgency": "urgent",
    "items": [{"label": "Compresseur à vis", "quantity": 2, "unit": "pièce"}],
    "account": {"name": "Société Aéro-Maintenance", "city": "Toulouse"},
}
SUBJECT = "[Tournée] Demande de devis URGENTE — Société Aéro-Maintenance — Compresseurs"
TEXT = "Demande de devis URGENTE\n\nClient : Société Aéro-Maintenance\n"


def mail(smtp_url: str, msg_id: str = "msg_quote_1", **kwargs):
    return send(
        smtp_url=smtp_url, sender="tournee@example.fr", to=kwargs.pop("to", "devis@example.fr"),
        msg_id=msg_id, subject=SUBJECT, text=TEXT, attachment_name="devis-0b7e6f1c.json",
        attachment=PAYLOAD, **kwargs,
    )


def test_sends_readable_text_with_the_payload_as_json(smtp_receiver):
    server = smtp_receiver()

    result = mail(server.url())

    assert result.ok and result.status_code == 250 and result.error is None
    [(mail_from, rcpt_tos, _)] = server.handler.envelopes
    assert (mail_from, rcpt_tos) == ("tournee@example.fr", ["devis@example.fr"])
    [message] = server.handler.messages
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == "<msg_quote_1@example.fr>"
    assert message["X-Tournee-Delivery-Id"] == "msg_quote_1"
    assert message.get_body(("plain",)).get_content() == TEXT
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "application/json"
    assert attachment.get_filename() == "devis-0b7e6f1c.json"
    assert json.loads(attachment.get_content()) == PAYLOAD


def test_sends_to_several_recipients(smtp_receiver):
    server = smtp_receiver()

    assert mail(server.url(), to=["a@example.fr", "b@example.fr"]).ok
    [(_, rcpt_tos, _)] = server.handler.envelopes
    assert rcpt_tos == ["a@example.fr", "b@example.fr"]


def test_4xx_is_retryable_and_the_retry_keeps_the_message_id(smtp_receiver):
    server = smtp_receiver("451 4.3.0 Mailbox busy, try again later")

    first = mail(server.url(), msg_id="msg_retry")
    second = mail(server.url(), msg_id="msg_retry")

    assert not first.ok and first.retryable and first.status_code == 451
    assert "Mailbox busy" in first.error
    assert second.ok
    [message] = server.handler.messages
    assert message["Message-ID"] == message_id_for("msg_retry", "tournee@example.fr")


def test_5xx_is_permanent(smtp_receiver):
    server = smtp_receiver("550 5.7.1 Message rejected as spam")

    result = mail(server.url())

    assert not result.ok and result.permanent and result.status_code == 550
    assert result.reason == "mail_relay_refused"  # the code people are shown in words
    assert not server.handler.envelopes


@pytest.mark.parametrize(("smtp_url", "reason"), [("", "mail_relay_not_configured"),
                                                  ("localhost:25", "mail_relay_invalid")])
def test_no_relay_is_a_reason_of_its_own_not_a_parse_error(smtp_url, reason):
    """`make run` sets SMTP_URL="": that is no relay at all, not an "unsupported scheme ''"."""
    from sync.channels.reasons import relay_problem

    result = mail(smtp_url)

    assert (result.ok, result.permanent, result.reason) == (False, True, reason)
    assert relay_problem(smtp_url) == reason and relay_problem("smtp://127.0.0.1:25") is None


def test_connection_refused_is_retryable():
    result = mail(f"smtp://127.0.0.1:{free_port()}")

    assert result.retryable and result.status_code is None
    assert result.error.startswith("connection failed") and result.reason == "mail_relay_unreachable"


def test_starttls_with_login(smtp_receiver, self_signed_cert):
    cert, key = self_signed_cert
    server = smtp_receiver(
        tls_context=server_tls_context(cert, key), require_starttls=True,
        authenticator=Authenticator("devis bot", "p@ss:word"), auth_required=True,
    )
    url = server.url("smtp+starttls", userinfo="devis%20bot:p%40ss%3Aword", host="localhost")

    result = mail(url, ssl_context=client_tls_context(cert))

    assert result.ok, result.error
    assert len(server.handler.envelopes) == 1


def test_wrong_password_is_permanent(smtp_receiver, self_signed_cert):
    cert, key = self_signed_cert
    server = smtp_receiver(
        tls_context=server_tls_context(cert, key), require_starttls=True,
        authenticator=Authenticator("bot", "right"), auth_required=True,
    )

    result = mail(server.url("smtp+starttls", "bot:wrong", "localhost"), ssl_context=client_tls_context(cert))

    assert result.permanent and result.status_code == 535
    assert not server.handler.envelopes


def test_implicit_tls(smtp_receiver, self_signed_cert):
    cert, key = self_signed_cert
    server = smtp_receiver(ssl_context=server_tls_context(cert, key))

    result = mail(server.url("smtps", host="localhost"), ssl_context=client_tls_context(cert))

    assert result.ok, result.error
    assert len(server.handler.envelopes) == 1


def test_untrusted_certificate_is_a_failure_not_an_exception(smtp_receiver, self_signed_cert):
    server = smtp_receiver(ssl_context=server_tls_context(*self_signed_cert))

    result = mail(server.url("smtps", host="localhost"))

    assert not result.ok and result.status_code is None
    assert not server.handler.envelopes


def test_starttls_required_but_not_offered_is_permanent(smtp_receiver):
    server = smtp_receiver()

    result = mail(server.url("smtp+starttls"))

    assert result.permanent and "STARTTLS" in result.error
    assert not server.handler.envelopes


@pytest.mark.parametrize(("url", "relay"), [
    ("smtp://mail.local", SmtpRelay("smtp", "mail.local", 25)),
    ("smtp+starttls://u:p@mail.example.fr", SmtpRelay("smtp+starttls", "mail.example.fr", 587, "u", "p")),
    ("smtps://devis%40example.fr:s%3Acr%C3%A9t@smtp.example.fr:2465",
     SmtpRelay("smtps", "smtp.example.fr", 2465, "devis@example.fr", "s:crét")),
])
def test_parse_smtp_url(url, relay):
    assert parse_smtp_url(url) == relay


@pytest.mark.parametrize("url", ["http://mail.local", "smtp://", "smtp://host:port"])
def test_unusable_smtp_url_is_permanent(url):
    with pytest.raises(ValueError):
        parse_smtp_url(url)
    assert mail(url).permanent


def test_message_id_is_stable_and_well_formed():
    assert message_id_for("msg_1", "Tournée <tournee@example.fr>") == "<msg_1@example.fr>"
    assert message_id_for("a b@c", "no-domain") == "<a-b-c@tournee.invalid>"

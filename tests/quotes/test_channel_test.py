"""POST /api/admin/technical-teams/{id}/test: a signed test delivery and what came back."""
from __future__ import annotations

import pytest

from sync.channels.webhook import verify
from tests.channels.receivers import Reply, http_receiver, smtp_receiver  # noqa: F401 (fixtures)
from tests.factories import make_tech_team, make_user, token_headers


def test_a_webhook_team_gets_a_signed_test_delivery(app, client, session, http_receiver):
    team = make_tech_team(session, channel="webhook", webhook_url=http_receiver.url,
                          webhook_secret="whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    admin = make_user(session, "admin")
    session.commit()
    response = client.post(f"/api/admin/technical-teams/{team.id}/test", headers=token_headers(app, admin))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"ok": True, "channel": "webhook", "status_code": 200, "error": None, "reason": None,
                                   "detail": None}
    (received,) = http_receiver.requests
    headers = {k.lower(): v for k, v in received.headers}
    assert headers["webhook-id"].startswith("test-")
    verify(team.webhook_secret, headers, received.body)  # raises when the signature is wrong


def test_the_receivers_answer_is_shown(app, client, session, http_receiver):
    http_receiver.reply(Reply(status=503, body=b"down for maintenance"))
    team = make_tech_team(session, channel="webhook", webhook_url=http_receiver.url, webhook_secret="s3cret-s3cret")
    admin = make_user(session, "admin")
    session.commit()
    body = client.post(f"/api/admin/technical-teams/{team.id}/test", headers=token_headers(app, admin)).get_json()
    assert body["ok"] is False and body["status_code"] == 503 and body["error"]


def test_only_admins_test_channels(app, client, session):
    team = make_tech_team(session)
    manager = make_user(session, "manager")
    session.commit()
    response = client.post(f"/api/admin/technical-teams/{team.id}/test", headers=token_headers(app, manager))
    assert response.status_code == 404


@pytest.mark.parametrize(("locale", "subject", "opening"), [
    ("fr", "Tournée : test de livraison", "Message de test : les demandes de devis"),
    ("en", "Tournée: delivery test", "Test message: Tournée's quote requests"),
    (None, "Tournée : test de livraison", "Message de test : les demandes de devis"),  # French by default
])
def test_the_test_email_is_in_the_language_of_the_admin_who_asked(app, client, session, smtp_receiver, locale,
                                                                   subject, opening):
    receiver = smtp_receiver()
    app.config["SMTP_URL"] = receiver.url()
    team = make_tech_team(session, channel="email", email="devis@atelier.example")
    admin = make_user(session, "admin")
    admin.locale = locale
    session.commit()
    # The page's language (Accept-Language) is not the e-mail's: the admin's own is.
    response = client.post(f"/api/admin/technical-teams/{team.id}/test",
                           headers={**token_headers(app, admin), "Accept-Language": "de, en;q=0.1" if locale == "fr"
                                    else "fr"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ok"] is True
    (message,) = receiver.handler.messages
    assert message["Subject"] == subject
    assert message.get_body(("plain",)).get_content().startswith(opening)

"""Helpers of the quote specs: teams, online submission, a dispatcher pass, fresh reads."""
from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.quotes.models import QuoteRequest
from sync.delivery import Settings
from sync.dispatch import dispatch_once
from sync.models import OutboxEvent
from tests.factories import make_tech_team, make_user

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
# Short timeouts so that a receiver that hangs costs a fraction of a second; the
# receivers listen on 127.0.0.1, which webhooks may reach only because it is listed.
FAST = Settings(timeout_s=0.5, lease_s=60, smtp_url="smtp://127.0.0.1:1", mail_sender="tournee@test.example",
                allowed_hosts="127.0.0.1")


def webhook_team(session, url: str, **fields):
    fields.setdefault("is_default", True)
    team = make_tech_team(session, channel="webhook", webhook_url=url, webhook_secret=SECRET, **fields)
    session.commit()
    return team


def backoffice_of(session, team):
    user = make_user(session, "backoffice", tech_teams=[team])
    session.commit()
    return user


def submit(client, headers, account, contact=None, **fields) -> str:
    """Create a quote request online (POST /api/quotes, through the sync engine); its id."""
    body = {"account_id": account.id, "product_line": "maintenance",
            "items": [{"label": "Révision moteur", "quantity": 2, "unit": "u"}], **fields}
    if contact is not None:
        body["contact_id"] = contact.id
    response = client.post("/api/quotes", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def dispatch(**kwargs):
    kwargs.setdefault("settings", FAST)
    return dispatch_once(session=db.session, dispatcher_id=kwargs.pop("dispatcher_id", "test"), **kwargs)


def quote(quote_id: str) -> QuoteRequest:
    db.session.expire_all()
    return db.session.get(QuoteRequest, quote_id)


def event_of(quote_id: str) -> OutboxEvent:
    db.session.expire_all()
    return db.session.scalars(select(OutboxEvent).where(OutboxEvent.quote_id == quote_id)).one()


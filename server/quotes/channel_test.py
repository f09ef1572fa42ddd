"""`POST /api/admin/technical-teams/{id}/test` (admin): send the team a test delivery
through its channel and answer what came back, so a set-up is checked before the
first real quote request.

A webhook gets a Standard Webhooks delivery signed like the real ones (type
`quote_request.test`, a `webhook-id` starting with `test-`); an e-mail team gets a
test message; an inbox team needs no delivery. The test e-mail is written in the language of the admin
who asked (`user.locale`, as invitations are in their recipient's), French by default. Answer: `{"ok", "channel",
"status_code", "error", "reason", "detail"}` — the receiver's status (HTTP or SMTP reply)
and, when it failed, the reason as a code (`reason`, sync/channels/reasons.py) and in the
admin's words (`error`), with the channel's technical detail (`detail`, English: an admin's
screen only). With no mail relay set, an e-mail team's test is not even tried. Nothing is
stored: a test is not a quote request.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import current_app
from flask_babel import force_locale, gettext
from flask_smorest import Blueprint

from server.actor import current_actor
from server.errors import NotFound
from server.extensions import db
from server.quotes import reasons
from server.i18n import DEFAULT, LANGUAGES
from server.quotes.models import TechnicalTeam
from server.users.models import User
from sync.channels import DeliveryResult
from sync.channels.reasons import UNEXPECTED, relay_problem

blp = Blueprint("channel_test", __name__, url_prefix="/api/admin", description="Technical teams: test a channel")


@blp.post("/technical-teams/<string:team_id>/test")
@blp.response(200)
def test_channel(team_id):
    """Send a signed test delivery to the team's webhook (or a test e-mail); answer the outcome."""
    team = db.session.get(TechnicalTeam, team_id) if current_actor().role == "admin" else None
    if team is None:
        raise NotFound(f"No technical team {team_id}.")
    timeout_s = float(current_app.config.get("DISPATCH_TIMEOUT_S", 10))
    msg_id = f"test-{uuid.uuid4()}"
    data = {"test": True, "team": {"id": team.id, "name": team.name}}
    if team.channel == "webhook":
        from sync.channels import outbound
        from sync.channels.webhook import deliver
        # The same outbound rules as real deliveries (OUTBOUND_ALLOWED_HOSTS; docs/security.md).
        result = deliver(url=team.webhook_url or "", secret=team.webhook_secret or "", msg_id=msg_id,
                         event_type="quote_request.test", data=data, timestamp=datetime.now(UTC),
                         timeout_s=timeout_s,
                         allowed=outbound.parse_allowed(current_app.config["OUTBOUND_ALLOWED_HOSTS"]))
    elif team.channel == "email" and (problem := relay_problem(current_app.config.get("SMTP_URL"))):
        result = DeliveryResult(ok=False, permanent=True, reason=problem, error="no mail relay (SMTP_URL) to try")
    elif team.channel == "email":
        from sync.channels.email import send
        subject, text = _test_words(db.session.get(User, current_actor().id))
        result = send(smtp_url=current_app.config["SMTP_URL"], sender=current_app.config["MAIL_SENDER"],
                      to=team.email or "", msg_id=msg_id, subject=subject, text=text,
                      attachment_name="test.json", attachment=data, timeout_s=timeout_s)
    else:
        return {"ok": True, "channel": team.channel, "status_code": None, "error": None, "reason": None,
                "detail": None}
    reason = None if result.ok else (result.reason or UNEXPECTED)
    return {"ok": result.ok, "channel": team.channel, "status_code": result.status_code,
            "error": reasons.text(reason, result.status_code), "reason": reason, "detail": result.error}


def _test_words(asker: User | None) -> tuple[str, str]:
    """(subject, plain-text body) of the test e-mail, in `asker`'s language (French by default)."""
    locale = asker.locale if asker is not None and asker.locale in LANGUAGES else DEFAULT
    with force_locale(locale):
        return (gettext("Tournée: delivery test"),
                gettext("Test message: Tournée's quote requests will arrive at this address."))

"""One delivery of a quote request: what is sent (the job) and through which channel.

A `Job` is built inside the dispatcher's claim transaction (sync/dispatch.py, D1)
from plain values only, so that the delivery itself (D2) runs with no database
transaction open. The webhook body's `data` is the quote request as the API
represents it, with its `account`, `contact`, `rep`, `team` and attachments nested.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account, Contact
from server.quotes.models import Attachment, QuoteRequest, TechnicalTeam
from server.users.models import User
from sync import registry
from sync.channels import DeliveryResult, email, outbound, reasons, webhook
from sync.channels.text import render_quote_subject, render_quote_text
from sync.models import OutboxEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """How the dispatcher delivers; the CLI fills it from server/config.py."""

    smtp_url: str = "smtp://127.0.0.1:25"
    mail_sender: str = "tournee@localhost"
    timeout_s: float = 10.0  # API.md: no answer within 10 s is a failure
    lease_s: float = 60.0  # API.md: a dead dispatcher's claim is taken up within 60 s
    batch: int = 16
    # Internal hosts webhooks may reach on purpose (OUTBOUND_ALLOWED_HOSTS; sync/channels/outbound.py).
    allowed_hosts: str = ""


@dataclass(frozen=True)
class Job:
    event_id: str
    webhook_id: str
    kind: str
    quote_id: str
    occurred_at: datetime
    team_id: str
    channel: str
    url: str | None
    secret: str | None
    email: str | None
    payload: dict[str, Any]
    # Set when the delivery cannot even be tried (endpoint disabled, settings missing).
    blocked: DeliveryResult | None = None
    # The note of the quote's history when delivered ("delivered by email"); another when the
    # delivery went another way than the team's channel (sync/dispatch.py: no mail relay).
    note: str | None = None


def quote_payload(session: Session, quote: QuoteRequest, account: Account, team: TechnicalTeam) -> dict[str, Any]:
    """The quote request as the API represents it, with what the technical service needs nested."""
    data = registry.get("quote_request").dump(quote)
    data["account"] = registry.get("account").dump(account)
    contact = session.get(Contact, quote.contact_id) if quote.contact_id else None
    data["contact"] = registry.get("contact").dump(contact) if contact else None
    rep = session.get(User, quote.rep_id)
    data["rep"] = {"id": rep.id, "name": rep.name, "email": rep.email} if rep else None
    data["team"] = {"id": team.id, "name": team.name}
    ids = list(quote.attachment_ids or [])
    found = {a.id: a for a in session.scalars(select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
    data["attachments"] = [{"id": a.id, "sha256": a.sha256, "content_type": a.content_type, "size": a.size,
                            "filename": a.filename} for a in (found.get(i) for i in ids) if a]
    return data


def _blocked(team: TechnicalTeam) -> DeliveryResult | None:
    if team.disabled_at is not None:
        return DeliveryResult(ok=False, permanent=True, reason=reasons.ENDPOINT_DISABLED, error=_short(
            f"the endpoint of team {team.name!r} is disabled since {team.disabled_at:%Y-%m-%d %H:%M} UTC "
            f"({team.disabled_reason or 'by an admin'}); re-enable it, then retry the delivery"))
    if team.channel == "webhook" and not (team.webhook_url and team.webhook_secret):
        return DeliveryResult(ok=False, permanent=True, reason=reasons.DESTINATION_MISSING,
                              error=f"team {team.name!r} has no webhook URL or secret")
    if team.channel == "email" and not team.email:
        return DeliveryResult(ok=False, permanent=True, reason=reasons.DESTINATION_MISSING,
                              error=f"team {team.name!r} has no e-mail address")
    return None


def make_job(session: Session, event: OutboxEvent, quote: QuoteRequest, account: Account,
             team: TechnicalTeam, *, channel: str | None = None, note: str | None = None) -> Job:
    """What to send `team`; `channel` overrides the team's own (the inbox, when no mail relay
    is configured and the team has members), with the history's `note` saying so."""
    channel = channel or team.channel
    return Job(event_id=event.id, webhook_id=event.webhook_id, kind=event.kind, quote_id=quote.id,
               occurred_at=event.created_at or datetime.now(UTC), team_id=team.id, channel=channel,
               url=team.webhook_url, secret=team.webhook_secret, email=team.email,
               payload=quote_payload(session, quote, account, team),
               blocked=_blocked(team) if channel == team.channel else None,
               note=note or f"delivered by {channel}")


def send(job: Job, settings: Settings, client: httpx.Client | None = None) -> DeliveryResult:
    """One attempt through the team's channel; never raises (a bug reports as a failed attempt)."""
    if job.blocked is not None:
        return job.blocked
    try:
        if job.channel == "inbox":  # the back office reads it in Tournée: routing is the delivery
            return DeliveryResult(ok=True)
        if job.channel == "webhook":
            return webhook.deliver(url=job.url, secret=job.secret, msg_id=job.webhook_id, event_type=job.kind,
                                   data=job.payload, timestamp=job.occurred_at, client=client,
                                   timeout_s=settings.timeout_s,
                                   allowed=outbound.parse_allowed(settings.allowed_hosts))
        if job.channel == "email":
            body = {"type": job.kind, "timestamp": job.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                    "data": job.payload}
            return email.send(smtp_url=settings.smtp_url, sender=settings.mail_sender, to=job.email,
                              msg_id=job.webhook_id, subject=render_quote_subject(job.payload),
                              text=render_quote_text(job.payload), attachment_name=f"quote-request-{job.quote_id}.json",
                              attachment=body, timeout_s=settings.timeout_s)
        return DeliveryResult(ok=False, permanent=True, error=f"unknown channel {job.channel!r}",
                              reason=reasons.UNEXPECTED)
    except Exception as exc:  # noqa: BLE001 — one broken delivery must not stop the dispatcher
        log.exception("delivery of %s failed unexpectedly", job.webhook_id)
        return DeliveryResult(ok=False, error=f"delivery failed ({type(exc).__name__})", reason=reasons.UNEXPECTED)


def _short(text: str) -> str:
    return text if len(text) <= 300 else text[:299] + "…"

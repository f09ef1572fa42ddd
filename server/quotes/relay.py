"""What becomes of a quote request routed to an e-mail team while no mail relay lets e-mails
leave (SMTP_URL empty or unreadable, as `make run` leaves it): a rule of the quotes', which the
dispatcher asks before sending (sync/dispatch.py D7).

- The team has members: the quote reaches them through the inbox (they read it in Tournée).
- It has none: nobody can receive it; the quote waits, pending with the relay's reason, and is
  routed afresh later (a relay set, a member added, another channel). Nothing is sent.
"""
from __future__ import annotations

from dataclasses import dataclass

from server.quotes.models import TechnicalTeam

INBOX_NOTE = "delivered by inbox: no mail relay is configured"


@dataclass(frozen=True)
class WithoutRelay:
    """`channel` "inbox": deliver to the team's members, the history saying `note`; `channel`
    None: the quote waits, `error` saying why (the outbox event's detail, for the admins)."""
    channel: str | None
    note: str | None = None
    error: str | None = None


def without_relay(team: TechnicalTeam, relay: str | None) -> WithoutRelay | None:
    """None when the team's own channel is to be tried: a relay is set (`relay` None, the code
    of sync.channels.reasons.relay_problem otherwise), or the team does not send e-mail (another
    channel, no address, disabled: the channel's own failure then). Else what the quote becomes."""
    if not relay or team.channel != "email" or not team.email or team.disabled_at is not None:
        return None
    if team.members:
        return WithoutRelay(channel="inbox", note=INBOX_NOTE)
    return WithoutRelay(channel=None,
                        error=f"team {team.name!r} uses e-mail, no mail relay (SMTP_URL) is set, and it has no member")

"""Delivery channels of the quote dispatcher: what one delivery attempt returned.

Each channel (``webhook``, ``email``) makes a single attempt and reports it as a
:class:`DeliveryResult`; it never raises for network trouble. Deciding *when* to try
again is the dispatcher's job (with :mod:`sync.backoff`), so a result only says
whether the attempt worked and whether trying again could help.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DeliveryResult"]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """Outcome of one delivery attempt.

    ``status_code`` is the HTTP status for webhooks and the SMTP reply code for
    e-mail, or ``None`` when no answer came (timeout, connection refused).
    ``retry_after_s`` is the receiver's ``Retry-After`` in seconds, if it sent one.
    ``disable_endpoint`` is set on HTTP 410 Gone: the Standard Webhooks spec asks the
    sender to stop calling that endpoint. ``permanent`` means that trying again with
    the same settings cannot help; the dispatcher may stop at once.
    ``error`` is a short technical detail in English, for logs and admins; it may also
    be set on success as a warning (e.g. some e-mail recipients refused while others
    accepted). ``reason`` is the stable code people are shown instead, in their words
    (:mod:`sync.channels.reasons`; the texts are the server's, server/quotes/reasons.py).
    """

    ok: bool
    status_code: int | None = None
    retry_after_s: float | None = None
    disable_endpoint: bool = False
    error: str | None = None
    permanent: bool = False
    reason: str | None = None

    @property
    def retryable(self) -> bool:
        """True when the attempt failed and another attempt might succeed."""
        return not self.ok and not self.permanent

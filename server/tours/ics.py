"""The rep's agenda as an iCalendar feed that Google, Outlook and Apple calendars subscribe to.

`GET /api/reps/{rep_id}/agenda.ics?token=…` is public (server/gate.py) and guarded by
the rep's own secret `ics_token` instead of a bearer token; a wrong or missing token
answers 404, like an unknown rep. The feed holds the rep's appointments (booked and
done) and the visits of its kept tour plans, from a week back to `WEEKS_AHEAD` ahead.
The token's storage, revocation and rotation (`POST /api/reps/{rep_id}/ics-token`)
are server/tours/ics_tokens.py's.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.models import Appointment
from server.db import utcnow
from server.tours import ics_tokens
from server.tours.context import day_bounds
from server.tours.service import kept_plans

WEEKS_AHEAD = 4
DAYS_BACK = 7


def feed(*, session: Session, rep_id: str, token: str | None, now: datetime | None = None) -> bytes:
    rep = ics_tokens.rep_for_feed(session, rep_id=rep_id, token=token)
    now = now or utcnow()
    from server.tours.context import Rep
    snapshot = Rep.of(session, rep)
    today = now.astimezone(snapshot.tz).date()
    first, last = today - timedelta(days=DAYS_BACK), today + timedelta(weeks=WEEKS_AHEAD)
    start, end = day_bounds(first, snapshot.tz)[0], day_bounds(last, snapshot.tz)[1]
    tz = snapshot.tz
    cal = Calendar()
    cal.add("prodid", "-//Tournée//agenda//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")  # a subscription feed (RFC 5546 §3.2.1), not an invitation
    cal.add("x-wr-calname", f"Tournée — {rep.name}")
    cal.add("x-wr-timezone", str(tz))
    rows = session.execute(
        select(Appointment, Account.name, Account.address, Account.city)
        .join(Account, Account.id == Appointment.account_id)
        .where(Appointment.rep_id == rep.id, Appointment.start >= start, Appointment.start < end)
        .order_by(Appointment.start))
    for a, name, address, city in rows:
        event = _event(f"appointment-{a.id}@tournee", f"RDV · {name}", a.start, a.end, now, tz,
                       sequence=a.version, modified=a.updated_at,
                       location=", ".join(p for p in (address, city) if p), description=a.purpose)
        event.add("status", "CANCELLED" if a.status == "cancelled" else "CONFIRMED")
        event.add("categories", ["appointment"])
        cal.add_component(event)
    for plan in kept_plans(session, rep.id, first, last):
        for stop in (plan.plan or {}).get("stops", []):
            if stop.get("kind") == "appointment":
                continue  # listed above, from the appointment itself
            event = _event(f"stop-{plan.rep_id}-{plan.date.isoformat()}-{stop['account_id']}@tournee",
                           f"Visite · {stop.get('name') or ''}".strip(), datetime.fromisoformat(stop["arrive"]),
                           datetime.fromisoformat(stop["depart"]), now, tz, sequence=plan.version,
                           modified=plan.updated_at,
                           description=f"Tournée planifiée ({stop.get('kind')}, segment {stop.get('segment')})")
            event.add("status", "TENTATIVE")
            event.add("categories", ["tour"])
            cal.add_component(event)
    # One VTIMEZONE per TZID used (RFC 5545 §3.6.5): without it clients read floating times.
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(uid: str, summary: str, start: datetime, end: datetime, now: datetime, tz, *, sequence: int,
           modified: datetime | None, location: str | None = None, description: str | None = None) -> Event:
    """A VEVENT in the rep's IANA zone (`DTSTART;TZID=Europe/Paris:…`), so a stop keeps its
    wall-clock time across a DST change. `SEQUENCE` is the record's version (it only grows,
    so a calendar sees a moved event as a newer one) and `LAST-MODIFIED` its last change."""
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", int(sequence or 0))
    if modified is not None:
        event.add("last-modified", modified.astimezone(UTC))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    return event


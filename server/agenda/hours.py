"""A rep's working hours: appointments fall inside them (and not on a holiday or an absence)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.agenda.workdays import load_calendar
from server.errors import Overlap
from server.users.models import User


def check_within_working_hours(session: Session, *, rep_id: str, start: datetime, end: datetime) -> None:
    """Raise `Overlap` (409) unless [start, end) lies inside one worked day's hours of the rep:
    not on a day off, a public holiday of its team or an absence (server/agenda/workdays.py)."""
    rep = session.get(User, rep_id)
    if rep is None:
        return
    tz = ZoneInfo(rep.timezone or "Europe/Paris")
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    calendar = load_calendar(session, rep)
    off = calendar.off(local_start.date())
    span = calendar.span(local_start.date())
    inside = (span is not None and local_start.date() == local_end.date()
              and local_start.strftime("%H:%M") >= span[0] and local_end.strftime("%H:%M") <= span[1])
    if not inside:
        why = {"holiday": "The rep does not work that day (public holiday).",
               "absence": "The rep is absent that day."}.get(off.kind if off else "", "Outside working hours.")
        raise Overlap("The appointment falls outside the rep's working hours.", errors={"start": [why]})

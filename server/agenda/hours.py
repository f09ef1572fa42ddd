"""A rep's working hours: appointments fall inside them."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.errors import Overlap
from server.users.models import User

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_hours(user: User, day) -> tuple[str, str] | None:
    """("08:30", "18:00") for that weekday, or None when the rep does not work then.
    A rep without hours set is taken to work Monday to Friday, 08:00–19:00."""
    hours = user.working_hours or {"mon": ["08:00", "19:00"], "tue": ["08:00", "19:00"], "wed": ["08:00", "19:00"],
                                   "thu": ["08:00", "19:00"], "fri": ["08:00", "19:00"]}
    span = hours.get(DAYS[day.weekday()])
    return (span[0], span[1]) if span else None


def check_within_working_hours(session: Session, *, rep_id: str, start: datetime, end: datetime) -> None:
    rep = session.get(User, rep_id)
    if rep is None:
        return
    tz = ZoneInfo(rep.timezone or "Europe/Paris")
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    span = day_hours(rep, local_start.date())
    inside = (span is not None and local_start.date() == local_end.date()
              and local_start.strftime("%H:%M") >= span[0] and local_end.strftime("%H:%M") <= span[1])
    if not inside:
        raise Overlap("The appointment falls outside the rep's working hours.",
                      errors={"start": ["Outside working hours."]})

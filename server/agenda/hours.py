"""A rep's working hours: appointments fall inside them (and not on a holiday or an absence)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.agenda.workdays import holiday_name, load_calendar
from server.errors import OutsideHours
from server.i18n import language
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
    if inside:
        return
    # The reason in the caller's words (the desk shows it as it is): which kind of day off,
    # and the holiday's name in the reader's language.
    day = local_start.date()
    if off is not None and off.kind == "holiday":
        name = holiday_name(calendar.holidays_code, day, language()) or off.name
        why = f"The rep does not work that day: public holiday ({name})."
    elif off is not None and off.kind == "absence":
        why = "The rep is absent that day."
    elif off is not None:
        why = "The rep does not work on that day of the week."
    elif day != local_end.date():
        why = "The appointment must end on the day it starts."
    else:
        why = f"Outside the rep's working hours that day ({span[0]}–{span[1]})."
    raise OutsideHours("The appointment falls outside the rep's working hours.", errors={"start": [why]})

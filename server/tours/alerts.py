"""The tour's warnings as records a screen can act on (`alerts`), beside their plain words.

`warnings` stays a list of English phrases: tablets running an older app read those, and
the agenda's absence clashes end with the appointment's id (server/agenda/clashes.py).
`alerts` says the same with a `code` and the records concerned, so a screen names the
account and the time instead of parsing text:

- `absence_clash`: an appointment booked on a day of the rep's absence, to be moved;
- `late_for_appointment`: an appointment the rep cannot reach at its booked start;
- `back_after_hours`: the appointments keep the rep out past the end of the working day;
- `no_lunch`: no room for the lunch break between the appointments.

Each alert: `{"code", "appointment_id", "account_id", "name", "start", "end"}` (the last
five null when no appointment is concerned; `start`/`end` its booked times, ISO 8601).
"""
from __future__ import annotations

from typing import Any

from server.agenda.clashes import WARNING as ABSENCE_CLASH

REACH = "cannot reach appointment "
CODES = {"back at home base after the end of the working day": "back_after_hours",
         "no room for the lunch break between the appointments": "no_lunch"}


def alerts(warnings: list[str], appointments: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """`warnings` (planner and absence phrases) as alert records; `appointments` maps an
    appointment id to `{"account_id", "name", "start", "end"}`. A phrase not known here
    keeps its words as its code, so nothing said is lost."""
    out = []
    for warning in warnings:
        appointment_id = None
        if warning.startswith(ABSENCE_CLASH):
            code, appointment_id = "absence_clash", warning[len(ABSENCE_CLASH):]
        elif warning.startswith(REACH):
            code, appointment_id = "late_for_appointment", warning[len(REACH):].removesuffix(" in time")
        else:
            code = CODES.get(warning, warning)
        booked = appointments.get(appointment_id or "", {})
        out.append({"code": code, "appointment_id": appointment_id, "account_id": booked.get("account_id"),
                    "name": booked.get("name"), "start": booked.get("start"), "end": booked.get("end")})
    return out

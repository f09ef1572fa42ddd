"""Can the rep be there in time? The booking screen's warning before an appointment is booked.

A telemarketer may type any free time: the server refuses overlaps and times outside working
hours, but not a visit the rep cannot drive to from the appointment before it (or from home
base at the start of the day), nor one that makes the rep late for the next. The tour planner
keeps such an appointment, late (server/tours/planner.py → _around_appointments); this says so
*before* booking, with the same drives (the planner's travel model, OSRM or straight lines ×
road factor) and the same rule: driving through the day's appointments in time order, from
home base at the start of the working day, back there by its end, with room for lunch. A
warning only: the booking stays the booker's call.

`GET /api/reps/{rep_id}/reach?account_id=&start=&end=[&moving=]` (whoever may book for the rep: its
team's telemarketers and manager, an admin, the rep) → `{"reachable", "arrive", "late_min",
"from", "next", "day_end", "lunch", "within_hours", "hours", "overlap"}`:

- `arrive`: the earliest the rep can start the visit (ISO 8601, the rep's offset); `late_min`
  the whole minutes after `start` that is (0: in time);
- `from`: the appointment the rep comes from, `{"appointment_id", "account_id", "name",
  "end", "drive_min"}`, or null when the rep comes from home base;
- `next`: the day's next appointment, `{"appointment_id", "account_id", "name", "start",
  "drive_min", "late_min"}` with the minutes late the new booking would make the rep there
  (lateness it had already is not counted), or null;
- `day_end`: `{"end", "back", "over_min"}` when the visit brings the rep back at home base
  after the end of the working hours (`end`; `back` when, `over_min` the whole minutes of
  overtime the visit adds), else null;
- `lunch`: false when the visit leaves no room for the lunch break (the rep's `lunch` rule:
  its length within its window, on a leg between visits) that the day had without it;
- `within_hours`: false when the visit does not lie within that day's working hours,
  `hours` (`["HH:MM", "HH:MM"]`, null on a day off): the booking would be refused (409);
- `overlap`: `{"appointment_id", "name", "start", "end"}`, the first (in time order) other
  booked appointment of the rep that day that [start, end) overlaps (the booking's own check,
  server/agenda/entity.py: the booking would be refused, 409), else null;
- `reachable`: within the hours, overlapping nothing, neither is late, nor past the day's end
  (`lunch` warns on its own). A day not worked answers reachable (the day-off warning and the booking's
  refusal say why); 404 for a rep or account out of reach, 422 for bad times.

`moving`, the id of an appointment being moved to `start`: it is left out of the day, so the
visit is measured against the others only (the booking screen's "Déplacer").
"""
from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from server.actor import current_actor
from server.errors import Invalid
from server.extensions import db

blp = Blueprint("reach", __name__, url_prefix="/api", description="Whether the rep can reach a visit in time")


class ReachArgs(Schema):
    account_id = fields.String(required=True)
    start = fields.String(required=True)
    end = fields.String(required=True)
    # The appointment being moved: left out of the day, so the visit is not measured against its old self.
    moving = fields.String(load_default=None)


@blp.route("/reps/<string:rep_id>/reach", methods=["GET"])
@blp.arguments(ReachArgs, location="query")
@blp.response(200)
def get_reach(args, rep_id):
    """Whether the rep can be at the account at `start` from its neighbouring appointments of the day."""
    return reach(session=db.session, actor=current_actor(), rep_id=rep_id, account_id=args["account_id"],
                 start=args["start"], end=args["end"], config=current_app.config, moving=args["moving"])


def reach(*, session, actor, rep_id: str, account_id: str, start: str, end: str, config,
          moving: str | None = None) -> dict:
    """The answer of `GET /api/reps/{rep_id}/reach` (module docstring). Raises NotFound (a rep or
    an account outside the caller's reach) or Invalid (times not ISO 8601, or `end` not after `start`)."""
    from server.tours.context import appointments_between, day_bounds, iso, minutes_of
    from server.tours.planning import travel_model
    from server.tours.slots import parse_when, rep_and_account

    rep, account = rep_and_account(session, actor, rep_id, account_id)
    begin, finish = parse_when(start, rep, field="start"), parse_when(end, rep, field="end")
    if finish <= begin:
        raise Invalid("An appointment must end after it starts.", errors={"end": ["Must be after start."]})
    day = begin.astimezone(rep.tz).date()
    answer = {"reachable": True, "arrive": iso(begin, rep.tz), "late_min": 0, "from": None, "next": None,
              "day_end": None, "lunch": True, "within_hours": True, "hours": None,
              "overlap": None}
    span = rep.span(day)
    if span is None:
        return answer
    # The booking's own check (server/agenda/hours.py): a visit outside the day's hours is
    # refused, so the warning must not say it can still be booked (a user trial met that).
    answer["hours"] = list(rep.calendar.span(day)[:2])  # as typed ("08:30"), span above is in minutes
    answer["within_hours"] = (finish.astimezone(rep.tz).date() == day and minutes_of(begin, day, rep.tz) >= span[0]
                              and minutes_of(finish, day, rep.tz) <= span[1])
    home = rep.home
    others = [a for a in appointments_between(session, rep.id, *day_bounds(day, rep.tz)) if a.id != moving]
    # Like the hours, an overlap is refused on booking: the warning must say so (a user trial).
    clash = next((a for a in others if a.status == "booked" and a.start < finish and a.end > begin), None)
    if clash is not None:
        answer["overlap"] = {"appointment_id": clash.id, "name": clash.name, "start": iso(clash.start, rep.tz),
                             "end": iso(clash.end, rep.tz)}
    # Node 0 is home base, 1 the visit asked about, 2… the day's appointments. As the planner
    # places them (planning._window), an account without a position is at home base.
    points = [home, _place(account.lat, account.lon, home), *(_place(a.lat, a.lon, home) for a in others)]
    drive, _ = travel_model(config).matrices([p or (0.0, 0.0) for p in points])

    def leg(i: int, j: int) -> float:  # no home base known: no drive from or to it
        return 0.0 if points[i] is None or points[j] is None else drive[i][j]

    booked = {1: (begin, finish), **{2 + n: (a.start, a.end) for n, a in enumerate(others)}}
    sequence = sorted(booked, key=lambda n: (booked[n][0], n))  # booked order, as the planner drives them

    def starts(nodes: list[int]) -> dict[int, float]:
        """Node → the minute its visit can start, driving through `nodes` from home base at the day's start."""
        out, t, here = {}, span[0], 0
        for node in nodes:
            begins, ends = (minutes_of(moment, day, rep.tz) for moment in booked[node])
            out[node] = max(begins, t + leg(here, node))
            t, here = out[node] + ends - begins, node
        return out

    together, alone = starts(sequence), starts([n for n in sequence if n != 1])
    late = together[1] - minutes_of(begin, day, rep.tz)
    answer.update(arrive=iso(begin + timedelta(minutes=max(0.0, late)), rep.tz), late_min=_whole(late))
    at = sequence.index(1)
    if at > 0:
        node = sequence[at - 1]
        a = others[node - 2]
        answer["from"] = {"appointment_id": a.id, "account_id": a.account_id, "name": a.name, "end": iso(a.end, rep.tz),
                          "drive_min": round(leg(node, 1), 1)}
    if at + 1 < len(sequence):
        node = sequence[at + 1]
        a = others[node - 2]
        answer["next"] = {"appointment_id": a.id, "account_id": a.account_id, "name": a.name,
                          "start": iso(a.start, rep.tz), "drive_min": round(leg(1, node), 1),
                          "late_min": _whole(together[node] - alone[node])}
    # The day's end and lunch, as the planner keeps them (planner._around_appointments): the rep
    # back at home base by the end of the working hours, a lunch break within its window.
    def clock(minute: float):
        return iso(begin + timedelta(minutes=minute - minutes_of(begin, day, rep.tz)), rep.tz)

    def back(nodes: list[int], at: dict[int, float]) -> float:
        if not nodes:
            return span[0]
        begins, ends = (minutes_of(moment, day, rep.tz) for moment in booked[nodes[-1]])
        return at[nodes[-1]] + ends - begins + leg(nodes[-1], 0)

    def lunch_fits(nodes: list[int], at: dict[int, float]) -> bool:
        """A break of the lunch's length within its window on a leg (driving before or after it,
        as timeline.py lays lunch), or after the day's last visit."""
        lunch, free, here = rep.lunch(), span[0], 0
        for node in nodes:
            ends_at = max(free, lunch.window_start) + lunch.duration  # the earliest lunch is the best one
            if ends_at <= min(lunch.window_end, at[node]) and free + leg(here, node) + lunch.duration <= at[node]:
                return True
            begins, ends = (minutes_of(moment, day, rep.tz) for moment in booked[node])
            free, here = at[node] + ends - begins, node
        return max(free, lunch.window_start) + lunch.duration <= lunch.window_end

    without = [n for n in sequence if n != 1]
    home_at = back(sequence, together)
    over = home_at - max(span[1], back(without, alone))  # overtime the visit adds, not the day's own
    answer["day_end"] = ({"end": clock(span[1]), "back": clock(home_at), "over_min": _whole(over)}
                         if _whole(over) > 0 else None)
    answer["lunch"] = lunch_fits(sequence, together) or not lunch_fits(without, alone)
    answer["reachable"] = (answer["within_hours"] and clash is None and answer["late_min"] == 0
                           and (answer["next"] is None or answer["next"]["late_min"] == 0) and answer["day_end"] is None)
    return answer


def _place(lat, lon, home):
    return (lat, lon) if lat is not None and lon is not None else home


def _whole(minutes: float) -> int:
    """Minutes late in whole minutes, rounded up (any lateness shows); never negative."""
    return math.ceil(minutes - 1e-9) if minutes > 1e-9 else 0

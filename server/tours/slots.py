"""Slot suggestions for a telemarketer: when to book a visit so the rep drives the least.

`GET /api/reps/{rep_id}/slots?account_id=&from=&to=&duration=` → best first
`[{"start", "end", "added_drive_min"}]`. For each working day of the period, every
start on a `SLOT_STEP_MIN` grid is tried (cheap: no solver run per slot):

- it must lie inside the working hours, after *now*, inside the account's opening hours
  when known, never overlap a booked appointment, leave time to drive from the previous
  appointment (or from home at the start of the day) and to the next one (or home by
  the end of the day), and leave the lunch break room in its window;
- its cost is cheapest insertion into the day's sequence: the kept plan's stops
  (appointments fixed, planned visits not yet done) and the day's appointments, the
  visit slotted between the stop before it and the stop after it; planned visits it
  overlaps are taken out of the sequence (the next re-plan moves them). A day without a
  kept plan counts its appointments only.

Ranked by added driving in whole minutes, then by start (`rank`): the travel model's
tenths of a minute are noise to a telemarketer, so among slots that cost the rep the
same minutes of driving the earliest comes first, and `added_drive_min` is the whole
number of minutes the ranking read (0: the visit is on the rep's way). An account
without a usable position cannot be ranked by driving: its slots come in time order,
each with `added_drive_min: null` and `"reason": "no_location"` (API.md → Account
files and locations). A date-time without offset is read in the
rep's time zone; a bare date covers that whole day.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.actor import Actor
from server.db import is_uuid, utcnow
from server.errors import Invalid, NotFound
from server.scope import get_in_scope
from server.segmentation.cadence import cadence, visit_minutes
from server.tours.context import Rep, appointments_between, at, day_bounds, iso, minutes_of
from server.tours.planning import DAY_KEYS, _spans, travel_model
from server.tours.service import authorised_rep, kept_plans

DEFAULT_DAYS = 14
MAX_DAYS = 62
DEFAULT_LIMIT = 20


# The years a day can be planned in. Outside them a tour means nothing, and the time-zone
# arithmetic of a day's bounds overflows at the calendar's ends (year 1, year 9999): a 500.
PLANNABLE_YEARS = range(1900, 3000)


def check_plannable(year: int, *, field: str) -> None:
    """Raise Invalid (422, naming `field`) for a year outside PLANNABLE_YEARS."""
    if year not in PLANNABLE_YEARS:
        raise Invalid("The date is outside the years a tour can be planned in (1900–2999).",
                      errors={field: ["Out of range."]})


def rep_and_account(session: Session, actor: Actor, rep_id: str, account_id: str | None) -> tuple[Rep, Account]:
    """The rep whose agenda `actor` may see (service.authorised_rep) and the account, in `actor`'s
    scope, that a visit to book or move is at. NotFound (naming `account_id`) otherwise."""
    rep = authorised_rep(session, actor, rep_id)
    account = get_in_scope(session, "account", account_id, actor) if is_uuid(account_id) else None
    if account is None:
        raise NotFound(f"No account {account_id}.", errors={"account_id": ["Not found."]})
    return rep, account


def parse_when(text: str | None, rep: Rep, *, field: str, end_of_day: bool = False) -> datetime | None:
    """ISO date or date-time; without offset, in the rep's time zone; a date is its day's start (or end).
    Raises Invalid (422) for text that is neither, or a year outside PLANNABLE_YEARS."""
    if text in (None, ""):
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            check_plannable(day.year, field=field)
            return day_bounds(day, rep.tz)[1 if end_of_day else 0]
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("Not an ISO 8601 date or date-time.", errors={field: ["Not a valid date-time."]}) from None
    check_plannable(moment.year, field=field)
    return moment.replace(tzinfo=rep.tz) if moment.tzinfo is None else moment


def suggest(*, session: Session, actor: Actor, rep_id: str, account_id: str | None, start: str | None,
            end: str | None, duration: int | None, config, limit: int = DEFAULT_LIMIT,
            now: datetime | None = None) -> list[dict]:
    rep, account = rep_and_account(session, actor, rep_id, account_id)
    now = now or utcnow()
    begin = max(parse_when(start, rep, field="from") or now, now)
    finish = parse_when(end, rep, field="to", end_of_day=True) or begin + timedelta(days=DEFAULT_DAYS)
    if finish <= begin:
        return []
    if finish - begin > timedelta(days=MAX_DAYS):
        raise Invalid(f"The period is at most {MAX_DAYS} days.", errors={"to": ["Period too long."]})
    minutes = duration or visit_minutes(cadence(session), account.segment)
    if not 5 <= minutes <= 12 * 60:
        raise Invalid("The duration is between 5 and 720 minutes.", errors={"duration": ["Out of range."]})
    first, last = begin.astimezone(rep.tz).date(), finish.astimezone(rep.tz).date()
    booked: dict[date, list] = {}
    for a in appointments_between(session, rep.id, day_bounds(first, rep.tz)[0], day_bounds(last, rep.tz)[1]):
        booked.setdefault(a.start.astimezone(rep.tz).date(), []).append(a)
    plans = {p.date: p.plan or {} for p in kept_plans(session, rep.id, first, last)}
    place = (account.lat, account.lon) if account.lat is not None and account.lon is not None else None
    found = []
    travel = travel_model(config)
    step = int(config.get("SLOT_STEP_MIN", 15))
    day = first
    while day <= last:
        found += _day_slots(rep, day, account.id, place, account.opening_hours, minutes, booked.get(day, []),
                            plans.get(day, {}), begin, finish, travel, step)
        day += timedelta(days=1)
    if place is None:
        found.sort(key=lambda s: s[1])
        return [{"start": iso(s, rep.tz), "end": iso(e, rep.tz), "added_drive_min": None, "reason": "no_location"}
                for _added, s, e in found[:limit]]
    return [{"start": iso(s, rep.tz), "end": iso(e, rep.tz), "added_drive_min": float(added)}
            for added, s, e in rank(found)[:limit]]


def rank(found: list[tuple[float, datetime, datetime]]) -> list[tuple[int, datetime, datetime]]:
    """Best first: the fewest whole minutes of added driving (half a minute rounds up), then the earliest start."""
    return sorted(((math.floor(added + 0.5), s, e) for added, s, e in found), key=lambda slot: (slot[0], slot[1]))


def _day_slots(rep: Rep, day: date, account_id: str, place, opening_hours, minutes: int, appointments, plan,
               begin: datetime, finish: datetime, travel, step: int) -> list[tuple[float, datetime, datetime]]:
    span = rep.span(day)
    if span is None:
        return []
    tz = rep.tz
    home = rep.home or place or (0.0, 0.0)
    place = place or home
    fixed = sorted((minutes_of(a.start, day, tz), minutes_of(a.end, day, tz),
                    (a.lat, a.lon) if a.lat is not None else home) for a in appointments if a.status == "booked")
    flexible = [(minutes_of(datetime.fromisoformat(s["arrive"]), day, tz),
                 minutes_of(datetime.fromisoformat(s["depart"]), day, tz), (s["lat"], s["lon"]))
                for s in plan.get("stops", []) if s.get("kind") != "appointment" and not s.get("done")
                and s.get("account_id") != account_id and s.get("lat") is not None]
    points = [home, place] + [f[2] for f in fixed] + [f[2] for f in flexible]
    drive, _ = travel.matrices(points)
    fixed_n = [(s, e, 2 + i) for i, (s, e, _) in enumerate(fixed)]
    flexible_n = [(s, e, 2 + len(fixed) + j) for j, (s, e, _) in enumerate(flexible)]
    sequence = sorted(fixed_n + flexible_n)
    spans = _spans((opening_hours or {}).get(DAY_KEYS[day.weekday()])) if opening_hours else None
    lunch = rep.lunch()
    lunch_first, lunch_last = max(lunch.window_start, span[0]), min(lunch.window_end, span[1])
    needs_lunch = lunch_last - lunch_first >= lunch.duration > 0
    low = max(span[0], minutes_of(begin, day, tz))
    high = min(span[1], minutes_of(finish, day, tz))
    out = []
    t = span[0] + math.ceil(max(0.0, low - span[0]) / step) * step
    while t + minutes <= high:
        e = t + minutes
        ok = (spans is None or any(o <= t and e <= c for o, c in spans)) and _fits(fixed_n, drive, t, e, span)
        if ok and needs_lunch:
            ok = _lunch_fits([(s, en) for s, en, _ in fixed_n] + [(t, e)], lunch_first, lunch_last, lunch.duration)
        if ok:
            before = [n for s, en, n in sequence if en <= t]
            after = [n for s, en, n in sequence if s >= e]
            p, q = (before[-1] if before else 0), (after[0] if after else 0)
            added = drive[p][1] + drive[1][q] - drive[p][q]
            out.append((max(0.0, added), at(day, t, tz), at(day, e, tz)))
        t += step
    return out


def _fits(fixed, drive, t: float, e: float, span) -> bool:
    """No overlap with an appointment; the drives from the one before and to the one after fit."""
    prev_end, prev_node, next_start, next_node = span[0], 0, span[1], 0
    for s, en, n in fixed:
        if s < e and t < en:
            return False
        if en <= t:
            prev_end, prev_node = en, n
        elif s >= e and next_node == 0:
            next_start, next_node = s, n
    return prev_end + drive[prev_node][1] <= t + 1e-9 and e + drive[1][next_node] <= next_start + 1e-9


def _lunch_fits(busy, first: float, last: float, duration: float) -> bool:
    """A free gap of `duration` minutes inside [first, last] around the busy intervals."""
    cursor = first
    for s, e in sorted(busy):
        if e <= cursor:
            continue
        if s >= last:
            break
        if s - cursor >= duration:
            return True
        cursor = max(cursor, e)
    return last - cursor >= duration

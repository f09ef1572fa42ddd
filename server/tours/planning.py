"""One rep's day, from the database to the API.md tour document.

`gather(...)` reads everything a plan needs into plain values (context.py, due.py);
`solve(...)` cuts the due list to the day's candidates with the travel model it plans with
(`_candidates_of`: the accounts beyond a day's round trip, then due.pick_for_day), runs the
planner core (`plan_day`) on them and shapes the answer of `GET /api/tours/{rep_id}/{date}`.
Nothing here writes; service.py keeps the plan.

Rules chosen here (see also due.py for the due list and the time split):

- Booked appointments of the day are hard windows, always kept (`kind: "appointment"`);
  an appointment at an account without coordinates is placed at the home base. One the
  rep cannot reach at its booked start is kept at the time the rep can be there, its stop
  saying so (`late_min`, `booked_start`, `booked_end`), and the day's visits are still
  planned around it (planner._around_appointments).
- Every account due that day is on the tour: a stop, or in `unplanned` with its reason, those
  the candidates' cut leaves out and those beyond a day's round trip too (left_out.py).
- Opening hours: the visit must fit in that weekday's longest opening span; an
  account closed that weekday is left out ("closed that day").
- Visits already logged that day (today, or a past day) are kept where they were, as
  fixed windows, with `"done": true`; nothing new is planned before *now*. A visit that
  cannot be laid on the day that way (outside working hours, clashing with an
  appointment) is listed among the stops at its time without a drive.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda import workdays
from server.agenda.clashes import WARNING as ABSENCE_CLASH
from server.i18n import LANGUAGES
from server.segmentation.cadence import cadence
from server.segmentation.models import CommercialModel
from server.tours.context import (
    Booked, DayInputs, Done, Rep, appointments_between, at, covered_by_colleagues, day_bounds, day_inputs, hhmm, iso,
    minutes_of,
)
from server.tours.alerts import alerts
from server.tours.dayplan import LOWER_PRIORITY, NO_TIME, OUTSIDE_HOURS, TIME_SPLIT, TOO_FAR, DayPlan
from server.tours.due import IN_QUOTA_BONUS, DueAccount, booked_before, due_accounts, pick_for_day, unlocated_due
from server.tours.left_out import left_out, split_reachable
from server.tours.models import TourPlan
from server.tours.planner import Appointment, Candidate, plan_day
from server.tours.travel import HaversineTravel, OsrmTravel, TravelModel

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOSED = "closed that day"
NO_LOCATION = "no_location"  # API.md → Account files and locations


@dataclass
class Gathered:
    inputs: DayInputs
    span: tuple[float, float] | None
    now_min: float | None  # nothing new before this minute of the day
    due: list[DueAccount] = field(default_factory=list)  # the due list, most urgent first (due.due_accounts)
    booked_min: dict[str, float] = field(default_factory=dict)  # segment → minutes of the day's appointments
    split: dict[str, float] | None = None  # the commercial model's time split
    candidates: list[DueAccount] = field(default_factory=list)  # set by solve (_candidates_of)
    places: dict[str, tuple[str, str, float | None, float | None]] = field(default_factory=dict)  # done visits
    unlocated: list[str] = field(default_factory=list)  # due that day, no usable position
    left_out: list[dict[str, str]] = field(default_factory=list)  # due that day, not a candidate: set by solve


def quick_travel(config) -> TravelModel:
    """Straight lines × `ROAD_FACTOR` at `AVERAGE_SPEED_KMH`: no network call, for the quick plan."""
    return HaversineTravel(road_factor=float(config.get("ROAD_FACTOR", 1.3)),
                           speed_kmh=float(config.get("AVERAGE_SPEED_KMH", 50.0)))


def travel_model(config) -> TravelModel:
    """OSRM when `OSRM_URL` is set (haversine for what it cannot answer), else haversine."""
    haversine = quick_travel(config)
    url = config.get("OSRM_URL")
    return OsrmTravel(url, fallback=haversine) if url else haversine


def time_split(session: Session) -> dict[str, float] | None:
    definition = session.scalar(select(CommercialModel.definition).where(CommercialModel.active.is_(True)).limit(1))
    return (definition or {}).get("time_split")


def today_of(rep: Rep, now: datetime) -> date:
    return now.astimezone(rep.tz).date()


def gather(session: Session, rep: Rep, day: date, *, now: datetime, horizon_days: int) -> Gathered:
    """The day's inputs: all that is read from the database (no travel model is asked: the read
    ends before `solve`, which may ask OSRM)."""
    inputs = day_inputs(session, rep, day)
    span = rep.span(day)
    today = today_of(rep, now)
    now_min = None if day > today else (span[1] if span and day < today else minutes_of(now, day, rep.tz))
    g = Gathered(inputs=inputs, span=span, now_min=now_min)
    if span is None:
        return g
    start, end = day_bounds(day, rep.tz)
    # One visit per account per week (API.md → Working days): an account booked any day of
    # this week, or within the horizon ahead, is not planned again as due.
    week_start = day_bounds(day - timedelta(days=day.weekday()), rep.tz)[0]
    ahead = {a.account_id for a in appointments_between(session, rep.id, week_start, end + timedelta(days=horizon_days))}
    ahead |= covered_by_colleagues(session, rep.id, week_start, end + timedelta(days=horizon_days))
    exclude = ahead | {d.account_id for d in inputs.done} | planned_elsewhere(session, rep, day, today)
    policy = cadence(session)
    booked = booked_before(session, rep_id=rep.id, before=start)  # counted as visits (due.py)
    g.due = due_accounts(session, rep_id=rep.id, day_start=start, day_end=end, horizon_days=horizon_days,
                         policy=policy, exclude=exclude, home=rep.home, booked=booked)
    for a in inputs.appointments:
        g.booked_min[a.segment] = g.booked_min.get(a.segment, 0.0) + (a.end - a.start).total_seconds() / 60
    g.split = time_split(session)
    g.unlocated = unlocated_due(session, rep_id=rep.id, day_end=end, exclude=exclude, policy=policy, booked=booked)
    if inputs.done:
        rows = session.execute(select(Account.id, Account.name, Account.segment, Account.lat, Account.lon)
                               .where(Account.id.in_({d.account_id for d in inputs.done})))
        g.places = {r.id: (r.name, r.segment, r.lat, r.lon) for r in rows}
    return g


def planned_elsewhere(session: Session, rep: Rep, day: date, today: date) -> set[str]:
    """Accounts that another kept plan of the same week, today or later, already visits."""
    monday = day - timedelta(days=day.weekday())
    plans = session.scalars(select(TourPlan.plan).where(
        TourPlan.rep_id == rep.id, TourPlan.date >= max(monday, today), TourPlan.date < monday + timedelta(days=7),
        TourPlan.date != day))
    return {s["account_id"] for plan in plans for s in (plan or {}).get("stops", [])
            if s.get("kind") != "appointment" and not s.get("done")}


def solve(g: Gathered, *, travel: TravelModel, time_limit_s: float, now: datetime,
          solver: str = "pyvrp") -> dict[str, Any]:
    """The tour document of the gathered day, planned with `travel`. `solver="fallback"` is the
    quick plan (the insertion heuristic alone, a few milliseconds) that a request may afford."""
    rep, day, tz = g.inputs.rep, g.inputs.day, g.inputs.rep.tz
    if g.span is None and not g.inputs.appointments:
        return _day_off(g, now)
    if g.span is None:
        return _appointments_on_day_off(g, travel=travel, time_limit_s=time_limit_s, now=now, solver=solver)
    g = _candidates_of(g, travel)
    day_start, day_end = g.span
    home = rep.home or _centroid([(c.lat, c.lon) for c in g.candidates]
                                 + [(a.lat, a.lon) for a in g.inputs.appointments if a.lat is not None])
    booked = {a.id: a for a in g.inputs.appointments}
    windows = [_window(a.id, a.lat, a.lon, a.start, a.end, home, day, tz) for a in g.inputs.appointments]
    done_windows, loose = _done_windows(g, home)
    candidates, unplanned = _candidates(g)
    unplanned = [{"account_id": a, "reason": NO_LOCATION} for a in g.unlocated] + unplanned + g.left_out
    plan = plan_day(depot=home, day_start=day_start, day_end=day_end, candidates=candidates,
                    appointments=windows + list(done_windows), lunch=rep.lunch(), travel=travel,
                    time_limit_s=time_limit_s, solver=solver)
    if done_windows and plan.warnings:
        # The visits logged are facts, not commitments to reach: when they are why the day had
        # to be bent (a logged visit "late", the lunch or the day's end pushed), they are listed
        # at their times instead, and the day is planned around the appointments alone.
        alone = plan_day(depot=home, day_start=day_start, day_end=day_end, candidates=candidates,
                         appointments=windows, lunch=rep.lunch(), travel=travel, time_limit_s=time_limit_s,
                         solver=solver)
        if len(alone.warnings) < len(plan.warnings) or plan.solver == "appointments-only":
            loose += list(done_windows.values())
            done_windows, plan = {}, alone
    return _document(g, plan, home, booked, done_windows, loose, unplanned, now)


def _candidates_of(g: Gathered, travel: TravelModel) -> Gathered:
    """`g` with its day's `candidates` and `left_out` (left_out.py): the due accounts beyond a day's
    round trip by `travel`, the model the day is then planned with (so that the reason never
    contradicts the plan), set aside; the cut of the rest by due.pick_for_day."""
    rep, span = g.inputs.rep, g.span
    lunch_min = rep.lunch().duration
    reachable, beyond = split_reachable(g.due, home=rep.home, day_min=span[1] - span[0] - lunch_min, travel=travel)
    pick = pick_for_day(reachable, working_min=span[1] - span[0], lunch_min=lunch_min, booked_min=g.booked_min,
                        split=g.split)
    end = day_bounds(g.inputs.day, rep.tz)[1]
    return replace(g, candidates=pick.candidates, left_out=left_out(pick, beyond, day_end=end))


def _window(key, lat, lon, start: datetime, end: datetime, home, day: date, tz) -> Appointment:
    return Appointment(key=key, lat=lat if lat is not None else home[0], lon=lon if lon is not None else home[1],
                       start=minutes_of(start, day, tz), end=minutes_of(end, day, tz))


def _done_windows(g: Gathered, home) -> tuple[dict[Appointment, Done], list[Done]]:
    """Visits logged that day, not through an appointment of the plan: fixed windows if they fit cleanly."""
    rep, day, tz = g.inputs.rep, g.inputs.day, g.inputs.rep.tz
    appointment_ids = {a.id for a in g.inputs.appointments}
    appointment_accounts = {a.account_id for a in g.inputs.appointments}
    taken = [(minutes_of(a.start, day, tz), minutes_of(a.end, day, tz)) for a in g.inputs.appointments]
    windows: dict[Appointment, Done] = {}
    loose: list[Done] = []
    for n, d in enumerate(g.inputs.done):
        if d.appointment_id in appointment_ids or d.account_id in appointment_accounts:
            continue  # the appointment's stop shows it done
        begin, end = minutes_of(d.start, day, tz), minutes_of(d.end, day, tz)
        _, _, lat, lon = g.places.get(d.account_id, (None, None, None, None))
        clean = (g.span[0] <= begin < end <= g.span[1] and lat is not None
                 and all(end <= s or begin >= e for s, e in taken))
        if clean:
            taken.append((begin, end))
            windows[Appointment(key=f"done:{n}", lat=lat, lon=lon, start=begin, end=end)] = d
        else:
            loose.append(d)
    return windows, loose


def _candidates(g: Gathered) -> tuple[list[Candidate], list[dict[str, str]]]:
    weekday = DAY_KEYS[g.inputs.day.weekday()]
    out, unplanned = [], []
    for d in g.candidates:
        opens = closes = None
        if d.opening_hours:
            spans = _spans(d.opening_hours.get(weekday))
            if not spans:
                unplanned.append({"account_id": d.account_id, "reason": CLOSED})
                continue
            opens, closes = max(spans, key=lambda s: s[1] - s[0])
        if g.now_min is not None and g.now_min > g.span[0]:
            opens = max(opens or g.span[0], g.now_min)
            if closes is not None and closes - opens < d.visit_min:
                unplanned.append({"account_id": d.account_id, "reason": OUTSIDE_HOURS})
                continue
        out.append(Candidate(key=d.account_id, lat=d.lat, lon=d.lon, service_min=d.visit_min,
                             priority=d.priority, opens=opens, closes=closes))
    return out, unplanned


def _spans(hours) -> list[tuple[float, float]]:
    hours = hours or []
    return [(hhmm(hours[i]), hhmm(hours[i + 1])) for i in range(0, len(hours) - 1, 2)]


def _centroid(points) -> tuple[float, float]:
    points = [p for p in points if p[0] is not None and p[1] is not None]
    if not points:
        return (0.0, 0.0)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _document(g: Gathered, plan: DayPlan, home, booked: dict[str, Booked], done_windows: dict[Appointment, Done],
              loose: list[Done], unplanned: list[dict[str, str]], now: datetime) -> dict[str, Any]:
    rep, day, tz = g.inputs.rep, g.inputs.day, g.inputs.rep.tz
    due = {d.account_id: d for d in g.candidates}
    done_by_key = {w.key: d for w, d in done_windows.items()}
    stops = []
    for s in plan.stops:
        stop = {"account_id": None, "name": None, "segment": None, "kind": "due", "appointment_id": None}
        if s.key in booked:
            a = booked[s.key]
            stop.update(account_id=a.account_id, name=a.name, segment=a.segment, kind="appointment",
                        appointment_id=a.id, done=a.status == "done", **_booked_times(a, s.late_min, tz))
        elif s.key in done_by_key:
            stop.update(_done_stop(g, done_by_key[s.key]))
        else:
            d = due[s.key]
            stop.update(account_id=d.account_id, name=d.name, segment=d.segment, kind=d.kind, done=False)
        stop.update(arrive=iso(at(day, s.arrive, tz), tz), depart=iso(at(day, s.depart, tz), tz),
                    drive_min=round(s.drive_min, 1), drive_km=round(s.drive_km, 1), lat=s.lat, lon=s.lon)
        stops.append(stop)
    for d in loose:
        name, segment, lat, lon = g.places.get(d.account_id, (None, None, None, None))
        stops.append({**_done_stop(g, d), "arrive": iso(d.start, tz), "depart": iso(d.end, tz),
                      "drive_min": None, "drive_km": None, "lat": lat, "lon": lon})
    stops.sort(key=lambda s: s["arrive"])
    for seq, stop in enumerate(stops, 1):
        stop["seq"] = seq
    lunch = None if plan.lunch is None else {"start": iso(at(day, plan.lunch[0], tz), tz),
                                             "end": iso(at(day, plan.lunch[1], tz), tz)}
    return {
        "rep_id": rep.id, "date": day.isoformat(),
        "start": {"lat": home[0], "lon": home[1], "at": iso(at(day, plan.start_at, tz), tz)},
        "end": {"lat": home[0], "lon": home[1], "at": iso(at(day, plan.end_at, tz), tz)},
        "stops": stops,
        "unplanned": unplanned + [{"account_id": key, "reason": _split_reason(due, plan, key, reason)}
                                  for key, reason in plan.unplanned],
        "totals": {"drive_km": round(plan.totals.drive_km, 1), "drive_min": round(plan.totals.drive_min, 1),
                   "visit_min": round(plan.totals.visit_min, 1)},
        "lunch": lunch, **working_day(rep, day), "solver": plan.solver, "warnings": list(plan.warnings),
        "alerts": alerts(list(plan.warnings), _booked_records(booked, tz)), "planned_at": iso(now, tz), "stale": False,
    }


def _booked_records(booked: dict[str, Booked], tz) -> dict[str, dict[str, Any]]:
    """The day's appointments as alerts.alerts wants them: id → account, name, booked times."""
    return {a.id: {"account_id": a.account_id, "name": a.name, "start": iso(a.start, tz), "end": iso(a.end, tz)}
            for a in booked.values()}


def _split_reason(due: dict[str, DueAccount], plan: DayPlan, key: str, reason: str) -> str:
    """The planner's reason, unless the time split is the true one: an account taken past its
    segment's quota (due.pick_for_day) and left out of a day that keeps stops taken within their
    quota lost to the split, not to the clock or to a plain priority (a user trial read "no time
    left" on a day back home 50 minutes early)."""
    if reason not in (NO_TIME, TOO_FAR, LOWER_PRIORITY) or key not in due or due[key].priority >= IN_QUOTA_BONUS:
        return reason
    in_quota = any(s.key in due and due[s.key].priority >= IN_QUOTA_BONUS for s in plan.stops)
    return TIME_SPLIT if in_quota else reason


def working_day(rep: Rep, day: date) -> dict[str, Any]:
    """API.md → Working days: `working_day`, `next_working_day` (YYYY-MM-DD or null) and,
    on a day not worked, `day_off` {kind: "weekly"|"holiday"|"absence", name}, a holiday
    with its `names` too. `working` is the older name of `working_day`, kept for tablets
    that read it."""
    off = rep.calendar.off(day)
    following = rep.calendar.next_working_day(day)
    day_off = off.as_dict() if off else None
    if off is not None and off.kind == "holiday":
        day_off["names"] = holiday_names(rep.calendar.holidays_code, day)
    return {"working_day": off is None, "working": off is None,
            "next_working_day": following.isoformat() if following else None, "day_off": day_off}


def holiday_names(code: str | None, day: date) -> dict[str, str]:
    """`day`'s public holiday in each language of the app: {"fr": "Noël", "en": "Christmas Day"}
    (a language the calendar has no names in is left out). The kept plan holds them because a
    tablet gets it by pull too, read straight from the table in no one's language: offline,
    it names the holiday in the language on screen (pwa/views/tour.js)."""
    return {language: name for language in LANGUAGES if (name := workdays.holiday_name(code, day, language))}


def _booked_times(a: Booked, late_min: float, tz) -> dict[str, Any]:
    """An appointment stop's booked times and lateness: `booked_start`, `booked_end` (ISO 8601)
    and `late_min`, the whole minutes (rounded up: any lateness shows) that the rep is expected
    after `booked_start`; then `arrive` is that later time (planner._around_appointments)."""
    return {"booked_start": iso(a.start, tz), "booked_end": iso(a.end, tz),
            "late_min": math.ceil(late_min - 1e-9) if late_min > 0 else 0}


def _done_stop(g: Gathered, d: Done) -> dict[str, Any]:
    name, segment, _, _ = g.places.get(d.account_id, (None, None, None, None))
    return {"account_id": d.account_id, "name": name, "segment": segment, "kind": "due", "appointment_id": None,
            "done": True}


def _appointments_on_day_off(g: Gathered, *, travel: TravelModel, time_limit_s: float, now: datetime,
                             solver: str) -> dict[str, Any]:
    """A day not worked that still holds appointments (booked before an absence was declared,
    or on purpose on a day off): planned as a day made of appointments only, so the rep is
    told when to leave home base and when back, and the drive is counted (a user trial saw
    "00:00 Leave", "driving 0 min" and a route on the map). The whole calendar day is open
    (no working hours, no lunch break: the appointments set the day); nothing due is added.
    Each appointment booked during an absence is warned about (`absence_clash`), by name."""
    rep, day, tz = g.inputs.rep, g.inputs.day, g.inputs.rep.tz
    home = rep.home or _centroid([(a.lat, a.lon) for a in g.inputs.appointments if a.lat is not None])
    booked = {a.id: a for a in g.inputs.appointments}
    windows = [_window(a.id, a.lat, a.lon, a.start, a.end, home, day, tz) for a in g.inputs.appointments]
    plan = plan_day(depot=home, day_start=0.0, day_end=24 * 60.0, candidates=(), appointments=windows, lunch=None,
                    travel=travel, time_limit_s=time_limit_s, solver=solver)
    whole_day = Gathered(inputs=g.inputs, span=(0.0, 24 * 60.0), now_min=g.now_min)
    doc = _document(whole_day, plan, home, booked, {}, [], [], now)
    warnings = _absence_clashes(g) + doc["warnings"]
    return {**doc, "warnings": warnings, "alerts": alerts(warnings, _booked_records(booked, tz))}


def _absence_clashes(g: Gathered) -> list[str]:
    """Booked before the absence was declared: the rep must move them (server/agenda/clashes.py)."""
    off = g.inputs.rep.calendar.off(g.inputs.day)
    if off is None or off.kind != "absence":
        return []
    return [f"{ABSENCE_CLASH}{a.id}" for a in g.inputs.appointments if a.status == "booked"]


def _day_off(g: Gathered, now: datetime) -> dict[str, Any]:
    """A day not worked with nothing booked: no stops, leaving and back at midnight (no trip)."""
    rep, day, tz = g.inputs.rep, g.inputs.day, g.inputs.rep.tz
    home = rep.home or (0.0, 0.0)
    moment = iso(at(day, 0, tz), tz)
    return {"rep_id": rep.id, "date": day.isoformat(),
            "start": {"lat": home[0], "lon": home[1], "at": moment}, "end": {"lat": home[0], "lon": home[1], "at": moment},
            "stops": [], "unplanned": [], "totals": {"drive_km": 0.0, "drive_min": 0.0, "visit_min": 0.0},
            "lunch": None, **working_day(rep, day), "solver": None, "warnings": [], "alerts": [],
            "planned_at": iso(now, tz), "stale": False}

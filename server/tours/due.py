"""The due list: which of a rep's accounts want a visit around a day, and how urgently.

An account is **due** when its `next_due_at` falls before the end of the day plus a
horizon (`TOUR_DUE_HORIZON_DAYS`, 7 by default), or when it was never visited (no
`last_visit_at`, no `next_due_at`): an imported customer base starts that way, often
all C until its criteria are filled in, and a C account is owed two visits a year like
any other (PRODUCT.md cadence). It is **overdue** when `next_due_at` is before the
start of the day. Competitors are never due. Accounts without coordinates cannot be
driven to: they are not candidates, but `unlocated_due` names those due that day, the
never visited of every segment among them, so that the tour lists them in `unplanned`
with the reason `no_location` (API.md → Account files and locations) instead of
dropping them silently (a user trial imported an account the gazetteer could not place
and no tour ever named it).

**Priority** (the planner drops lower priorities first) = segment base (A 30, B 20,
C 10) + one point per full week overdue, capped at 9: an overdue C never outranks a
due B, and among accounts of a segment the longest overdue comes first. An account
never visited counts as overdue by `NEVER_VISITED_DAYS` (nine weeks, where the bonus
stops growing): its first visit is owed at once, so it ranks with the most overdue of
its segment and only those overdue longer come first (a user trial's imported C
accounts, ranked below every overdue C, never reached a tour). Among equals (the same
priority and days overdue: a freshly imported base is all equal) the nearest to the
rep's home comes first, so that the day's candidates lie together and the base is
worked outwards, not in the alphabet's order.

**Booked, not yet visited.** An appointment is not a visit until the rep logs one, so the
account's `next_due_at` stays where its last visit put it. On the days after a kept (not
cancelled) appointment of the account, it is planned as if visited then: its due date is
the later of `next_due_at` and the appointment's start plus its segment's cadence
interval (cadence.interval_days; not moved to a worked day: that only matters for the
lateness of an account overdue a whole cadence after its appointment). Without it an
account booked on a Friday came back as "overdue" the next Thursday (a user trial).

The tablet applies the same rule and order offline to a day it never stored
(pwa/lib/db.js `dueAccounts`, the home from `GET /api/me`): a change here goes there too.

**Time split** (the commercial model's `time_split`, e.g. A 50 %, B 35 %, C 15 %)
steers how many stops of each segment a day — hence a week — gets. The rule:

1. The day's visit capacity is estimated as (working minutes − lunch) × `VISIT_SHARE`
   (the rest goes to driving). Each segment's quota is its share of that capacity,
   minus the minutes its booked appointments already take that day.
2. Accounts of a segment enter its quota in priority order while quota minutes are
   left (so at most one visit overshoots it); they get +100 priority ("in quota").
3. To give the solver choice when some of those do not fit (geography, opening
   hours), the next best accounts of any segment are added without the bonus, up to
   `OVERSUPPLY` × capacity in visit minutes, and at most `MAX_CANDIDATES` in all.

The planner keeps in-quota stops before any extra one, so each day's visit time, and
the week's, follows the split as far as the due list allows; a segment short of due
accounts leaves its time to the others (through the extras).

`pick_for_day` answers the candidates and the cut: every other account it was given, with
its reason (`_why_cut`), which the tour lists among its `unplanned` (left_out.py).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.accounts.statuses import keys_of_kind
from server.agenda.models import Appointment
from server.segmentation.cadence import interval_days, shift, visit_minutes
from server.tours.dayplan import LOWER_PRIORITY, NO_TIME, TIME_SPLIT

SEGMENT_BASE = {"A": 30, "B": 20, "C": 10}
MAX_OVERDUE_BONUS = 9
NEVER_VISITED_DAYS = 7 * MAX_OVERDUE_BONUS
IN_QUOTA_BONUS = 100
VISIT_SHARE = 0.65
OVERSUPPLY = 2.0
MAX_CANDIDATES = 40
DEFAULT_SPLIT = {"A": 0.5, "B": 0.35, "C": 0.15}
CROWDED_OUT = "as urgent accounts nearer home fill the day"


@dataclass(frozen=True)
class DueAccount:
    account_id: str
    name: str
    segment: str
    lat: float
    lon: float
    opening_hours: dict[str, Any] | None
    next_due_at: datetime | None
    kind: str  # "due" | "overdue" (never visited: "due")
    overdue_days: int  # ranks; never visited: NEVER_VISITED_DAYS
    priority: int
    visit_min: int


def booked_before(session: Session, *, rep_id: str, before: datetime) -> dict[str, datetime]:
    """account id → start (UTC) of the latest kept (not cancelled) appointment there that starts
    before `before`, the rep's or a colleague's at an account the rep owns (a booking moved to a
    colleague, server/agenda/entity.py): the visits the planner counts on (module docstring)."""
    kept = (Appointment.status != "cancelled", Appointment.start < before)
    own = (select(Appointment.account_id, func.max(Appointment.start)).where(Appointment.rep_id == rep_id, *kept)
           .group_by(Appointment.account_id))
    # Two statements, each on its own index (the rep's appointments; the rep's accounts), not one OR.
    covered = (select(Appointment.account_id, func.max(Appointment.start))
               .join(Account, Account.id == Appointment.account_id)
               .where(Account.owner_id == rep_id, Appointment.rep_id != rep_id, *kept)
               .group_by(Appointment.account_id))
    found: dict[str, datetime] = {}
    for account_id, start in [*session.execute(own), *session.execute(covered)]:
        if account_id not in found or start > found[account_id]:
            found[account_id] = start
    return found


def due_after_booking(next_due: datetime | None, booked_at: datetime | None, policy: dict[str, dict],
                      segment: str) -> datetime | None:
    """The account's due date counting its kept appointment at `booked_at` (None: none) as a visit."""
    if booked_at is None:
        return next_due
    after = shift(booked_at, interval_days(policy, segment))
    return after if next_due is None or after > next_due else next_due


def due_accounts(session: Session, *, rep_id: str, day_start: datetime, day_end: datetime, horizon_days: int,
                 policy: dict[str, dict], exclude: Iterable[str] = (),
                 home: tuple[float, float] | None = None,
                 booked: dict[str, datetime] | None = None) -> list[DueAccount]:
    """The rep's due accounts for the day [day_start, day_end) (UTC), most urgent first;
    among equals, the nearest to `home` (lat, lon in degrees) first, when given. `booked`:
    `booked_before`'s answer for the day's start (an account booked counts as visited then)."""
    limit = day_end + timedelta(days=horizon_days)
    stmt = (select(Account.id, Account.name, Account.segment, Account.lat, Account.lon, Account.opening_hours,
                   Account.next_due_at)
            .where(_due_by(session, rep_id, limit),
                   Account.lat.is_not(None), Account.lon.is_not(None)))
    skip = set(exclude)
    booked = booked or {}
    out = []
    for row in session.execute(stmt):
        if row.id in skip:
            continue
        segment = row.segment if row.segment in SEGMENT_BASE else "C"
        next_due = due_after_booking(row.next_due_at, booked.get(row.id), policy, segment)
        if next_due is not None and next_due >= limit:
            continue  # its appointment will have been its visit
        overdue_days = max(0, (day_start - next_due).days) if next_due else NEVER_VISITED_DAYS
        overdue = next_due is not None and next_due < day_start
        priority = SEGMENT_BASE[segment] + min(MAX_OVERDUE_BONUS, overdue_days // 7)
        out.append(DueAccount(account_id=row.id, name=row.name, segment=segment, lat=row.lat, lon=row.lon,
                              opening_hours=row.opening_hours, next_due_at=next_due,
                              kind="overdue" if overdue else "due", overdue_days=overdue_days,
                              priority=priority, visit_min=visit_minutes(policy, segment)))
    out.sort(key=lambda d: (-d.priority, -d.overdue_days, _distance_rank(d, home), d.name, d.account_id))
    return out


def _distance_rank(account: DueAccount, home: tuple[float, float] | None) -> float:
    """A number that orders accounts by distance from `home` (equirectangular: enough to
    compare nearby points; 0 for all when there is no home)."""
    if home is None:
        return 0.0
    lat, lon = home
    return (account.lat - lat) ** 2 + ((account.lon - lon) * math.cos(math.radians(lat))) ** 2


def unlocated_due(session: Session, *, rep_id: str, day_end: datetime, exclude: Iterable[str] = (),
                  policy: dict[str, dict] | None = None, booked: dict[str, datetime] | None = None) -> list[str]:
    """Ids of the rep's accounts due by the end of the day (or never visited) that have no
    usable position: the tour cannot plan them and says so (reason `no_location`). An account
    whose kept appointment (`booked`, as in `due_accounts`) will have been its visit is not due."""
    stmt = (select(Account.id, Account.segment, Account.next_due_at)
            .where(_due_by(session, rep_id, day_end), or_(Account.lat.is_(None), Account.lon.is_(None)))
            .order_by(Account.segment, Account.next_due_at, Account.id))
    skip, booked = set(exclude), booked or {}
    out = []
    for row in session.execute(stmt):
        segment = row.segment if row.segment in SEGMENT_BASE else "C"
        next_due = due_after_booking(row.next_due_at, booked.get(row.id), policy or {}, segment)
        if row.id not in skip and (next_due is None or next_due < day_end):
            out.append(row.id)
    return out


def _due_by(session: Session, rep_id: str, limit: datetime):
    """The rep's accounts due before `limit`, or never visited; competitors (by lifecycle kind) never."""
    unvisited = and_(Account.next_due_at.is_(None), Account.last_visit_at.is_(None))
    return and_(Account.owner_id == rep_id, Account.status.not_in(keys_of_kind(session, "competitor")),
                or_(Account.next_due_at < limit, unvisited))


@dataclass(frozen=True)
class DayPick:
    """`pick_for_day`'s answer: the day's `candidates` (priorities adjusted), and `cut`, every
    other account it was given, in the given order, with why it was left out: `(account, reason)`."""
    candidates: list[DueAccount]
    cut: list[tuple[DueAccount, str]]


def pick_for_day(due: list[DueAccount], *, working_min: float, lunch_min: float, booked_min: dict[str, float],
                 split: dict[str, float] | None) -> DayPick:
    """The day's candidates by the time-split rule of the module docstring, priorities adjusted,
    and the accounts cut, each with its reason (`_why_cut`)."""
    split = _normalised(split)
    capacity = max(0.0, (working_min - lunch_min) * VISIT_SHARE)
    quota = {s: split.get(s, 0.0) * capacity - booked_min.get(s, 0.0) for s in SEGMENT_BASE}
    chosen: list[DueAccount] = []
    extras: list[DueAccount] = []
    for d in due:  # already most urgent first
        if quota[d.segment] > 0:
            quota[d.segment] -= d.visit_min
            chosen.append(_with_priority(d, d.priority + IN_QUOTA_BONUS))
        else:
            extras.append(d)
    supply = sum(d.visit_min for d in chosen)
    budget = OVERSUPPLY * max(0.0, capacity - sum(booked_min.values()))
    for d in extras:
        if supply >= budget or len(chosen) >= MAX_CANDIDATES:
            break
        chosen.append(d)
        supply += d.visit_min
    candidates = chosen[:MAX_CANDIDATES]
    taken = {d.account_id for d in candidates}
    ranked = {d.account_id: d for d in chosen}  # the in-quota ones cut by MAX_CANDIDATES keep their bonus
    cut = [ranked.get(d.account_id, d) for d in due if d.account_id not in taken]
    return DayPick(candidates=candidates, cut=[(d, _why_cut(d, candidates)) for d in cut])


def _why_cut(d: DueAccount, candidates: list[DueAccount]) -> str:
    """Why `d` is not among the day's `candidates`, in the planner's words (planning._split_reason):
    past its segment's share while the day keeps candidates within theirs, `TIME_SPLIT`; else by
    rank: `LOWER_PRIORITY` when every candidate ranks above it, `CROWDED_OUT` when as urgent ones
    nearer home were taken (among equals the base is worked outwards); no candidate at all (the
    day's appointments take its whole visit capacity), `NO_TIME`."""
    if not candidates:
        return NO_TIME
    if d.priority < IN_QUOTA_BONUS and any(c.priority >= IN_QUOTA_BONUS for c in candidates):
        return TIME_SPLIT
    return LOWER_PRIORITY if d.priority < min(c.priority for c in candidates) else CROWDED_OUT


def _normalised(split: dict[str, float] | None) -> dict[str, float]:
    split = {s: float(v) for s, v in (split or DEFAULT_SPLIT).items() if s in SEGMENT_BASE and v}
    total = sum(split.values())
    return {s: v / total for s, v in split.items()} if total > 0 else dict(DEFAULT_SPLIT)


def _with_priority(d: DueAccount, priority: int) -> DueAccount:
    return replace(d, priority=priority)

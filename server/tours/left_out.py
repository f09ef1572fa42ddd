"""Due accounts that never reach the planner, named in the tour's `unplanned` with their reason.

The planner only sees the day's candidates (due.pick_for_day: the time split's quotas, then
extras up to `OVERSUPPLY` × the day's visit capacity, at most `MAX_CANDIDATES`), taken most
urgent first and, among equals, nearest to home first. Every other due account was silently
absent from the tour: a user trial imported accounts 70 and 150 km away that, two weeks
long, were neither planned nor listed, while nearer ones showed as "lower priority". Now:

- `BEYOND_ROUND_TRIP`: the drive from home base and back, plus the visit, is longer than
  the working day less its lunch break. Such an account can be given no day at all, so it
  is not a candidate (it would only take the place of one that can be visited) and is
  listed every day it is due. The drive is the quick plan's estimate (straight line × road
  factor at the average speed: travel.HaversineTravel), the same for every day.
- An account due that day (overdue, due today, or never visited) that the candidates' cut
  left out. Only accounts past their segment's share are ever cut, so as for the planner's
  own (planning._split_reason): `TIME_SPLIT` when the day keeps candidates taken within
  their share; otherwise (the shares taken by the day's appointments) `LOWER_PRIORITY`
  when every candidate ranks above it, else `CROWDED_OUT` (as urgent as the last
  candidates, but farther from home: among equals the base is worked outwards).

Accounts due only within the horizon ahead are not listed: the day owes them nothing yet.
"""
from __future__ import annotations

from datetime import datetime

from server.tours.dayplan import LOWER_PRIORITY, TIME_SPLIT
from server.tours.due import IN_QUOTA_BONUS, DueAccount
from server.tours.travel import HaversineTravel, Point, great_circle_km

BEYOND_ROUND_TRIP = "beyond a day's round trip"
CROWDED_OUT = "as urgent accounts nearer home fill the day"


def round_trip_min(home: Point, account: DueAccount, reach: HaversineTravel) -> float:
    """Minutes to drive from `home` to the account and back, by the quick plan's estimate."""
    km = great_circle_km(home, (account.lat, account.lon)) * reach.road_factor
    return 2 * km / reach.speed_kmh * 60


def split_reachable(due: list[DueAccount], *, home: Point | None, day_min: float,
                    reach: HaversineTravel) -> tuple[list[DueAccount], list[DueAccount]]:
    """(accounts a day can hold, accounts beyond a day's round trip), each in `due`'s order.
    `day_min`: the working day's minutes less the lunch break. No home base: all reachable."""
    if home is None:
        return list(due), []
    reachable, beyond = [], []
    for d in due:
        (beyond if round_trip_min(home, d, reach) + d.visit_min > day_min else reachable).append(d)
    return reachable, beyond


def left_out(reachable: list[DueAccount], beyond: list[DueAccount], picked: list[DueAccount], *,
             day_end: datetime) -> list[dict[str, str]]:
    """`[{"account_id", "reason"}]` for the accounts due by `day_end` that are not among the
    day's candidates `picked` (module docstring), beyond a day's round trip first."""
    chosen = {d.account_id for d in picked}
    lowest = min((d.priority for d in picked), default=None)
    split = any(d.priority >= IN_QUOTA_BONUS for d in picked)

    def owed(d: DueAccount) -> bool:
        return d.next_due_at is None or d.next_due_at < day_end

    out = [{"account_id": d.account_id, "reason": BEYOND_ROUND_TRIP} for d in beyond if owed(d)]
    for d in reachable:
        if d.account_id in chosen or not owed(d):
            continue
        reason = (TIME_SPLIT if split else LOWER_PRIORITY if lowest is not None and d.priority < lowest
                  else CROWDED_OUT)
        out.append({"account_id": d.account_id, "reason": reason})
    return out

"""Due accounts that never reach the planner, named in the tour's `unplanned` with their reason.

The planner only sees the day's candidates (due.pick_for_day: the time split's quotas, then
extras up to `OVERSUPPLY` × the day's visit capacity, at most `MAX_CANDIDATES`), taken most
urgent first and, among equals, nearest to home first. Every other due account was silently
absent from the tour: a user trial imported accounts 70 and 150 km away that, two weeks
long, were neither planned nor listed, while nearer ones showed as "lower priority". Now:

- `BEYOND_ROUND_TRIP`: the drive from home base and back, plus the visit, is longer than
  the working day less its lunch break. Such an account can be given no day at all, so it
  is not a candidate (it would only take the place of one that can be visited) and is
  listed every day it is due. The drive is the one the day is planned with (the travel
  model the planner is given: OSRM's drive times when set, else the quick plan's straight
  line × road factor), so an account is never called beyond reach by one estimate and
  planned, or dropped for another reason, by the other.
- An account due that day (overdue, due today, or never visited) that the candidates' cut
  left out, with the reason the cut gives it (due.pick_for_day's `cut`: `TIME_SPLIT`,
  `LOWER_PRIORITY`, `CROWDED_OUT`, or `NO_TIME` when the appointments take the whole day).

Accounts due only within the horizon ahead are not listed: the day owes them nothing yet.
"""
from __future__ import annotations

from datetime import datetime

from server.tours.due import CROWDED_OUT, DayPick, DueAccount
from server.tours.travel import Point, TravelModel

__all__ = ["BEYOND_ROUND_TRIP", "CROWDED_OUT", "left_out", "split_reachable"]

BEYOND_ROUND_TRIP = "beyond a day's round trip"


def split_reachable(due: list[DueAccount], *, home: Point | None, day_min: float,
                    travel: TravelModel) -> tuple[list[DueAccount], list[DueAccount]]:
    """(accounts a day can hold, accounts beyond a day's round trip), each in `due`'s order.
    `day_min`: the working day's minutes less the lunch break; the drives are `travel`'s
    (`legs`: home to the account and back, minutes). No home base: all reachable."""
    if home is None or not due:
        return list(due), []
    there, back = travel.legs(home, [(d.lat, d.lon) for d in due])
    reachable, beyond = [], []
    for d, out, ret in zip(due, there, back):
        (beyond if out + d.visit_min + ret > day_min else reachable).append(d)
    return reachable, beyond


def left_out(pick: DayPick, beyond: list[DueAccount], *, day_end: datetime) -> list[dict[str, str]]:
    """`[{"account_id", "reason"}]` for the accounts due by `day_end` that are not among the
    day's candidates: those `beyond` a day's round trip first, then those `pick` cut, with
    the reason it gives them (module docstring)."""
    def owed(d: DueAccount) -> bool:
        return d.next_due_at is None or d.next_due_at < day_end

    return ([{"account_id": d.account_id, "reason": BEYOND_ROUND_TRIP} for d in beyond if owed(d)]
            + [{"account_id": d.account_id, "reason": reason} for d, reason in pick.cut if owed(d)])

"""The due list's time-split rule (server/tours/due.py), as a pure function."""
from __future__ import annotations

from server.tours.due import IN_QUOTA_BONUS, SEGMENT_BASE, VISIT_SHARE, DueAccount, pick_for_day

MINUTES = {"A": 60, "B": 45, "C": 30}


def due(segment: str, n: int, overdue_weeks: int = 0) -> DueAccount:
    return DueAccount(account_id=f"{segment}{n}", name=f"{segment}{n}", segment=segment, lat=47.3, lon=5.0,
                      opening_hours=None, next_due_at=None, kind="overdue", overdue_days=7 * overdue_weeks,
                      priority=SEGMENT_BASE[segment] + overdue_weeks, visit_min=MINUTES[segment])


def test_each_segment_gets_its_share_of_the_day_and_extras_rank_below_it():
    pool = sorted([due(s, n, n % 4) for s in "ABC" for n in range(20)], key=lambda d: -d.priority)
    split = {"A": 0.5, "B": 0.35, "C": 0.15}
    picked = pick_for_day(pool, working_min=570, lunch_min=60, booked_min={}, split=split).candidates
    capacity = (570 - 60) * VISIT_SHARE
    in_quota = [d for d in picked if d.priority >= IN_QUOTA_BONUS]
    extras = [d for d in picked if d.priority < IN_QUOTA_BONUS]
    for segment, share in (("A", 0.5), ("B", 0.35), ("C", 0.15)):
        got = sum(d.visit_min for d in in_quota if d.segment == segment)
        assert share * capacity <= got < share * capacity + MINUTES[segment]
    assert extras and max(d.priority for d in extras) < min(d.priority for d in in_quota)


def test_booked_appointments_use_up_their_segments_quota():
    pool = [due(s, n) for s in "ABC" for n in range(10)]
    split = {"A": 0.5, "B": 0.35, "C": 0.15}
    free = pick_for_day(pool, working_min=570, lunch_min=60, booked_min={}, split=split).candidates
    busy = pick_for_day(pool, working_min=570, lunch_min=60, booked_min={"A": 180}, split=split).candidates

    def quota_a(picked):
        return sum(1 for d in picked if d.segment == "A" and d.priority >= IN_QUOTA_BONUS)
    assert quota_a(busy) == quota_a(free) - 3

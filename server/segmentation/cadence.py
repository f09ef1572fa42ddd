"""Visit cadence: when an account is due again, from its segment and its last visit.

`next_due_at = last visit + 365 / visits_per_year` of the account's segment, moved
forward to the owner's next worked day when it falls on a day it does not work: a
weekend day or a public holiday of its team (same local time of day; `DueDays` of
server/agenda/workdays.py, without absences). It is set when a visit is logged
(server/visits/entity.py), when an account is rescored or imported, and recomputed
for every account when the model changes (server/segmentation/recompute.py), so a new
cadence applies at once, and moved again when its owner's calendar changes (a team's
holidays, the owner's team, hours or zone: server/accounts/due_dates.py). An account never visited keeps the due date it has (the tour
planner treats it as due).

Why forward, and why not absences: the date is shown to people as "à visiter le…" and
nobody can act on a Sunday. Moving it forward never takes an account out of a tour on
or after its cadence date — the planner takes every account due before the day's end
plus a 7-day horizon, and the tablet offline every account due before the day's end, so
a date moved from Saturday to Monday is a candidate on Monday either way, and from the
Monday of the week before on the server; what changes is that the lateness (and its
weekly priority bonus) counts from the first day the rep could have come. Leave is left
out because it is entered after due dates are computed, can move, and the account may
change hands; the planner already keeps absent days free, and an overdue account comes
first on the rep's return.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.agenda.workdays import DueDays
from server.segmentation.models import CommercialModel

DEFAULT_CADENCE = {"A": {"visits_per_year": 12, "calls_per_year": 8, "visit_minutes": 60},
                   "B": {"visits_per_year": 4, "calls_per_year": 4, "visit_minutes": 45},
                   "C": {"visits_per_year": 2, "calls_per_year": 2, "visit_minutes": 30}}


def cadence(session: Session) -> dict[str, dict]:
    """The active model's visit cadence per segment ({"A": {"visits_per_year": …}, …}), as
    stored; DEFAULT_CADENCE when the model sets none. Taken from the model this transaction
    has already read when it has (a visit's follow-ups read it just before: one query fewer)."""
    from server.segmentation.service import cached_active_model
    model = cached_active_model(session)
    if model is not None:
        definition = model.stored.definition if model.stored is not None else None
    else:
        definition = session.scalar(select(CommercialModel.definition).where(CommercialModel.active.is_(True))
                                    .limit(1))
    return (definition or {}).get("cadence") or DEFAULT_CADENCE


def interval_days(policy: dict[str, dict], segment: str) -> float:
    per_year = (policy.get(segment) or DEFAULT_CADENCE.get(segment, DEFAULT_CADENCE["C"])).get("visits_per_year") or 1
    return 365.0 / max(per_year, 0.1)


def next_due_at(policy: dict[str, dict], segment: str, last_visit_at: datetime | None, *,
                days: DueDays | None, owner_id: str | None) -> datetime | None:
    """When an account of `segment` visited last at `last_visit_at` (aware) is due again, by
    `policy` (the model's cadence), on a day its owner `owner_id` works (`days`, built with
    absences=False; None only where no person acts on the date). None when never visited."""
    if last_visit_at is None:
        return None
    due = shift(last_visit_at, interval_days(policy, segment))
    return days.move(owner_id, due) if days is not None else due


def visit_minutes(policy: dict[str, dict], segment: str) -> int:
    return int((policy.get(segment) or DEFAULT_CADENCE["C"]).get("visit_minutes") or 30)


def shift(last_visit_at: datetime, days: float) -> datetime:
    """The due date `days` after a visit (the set-based recompute precomputes `days` per segment)."""
    return last_visit_at + timedelta(days=days)


def calls_per_year(policy: dict[str, dict], segment: str) -> float:
    return float((policy.get(segment) or DEFAULT_CADENCE.get(segment, DEFAULT_CADENCE["C"])).get("calls_per_year") or 0)

"""Visit cadence: when an account is due again, from its segment and its last visit.

`next_due_at = last visit + 365 / visits_per_year` of the account's segment. It is
set when a visit is logged (server/visits/entity.py) and recomputed for every account
when the model changes (server/segmentation/recompute.py), so a new cadence applies
at once. An account never visited keeps the due date it has (the tour planner treats
it as due).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def next_due_at(policy: dict[str, dict], segment: str, last_visit_at: datetime | None) -> datetime | None:
    if last_visit_at is None:
        return None
    return shift(last_visit_at, interval_days(policy, segment))


def visit_minutes(policy: dict[str, dict], segment: str) -> int:
    return int((policy.get(segment) or DEFAULT_CADENCE["C"]).get("visit_minutes") or 30)


def shift(last_visit_at: datetime, days: float) -> datetime:
    """The due date `days` after a visit (the set-based recompute precomputes `days` per segment)."""
    return last_visit_at + timedelta(days=days)


def calls_per_year(policy: dict[str, dict], segment: str) -> float:
    return float((policy.get(segment) or DEFAULT_CADENCE.get(segment, DEFAULT_CADENCE["C"])).get("calls_per_year") or 0)

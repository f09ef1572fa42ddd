"""Segment every account with a model, set-based (DESIGN.md: 100,000 accounts < 10 s).

One query reads only the columns the scoring needs; Python scores plain tuples with
a compiled `Scorer`; the accounts that changed are written back in chunks — one
`UPDATE … FROM unnest(arrays)` per chunk on PostgreSQL (a VALUES list without its
thousands of parameters), one executemany on SQLite — never
an ORM loop. Each changed account takes a new `version` from a block of change
numbers (`numbers.reserve(n)`, PROTOCOL C1–C2), so tablets pull it.

An account is written only when its result changes (or it was never scored): a
new model version that leaves an account's scores, segment and due date as they were
does not make every tablet pull it again. So `model_version` is the version that last
changed the account's result (the explanation always uses the active model).

Written per changed account: `computed_segment`, `weight_score`, `potential_score`,
`model_version`, `segment` (the override's when there is one: an override is never
erased by a recompute) and `next_due_at` (last visit + 365 / visits_per_year of the
segment, on a day the owner works — server/segmentation/cadence.py; left as it is when
the account was never visited). `field_meta` is not
touched: none of these fields is writable by a client, so no merge reads it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.agenda.workdays import DueDays
from server.db import utcnow
from server.segmentation import cadence

CHUNK = 5000
_T = Account.__table__
_WRITTEN = ("version", "segment", "computed_segment", "weight_score", "potential_score", "model_version",
            "next_due_at")


@dataclass
class Evaluation:
    """What a model would do to a set of accounts."""

    total: int = 0
    before: Counter = field(default_factory=Counter)
    after: Counter = field(default_factory=Counter)
    # (account_id, name, from, to) for accounts whose segment changes
    segment_changes: list[tuple[str, str, str, str]] = field(default_factory=list)
    # rows to write: (id, segment, computed, weight, potential, model_version, next_due_at)
    updates: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {"total": self.total, "changed": len(self.segment_changes),
                "before": {s: self.before.get(s, 0) for s in "ABC"},
                "after": {s: self.after.get(s, 0) for s in "ABC"}}


def evaluate(session: Session, model, *, where=None, with_names: bool = False) -> Evaluation:
    """Score the accounts matching `where` (all by default) with `model`; writes nothing."""
    definition, scorer = model.definition, model.scorer
    needed = sorted({c["field"] for c in definition["criteria"] if c["source"] == "field"})
    stmt = select(_T.c.id, _T.c.name if with_names else _T.c.id.label("_name"), _T.c.segment,
                  _T.c.computed_segment, _T.c.segment_override, _T.c.weight_score, _T.c.potential_score,
                  _T.c.model_version, _T.c.last_visit_at, _T.c.next_due_at, _T.c.custom, _T.c.owner_id,
                  *(_T.c[n] for n in needed))
    if where is not None:
        stmt = stmt.where(where)
    policy, version = definition["cadence"], model.version
    interval = {s: cadence.interval_days(policy, s) for s in "ABC"}
    days = DueDays(session, absences=False)  # due dates on days the owners work
    owners = select(_T.c.owner_id).distinct()
    days.load(session.scalars(owners.where(where) if where is not None else owners))
    out = Evaluation()
    rows = (row for part in session.execute(stmt.order_by(_T.c.id)).partitions(10_000) for row in part)
    for row in rows:  # fetched 10,000 at a time: memory stays bounded, no per-row round trip
        (account_id, name, segment, computed_before, override, w_before, p_before, mv_before,
         last_visit, due_before, custom, owner_id) = row[:12]
        columns = dict(zip(needed, row[12:], strict=True)) if needed else {}
        weight, potential, computed = scorer.score(custom, columns)
        new_segment = override["segment"] if override else computed
        due = due_before if last_visit is None else days.move(owner_id, cadence.shift(last_visit, interval[new_segment]))
        out.total += 1
        out.before[segment] += 1
        out.after[new_segment] += 1
        if new_segment != segment:
            out.segment_changes.append((account_id, name, segment, new_segment))
        if mv_before is None or (new_segment, computed, weight, potential, due) != (
                segment, computed_before, w_before, p_before, due_before):
            out.updates.append((account_id, new_segment, computed, weight, potential, version, due))
    return out


def recompute(*, session: Session, model, where=None) -> dict[str, Any]:
    """Segment the accounts (all by default) with `model` and write what changed."""
    from sync.changes import change_numbers
    with change_numbers(session) as numbers:  # C1: the counter is locked before we read
        result = evaluate(session, model, where=where)
        if result.updates:
            first = numbers.reserve(len(result.updates))
            write(session, result.updates, first_version=first)
    return {**result.counts(), "written": len(result.updates), "model_version": model.version}


def write(session: Session, rows: list[tuple], *, first_version: int) -> None:
    """Write scored rows back, versions `first_version`, `first_version + 1`, …"""
    now = utcnow()
    versioned = [(first_version + i, *row) for i, row in enumerate(rows)]
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(versioned), CHUNK):
            _update_from_values(session, versioned[start:start + CHUNK], now)
    else:
        stmt = update(_T).where(_T.c.id == bindparam("b_id")).values(
            updated_at=bindparam("b_now"), **{name: bindparam(f"b_{name}") for name in _WRITTEN})
        for start in range(0, len(versioned), CHUNK):
            session.execute(stmt, [_params(r, now) for r in versioned[start:start + CHUNK]])
    for obj in list(session.identity_map.values()):  # loaded accounts are stale now
        if isinstance(obj, Account):
            session.expire(obj)


def _params(row: tuple, now: datetime) -> dict[str, Any]:
    version, account_id, segment, computed, weight, potential, model_version, due = row
    return {"b_id": account_id, "b_now": now, "b_version": version, "b_segment": segment,
            "b_computed_segment": computed, "b_weight_score": weight, "b_potential_score": potential,
            "b_model_version": model_version, "b_next_due_at": due}


def _update_from_values(session: Session, rows: list[tuple], now: datetime) -> None:
    """One UPDATE per chunk, its rows passed as one array per column (8 parameters, not 8 × n)."""
    columns = list(zip(*rows, strict=True))
    session.execute(_PG_UPDATE, {"version": list(columns[0]), "id": list(columns[1]), "segment": list(columns[2]),
                                 "computed": list(columns[3]), "weight": list(columns[4]),
                                 "potential": list(columns[5]), "model_version": list(columns[6]),
                                 "due": list(columns[7]), "now": now})


_PG_UPDATE = text("""
UPDATE account AS a
SET version = v.version, segment = v.segment, computed_segment = v.computed, weight_score = v.weight,
    potential_score = v.potential, model_version = v.model_version, next_due_at = v.due, updated_at = :now
FROM unnest(CAST(:version AS bigint[]), CAST(:id AS varchar[]), CAST(:segment AS varchar[]),
            CAST(:computed AS varchar[]), CAST(:weight AS float8[]), CAST(:potential AS float8[]),
            CAST(:model_version AS integer[]), CAST(:due AS timestamptz[]))
     AS v(version, id, segment, computed, weight, potential, model_version, due)
WHERE a.id = v.id
""")

"""Set-based writes for the demo, and versions taken from the sync change counter.

Every syncable record gets a positive, distinct `version` from a block of change
numbers reserved with one UPDATE of `sync_counter` (which also holds its row lock
until commit, as every writer does: see sync/PROTOCOL.md), so pulls see the demo
as ordinary changes.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import insert, select, update

from server.db import new_id
from sync.models import ChangeCounter

CHUNK = 2000


def reserve_versions(session, count: int) -> int:
    """Reserve `count` change numbers; returns the first one."""
    if session.get(ChangeCounter, 1) is None:
        session.execute(insert(ChangeCounter).values(id=1, value=0, pruned_below=0, epoch=new_id()))
    session.execute(update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value + count))
    last = session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1))
    return last - count + 1


class Writer:
    """Inserts rows in chunks and counts them per table."""

    def __init__(self, session) -> None:
        self.session = session
        self.counts: Counter[str] = Counter()

    def stamp(self, *groups: list[dict[str, Any]]) -> None:
        """Give every row of `groups` its version, in order, from one reserved block."""
        total = sum(len(rows) for rows in groups)
        if not total:
            return
        version = reserve_versions(self.session, total)
        for rows in groups:
            for row in rows:
                row["version"] = version
                version += 1

    def insert(self, model, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.session.execute(insert(model), rows[start:start + CHUNK])
        self.counts[model.__tablename__] += len(rows)

"""Stored due dates follow a change of their owners' working calendars.

An account's `next_due_at` is put on a day its owner works when it is computed (a visit, a
recompute, an owner change: `DueDays`, server/agenda/workdays.py). When an admin or a
manager then changes which days a user works — its team's public-holiday calendar ("FR" →
"FR-57" adds Good Friday and 26 December), its team, its weekly hours or its time zone —
the stored dates that now fall on a day off move to the next worked day, at the same local
time, in the same transaction (`following_calendars`). Absences are left alone, as
`DueDays(absences=False)` leaves them everywhere a due date is stored.

Set-based: the owners' accounts with a due date are read three columns at a time (id,
owner, date) in partitions, and filtered in Python by `DueDays`, which decides each
(owner, local day) once; only the accounts that move are written, by chunks of
`CHUNK` in one executemany, each with a new version from a block of change numbers
(`numbers.reserve`, PROTOCOL C1–C2, as the segment recompute stamps them), so tablets
pull them. A team of 10,000 accounts is a read of 10,000 small rows; a SQL filter on the
local day would need each owner's time zone and holiday list in the query.

The kept tour plans of the users whose calendar changed go stale from yesterday on and are
queued for the planner, as an absence makes its days' plans stale (server/tours/service.py):
their worked days and their due lists changed.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.actor import Actor
from server.agenda.workdays import DueDays, calendar_keys
from server.db import utcnow

CHUNK = 5000
# Owners per IN list of the read (the bound parameters stay far below every database's limit).
OWNERS_PER_READ = 500
_T = Account.__table__


@contextmanager
def following_calendars(session: Session, actor: Actor, user_ids: Iterable[str]) -> Iterator[None]:
    """Around a change of users, teams or both: the users of `user_ids` whose working calendar
    the block changed get their accounts' due dates moved (`move_off_days`). Flushes the
    session after the block."""
    candidates = list(user_ids)
    before = calendar_keys(session, candidates)
    yield
    session.flush()
    after = calendar_keys(session, candidates)
    changed = sorted(user_id for user_id, key in before.items() if after.get(user_id, key) != key)
    if changed:
        move_off_days(session, actor, changed)


def move_off_days(session: Session, actor: Actor, owner_ids: list[str]) -> int:
    """Move the `next_due_at` of the accounts of `owner_ids` that fall on a day their owner does
    not work (weekly hours, team holidays; absences aside) to the owner's next worked day, same
    local time; each moved account gets a new version. The kept tour plans of `owner_ids` go
    stale from yesterday on. Returns how many accounts moved. Flushed, not committed."""
    from server.tours.service import portfolios_changed
    from sync.changes import change_numbers, now_ms

    with change_numbers(session) as numbers:  # C1: the counter is locked before we read what we write
        days = DueDays(session, absences=False)
        days.load(owner_ids)
        moved = []
        for start in range(0, len(owner_ids), OWNERS_PER_READ):
            stmt = (select(_T.c.id, _T.c.owner_id, _T.c.next_due_at)
                    .where(_T.c.owner_id.in_(owner_ids[start:start + OWNERS_PER_READ]), _T.c.next_due_at.isnot(None))
                    .order_by(_T.c.id))
            for part in session.execute(stmt).partitions(10_000):
                moved += [(row.id, due) for row in part
                          if (due := days.move(row.owner_id, row.next_due_at)) != row.next_due_at]
        if moved:
            _write(session, moved, first_version=numbers.reserve(len(moved)))
        ctx = SimpleNamespace(session=session, numbers=numbers, time_ms=now_ms(), actor=actor)
        portfolios_changed(ctx, owner_ids, since=utcnow().date() - timedelta(days=1))
    return len(moved)


_MOVE = update(_T).where(_T.c.id == bindparam("b_id")).values(
    next_due_at=bindparam("b_due"), version=bindparam("b_version"), updated_at=bindparam("b_now"))


def _write(session: Session, moved: list[tuple], *, first_version: int) -> None:
    """`moved` = [(account id, new due date)], versions `first_version`, `first_version + 1`, …"""
    now = utcnow()
    params = [{"b_id": account_id, "b_due": due, "b_version": first_version + n, "b_now": now}
              for n, (account_id, due) in enumerate(moved)]
    for start in range(0, len(params), CHUNK):
        session.execute(_MOVE, params[start:start + CHUNK])
    moved_ids = {account_id for account_id, _due in moved}
    for obj in list(session.identity_map.values()):  # loaded accounts hold the old date and version
        if isinstance(obj, Account) and obj.id in moved_ids:
            session.expire(obj)

"""A small company with hand-countable March 2026 figures (see the numbers in each test).

Team T: rep R1 (accounts a1 A, a2 A, b1 B, c1 C) and rep R2 (a3 A, b2 B), their
manager, a telemarketer; team U: rep R3 (a4 A). Everyone works in Europe/Paris:
March 2026 runs from 2026-02-28T23:00Z to 2026-03-31T22:00Z (summer time from the 29th).
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_account, make_quote, make_team, make_user, make_visit, token_headers


class World(dict):
    __getattr__ = dict.__getitem__


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def visit(session, account, rep, start: str, minutes: int, kind: str = "onsite", outcome: str = "follow-up"):
    begun = at(start)
    return make_visit(session, account, rep, started_at=begun, ended_at=begun + timedelta(minutes=minutes),
                      kind=kind, outcome=outcome)


def quote(session, account, rep, status, created, routed=None, quoted=None, closed=None, amount=None):
    return make_quote(session, account, rep, status=status, created_at=at(created),
                      routed_at=routed and at(routed), quoted_at=quoted and at(quoted),
                      closed_at=closed and at(closed), amount=amount)


@pytest.fixture
def world(app, session):
    team, other = make_team(session, "T"), make_team(session, "U")
    r1 = make_user(session, "rep", team=team, name="R1")
    r2 = make_user(session, "rep", team=team, name="R2")
    r3 = make_user(session, "rep", team=other, name="R3")
    w = World(team=team, other=other, r1=r1, r2=r2, r3=r3,
              manager=make_user(session, "manager", team=team), tele=make_user(session, "telemarketer", team=team),
              manager_u=make_user(session, "manager", team=other), admin=make_user(session, "admin"),
              backoffice=make_user(session, "backoffice"))
    acc = lambda owner, seg: make_account(session, owner, segment=seg, computed_segment=seg)  # noqa: E731
    w.update(a1=acc(r1, "A"), a2=acc(r1, "A"), b1=acc(r1, "B"), c1=acc(r1, "C"),
             a3=acc(r2, "A"), b2=acc(r2, "B"), a4=acc(r3, "A"))
    # March visits of team T: A 60+90+60+30 min on site, B 45, C a 15-min phone call.
    visit(session, w.a1, r1, "2026-03-10T09:00", 60)
    visit(session, w.a1, r1, "2026-03-20T09:00", 90)
    visit(session, w.a2, r1, "2026-02-28T23:30", 60)  # 1 March 00:30 in Paris: in March
    visit(session, w.b1, r1, "2026-03-12T09:00", 45)
    visit(session, w.c1, r1, "2026-03-15T09:00", 15, kind="phone", outcome="interested")
    visit(session, w.a3, r2, "2026-03-05T09:00", 30, outcome="quote-requested")
    # Outside March: 1 April 00:30 in Paris; an old B visit (within B's 91-day cadence
    # on 31 March); an old C visit (outside C's 182-day cadence).
    visit(session, w.b1, r1, "2026-03-31T22:30", 45)
    visit(session, w.b2, r2, "2026-01-10T09:00", 45)
    visit(session, w.c1, r1, "2025-06-01T09:00", 30)
    visit(session, w.a4, r3, "2026-03-10T09:00", 60)  # team U
    # Quotes: turnaround 24 h, 48 h, 6 h; routing 1 h, 0.5 h, 2 h.
    quote(session, w.a1, r1, "won", "2026-03-02T08:00", "2026-03-02T09:00", "2026-03-03T08:00", "2026-03-10T08:00", 8000)
    quote(session, w.b1, r1, "lost", "2026-03-04T08:00", "2026-03-04T08:30", "2026-03-06T08:00", "2026-03-12T08:00", 3000)
    quote(session, w.a3, r2, "won", "2026-03-05T10:00", "2026-03-05T12:00", "2026-03-05T16:00", "2026-03-20T08:00", 4000)
    quote(session, w.c1, r1, "submitted", "2026-03-25T08:00")
    quote(session, w.a2, r1, "won", "2026-02-20T08:00", "2026-02-20T09:00", "2026-02-25T08:00", "2026-03-02T08:00", 2000)
    quote(session, w.a4, r3, "won", "2026-03-02T08:00", "2026-03-02T09:00", "2026-03-03T08:00", "2026-03-09T08:00", 99999)
    session.commit()
    return w


@pytest.fixture
def headers(app, world):
    cache = {}

    def of(name: str) -> dict[str, str]:
        if name not in cache:
            cache[name] = token_headers(app, world[name])
        return cache[name]
    return of

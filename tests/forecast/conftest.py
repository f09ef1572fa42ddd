"""A small company with hand-countable March 2026 forecast figures (see tests/forecast/test_forecast.py).

Team T: reps R1 and R2, their manager; team U: rep R3. Everyone in Europe/Paris; now
is pinned at 2026-03-10 12:00 UTC. The history is too thin for the win table (fewer
than FORECAST_MIN_HISTORY closed deals), so the configured stage probabilities apply:
lead .1, requested .2, quoted .5.

- W0: R1's "maintenance" quote opened 10 Feb, won 20 Feb, 500 € (10 days)
- W1: R1's "maintenance" quote opened 25 Feb, won 5 Mar, 1,000 € (8 days)
  → median delay to win 9 days; mean won "maintenance" amount 750 €
- Q1: R1's quote quoted 2 Mar at 2,000 €, opportunity in `commit`, expected 25 Mar
- L1: R2's opportunity without quote, estimate 800 €, `best_case`, expected 20 Mar
- L2: R1's opportunity without quote, 300 €, expected 15 April (outside March)
- R1q: R2's "maintenance" quote submitted 8 Mar, no amount → 750 €, expected 8 + 9 = 17 Mar
- X: R3's quote quoted 1 Mar at 5,000 €, expected 1 + 9 = 10 Mar
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from server.forecast.models import Opportunity
from tests.factories import make_account, make_quote, make_team, make_user

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


class World(dict):
    __getattr__ = dict.__getitem__


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def opportunity(session, account, rep, **fields) -> Opportunity:
    opp = Opportunity(account_id=account.id, rep_id=rep.id, field_meta={}, **fields)
    session.add(opp)
    session.flush()
    return opp


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app, session, clock):
    team, other = make_team(session, "T"), make_team(session, "U")
    r1 = make_user(session, "rep", team=team, name="R1")
    r2 = make_user(session, "rep", team=team, name="R2")
    r3 = make_user(session, "rep", team=other, name="R3")
    w = World(team=team, other=other, r1=r1, r2=r2, r3=r3, manager=make_user(session, "manager", team=team),
              manager_u=make_user(session, "manager", team=other), admin=make_user(session, "admin"),
              tele=make_user(session, "telemarketer", team=team))
    a1 = make_account(session, r1, segment="A", computed_segment="A")
    b2 = make_account(session, r2, segment="B", computed_segment="B")
    c3 = make_account(session, r3, segment="C", computed_segment="C")
    w.update(a1=a1, b2=b2, c3=c3)
    make_quote(session, a1, r1, status="won", created_at=at("2026-02-10T09:00"), quoted_at=at("2026-02-12T09:00"),
               closed_at=at("2026-02-20T09:00"), amount=500.0)
    w.w1 = make_quote(session, a1, r1, status="won", created_at=at("2026-02-25T09:00"),
                      quoted_at=at("2026-02-27T09:00"), closed_at=at("2026-03-05T09:00"), amount=1000.0)
    w.q1 = make_quote(session, a1, r1, status="quoted", created_at=at("2026-02-28T09:00"),
                      quoted_at=at("2026-03-02T09:00"), amount=2000.0)
    opportunity(session, a1, r1, quote_id=w.q1.id, category="commit", expected_close=date(2026, 3, 25))
    w.l1 = opportunity(session, b2, r2, amount=800.0, category="best_case", expected_close=date(2026, 3, 20),
                       product_line="moteurs", created_at=at("2026-03-03T09:00"))
    opportunity(session, a1, r1, amount=300.0, expected_close=date(2026, 4, 15), created_at=at("2026-03-04T09:00"))
    make_quote(session, b2, r2, status="submitted", created_at=at("2026-03-08T09:00"))
    make_quote(session, c3, r3, status="quoted", created_at=at("2026-03-01T09:00"), quoted_at=at("2026-03-01T15:00"),
               amount=5000.0, product_line="moteurs")
    session.commit()
    return w

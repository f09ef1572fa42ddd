"""GET /api/forecast/backtest on a hand-built history; later events have no effect on a month's forecast.

Now is 15 June 2026; the last two months are April and May. R1's "maintenance" deals:
- H1 opened 2 Mar, quoted 1,000 €, won 12 Mar (10 days)
- H2 opened 3 Apr, won 13 Apr, 2,000 € (10 days)
- O1 opened 25 Apr, quoted 28 Apr at 4,000 €, won 8 May
On 1 May (00:00 Paris) the history has 2 closed deals (stage probabilities: quoted .5),
a median delay of 10 days, so O1 is expected on 5 May: weighted 4,000 × .5 = 2,000.
New business (deals opened and won within a month), mean of Nov–Apr: (1,000 + 2,000)/6 = 500.
May: forecast 2,500, stage baseline 2,000, actual 4,000, last period (April) 2,000.
April (on 1 April nothing is open): forecast 1,000/6 = 166.67, stage 0, actual 2,000, last period 1,000.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import make_account, make_quote, make_team, make_user, token_headers

NOW = datetime(2026, 6, 15, 10, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def history(app, session):
    with time_machine.travel(NOW, tick=False):
        team = make_team(session, "T")
        rep = make_user(session, "rep", team=team)
        manager = make_user(session, "manager", team=team)
        account = make_account(session, rep)
        make_quote(session, account, rep, status="won", created_at=at("2026-03-02T09:00"),
                   quoted_at=at("2026-03-04T09:00"), closed_at=at("2026-03-12T09:00"), amount=1000.0)
        make_quote(session, account, rep, status="won", created_at=at("2026-04-03T09:00"),
                   quoted_at=at("2026-04-06T09:00"), closed_at=at("2026-04-13T09:00"), amount=2000.0)
        make_quote(session, account, rep, status="won", created_at=at("2026-04-25T09:00"),
                   quoted_at=at("2026-04-28T09:00"), closed_at=at("2026-05-08T09:00"), amount=4000.0)
        session.commit()
        yield {"rep": rep, "manager": manager, "account": account, "session": session}


def backtest(client, app, user, months=2):
    with time_machine.travel(NOW, tick=False):
        return client.get("/api/forecast/backtest", query_string={"months": months}, headers=token_headers(app, user))


def test_hand_computed_months(client, app, history):
    response = backtest(client, app, history["manager"])
    assert response.status_code == 200
    body = response.get_json()
    assert [(m["month"], m["forecast"], m["actual"]) for m in body["months"]] == [
        ("2026-04", 166.67, 2000.0), ("2026-05", 2500.0, 4000.0)]
    # MAPE: (|166.67 − 2,000|/2,000 + |2,500 − 4,000|/4,000)/2 = (.916667 + .375)/2
    assert body["mape"] == pytest.approx(64.58, abs=0.01)
    # stage: (1 + .5)/2; last period: (|1,000 − 2,000|/2,000 + |2,000 − 4,000|/4,000)/2
    assert body["baseline_mape"] == {"stage": 75.0, "last_period": 50.0}


def test_a_later_event_has_no_effect_on_the_month_forecast(client, app, history):
    session, rep, account = history["session"], history["rep"], history["account"]
    before = backtest(client, app, history["manager"]).get_json()["months"]
    # Planted after 1 May: a deal opened and won in May, and a deal opened on 29 April
    # whose quote (50,000 €) and win came after 1 May.
    make_quote(session, account, rep, status="won", created_at=at("2026-05-10T09:00"),
               quoted_at=at("2026-05-12T09:00"), closed_at=at("2026-05-20T09:00"), amount=9999.0)
    late = make_quote(session, account, rep, status="submitted", created_at=at("2026-04-29T09:00"))
    session.commit()
    seen = backtest(client, app, history["manager"]).get_json()["months"]
    late.status, late.quoted_at, late.amount, late.closed_at = "won", at("2026-05-02T09:00"), 50000.0, at(
        "2026-05-15T09:00")
    session.commit()
    after = backtest(client, app, history["manager"]).get_json()["months"]
    assert after[1]["forecast"] == seen[1]["forecast"]  # what happened to it after 1 May is unseen
    assert after[1]["actual"] == before[1]["actual"] + 9999.0 + 50000.0
    assert after[0] == before[0]  # April knows nothing of May


def test_backtest_is_for_managers(client, app, history):
    response = backtest(client, app, history["rep"])
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_months_is_bounded(client, app, history):
    response = backtest(client, app, history["manager"], months=0)
    assert response.status_code == 422
    assert "months" in response.get_json()["errors"]

"""The demo's history makes the forecast meaningful: wins every month, and a backtest that beats both baselines.

The demo is anchored on the day it is loaded; here that day is pinned, so the
figures do not depend on when the suite runs.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from server.demo import load_demo
from server.users.models import User
from tests.factories import token_headers

DAY = datetime(2026, 11, 29, 10, tzinfo=UTC)


@pytest.fixture
def demo(app, session):
    with time_machine.travel(DAY, tick=False):
        load_demo(session=session)
        manager = session.scalar(select(User).where(User.email == "manager@example.com"))
        yield {"manager": manager}


def test_every_month_of_the_history_has_wins(client, app, demo):
    with time_machine.travel(DAY, tick=False):
        response = client.get("/api/forecast", query_string={"from": "2023-12-01", "to": "2026-10-31"},
                              headers=token_headers(app, demo["manager"]))
    assert response.status_code == 200
    months = response.get_json()["groups"]
    assert len(months) == 35
    assert all(month["won"] > 0 for month in months), [m["key"] for m in months if m["won"] <= 0]
    assert response.get_json()["model"]["kind"] == "calibrated"


def test_the_backtest_beats_both_baselines(client, app, demo):
    with time_machine.travel(DAY, tick=False):
        response = client.get("/api/forecast/backtest", query_string={"months": 12},
                              headers=token_headers(app, demo["manager"]))
    assert response.status_code == 200
    body = response.get_json()
    assert [m["month"] for m in body["months"]][0] == "2025-11"
    assert all(m["actual"] > 0 for m in body["months"])
    assert body["mape"] < body["baseline_mape"]["stage"]
    assert body["mape"] < body["baseline_mape"]["last_period"]

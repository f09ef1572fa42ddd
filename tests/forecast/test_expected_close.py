"""When an open deal is expected to close (server/forecast/service.py `expected_close`): a date
the app works out is a worked day, one a person set and still ahead stays as set (a user trial
saw deals listed to close on a Saturday, a Sunday and Christmas Day)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from server.forecast.deals import Deal
from server.forecast.service import expected_close

PARIS = ZoneInfo("Europe/Paris")
SATURDAY = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def deal(expected: date | None, opened: datetime = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)) -> Deal:
    return Deal(id="d", rep_id="r", account_id="a", segment="A", product_line="moteurs", maturity=None,
                opened_at=opened, quote_at=None, in_progress_at=None, quoted_at=None, quoted_amount=None,
                estimate=None, outcome=None, closed_at=None, expected_close=expected, category="pipeline")


def known(delay_days: int):
    """No history of wins: the configured delay from the deal's opening (knowledge.py's fallback)."""
    return SimpleNamespace(won_delays=[], delay_days=delay_days)


@pytest.mark.parametrize(("expected", "as_of", "closes"), [
    (date(2026, 12, 12), SATURDAY, date(2026, 12, 12)),  # set by a person, ahead: as set, a Saturday too
    (date(2026, 11, 20), SATURDAY, date(2026, 12, 7)),   # set and passed: today, a Saturday → Monday
    (None, SATURDAY, date(2026, 12, 7)),                 # estimated: opened 2 Nov + 33 days = Sat 5 Dec → Mon 7
    (None, datetime(2026, 12, 20, 10, 0, tzinfo=UTC), date(2026, 12, 21)),  # a Sunday estimate → Monday
])
def test_a_worked_out_close_date_is_a_worked_day(expected, as_of, closes):
    assert expected_close(deal(expected), known(33), as_of, PARIS) == closes


def test_an_estimate_on_christmas_day_closes_the_next_worked_day():
    opened = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # + 24 days: Friday 25 December
    assert expected_close(deal(None, opened), known(24), opened, PARIS) == date(2026, 12, 28)

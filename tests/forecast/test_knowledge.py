"""What the history teaches about an open deal's age: hand-computed on three wins and two losses."""
from __future__ import annotations

import pytest

from server.forecast.knowledge import Known
from server.forecast.probability import Model

MODEL = Model(kind="calibrated", trained_on=5, stage_probabilities={})
KNOWN = Known(model=MODEL, delay_days=20, amounts={}, won_delays=(10.0, 20.0, 30.0), lost_delays=(40.0, 50.0))


def test_a_deal_still_open_after_most_wins_is_less_likely_won():
    # At 25 days: wins still open (1 + ½)/(3 + 1) = .375, losses (2 + ½)/(2 + 1) = .833333;
    # p = .5 becomes .5·.375 / (.5·.375 + .5·.833333) = .310345.
    assert KNOWN.still_open(0.5, 25) == pytest.approx(0.310345, abs=1e-6)
    # Young, nothing closed yet: (3.5/4) against (2.5/3) barely moves it.
    assert KNOWN.still_open(0.5, 5) == pytest.approx(0.5 * 0.875 / (0.5 * 0.875 + 0.5 * 2.5 / 3), abs=1e-9)


def test_the_time_left_is_the_median_of_the_longer_wins():
    assert KNOWN.remaining_days(15) == 10.0  # wins of 20 and 30 days: median 25, minus 15
    assert KNOWN.remaining_days(5) == 15.0  # all three: median 20, minus 5
    assert KNOWN.remaining_days(35) == 0.0  # older than every win: expected now


def test_without_history_the_probability_stays():
    empty = Known(model=MODEL, delay_days=45, amounts={})
    assert empty.still_open(0.4, 100) == 0.4

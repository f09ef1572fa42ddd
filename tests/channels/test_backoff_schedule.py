"""The retry schedule: first retry within 30 s, growth, Retry-After, 24 h before giving up."""

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.backoff import MAX_DELAY_S, delay_bounds, next_delay, should_give_up

bounded = settings(max_examples=50, deadline=None, database=None)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
attempts = st.integers(min_value=1, max_value=200)


@bounded
@given(seed=seeds)
def test_first_retry_is_within_30_seconds(seed):
    assert 0 < next_delay(1, rng=random.Random(seed)) <= 30


@bounded
@given(seed=seeds, attempt=attempts)
def test_delays_stay_within_their_bounds(seed, attempt):
    low, high = delay_bounds(attempt)
    assert 0 < low <= next_delay(attempt, rng=random.Random(seed)) <= high <= MAX_DELAY_S


def test_upper_bound_grows_until_the_one_hour_cap():
    highs = [delay_bounds(attempt)[1] for attempt in range(1, 100)]

    assert all(a <= b for a, b in zip(highs, highs[1:], strict=False))
    capped = highs.index(MAX_DELAY_S)
    assert all(a < b for a, b in zip(highs[:capped], highs[1:capped + 1], strict=False))
    assert highs[-1] == MAX_DELAY_S


@bounded
@given(seed=seeds)
def test_retries_go_on_for_24_hours_then_give_up(seed):
    rng = random.Random(seed)
    first = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    now, attempt = first, 1
    while not should_give_up(first, now):  # attempt `attempt` has just failed at `now`
        now += timedelta(seconds=next_delay(attempt, rng=rng))
        attempt += 1
        assert attempt < 100, "the schedule must reach 24 h in a bounded number of attempts"

    assert now - first >= timedelta(hours=24)
    assert now - first < timedelta(hours=25)


@bounded
@given(seed=seeds, attempt=attempts, retry_after=st.floats(min_value=0, max_value=MAX_DELAY_S))
def test_retry_after_is_a_floor(seed, attempt, retry_after):
    delay = next_delay(attempt, rng=random.Random(seed), retry_after_s=retry_after)

    assert retry_after <= delay <= MAX_DELAY_S


@bounded
@given(seed=seeds, retry_after=st.floats(min_value=MAX_DELAY_S, max_value=10**9))
def test_a_very_long_retry_after_is_capped(seed, retry_after):
    assert next_delay(1, rng=random.Random(seed), retry_after_s=retry_after) == MAX_DELAY_S


@pytest.mark.parametrize("retry_after", [-5.0, math.nan, math.inf, None])
def test_unusable_retry_after_is_ignored(retry_after):
    assert 15 <= next_delay(1, rng=random.Random(1), retry_after_s=retry_after) <= 30


def test_attempts_count_from_one():
    with pytest.raises(ValueError):
        next_delay(0)


def test_give_up_only_after_24_hours():
    first = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)

    assert not should_give_up(first, first + timedelta(hours=23, minutes=59))
    assert should_give_up(first, first + timedelta(hours=24))
    assert not should_give_up(first, first + timedelta(hours=47), give_up_after=timedelta(hours=48))

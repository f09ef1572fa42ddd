"""The win table on hand-built histories: each figure below is worked out by hand in its comment."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.forecast.deals import Deal
from server.forecast.probability import train

STAGES = {"lead": 0.1, "requested": 0.2, "in_progress": 0.3, "quoted": 0.5}
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def deal(n: int, outcome: str | None, *, segment="A", line="moteurs", maturity=3, quoted=False,
         lone=False) -> Deal:
    opened = T0 + timedelta(days=n)
    return Deal(id=f"d{n}", rep_id="r", account_id="a", segment=segment, product_line=line, maturity=maturity,
                opened_at=opened, quote_at=None if lone else opened, in_progress_at=None,
                quoted_at=opened + timedelta(days=1) if quoted else None, quoted_amount=100.0 if quoted else None,
                estimate=None, outcome=outcome, closed_at=opened + timedelta(days=5) if outcome else None,
                expected_close=None, category="pipeline")


def three_won_one_lost():
    return [deal(1, "won"), deal(2, "won"), deal(3, "won"), deal(4, "lost")]


def test_each_level_shrinks_toward_the_one_above():
    # 4 examples in one cell (requested, maturity 3, A, moteurs), 3 won; k = 10:
    # all (3+1)/(4+2) = .666667 → stage (3+10·.666667)/14 = .690476 → maturity .707483
    # → segment .719631 → line (3+10·.719631)/14 = .728308
    model = train(three_won_one_lost(), stage_probabilities=STAGES, min_history=1)
    assert model.kind == "calibrated"
    assert model.trained_on == 4
    assert model.probability("requested", 3, "A", "moteurs") == pytest.approx(0.728308, abs=1e-6)


def test_an_empty_cell_falls_back_to_its_parent():
    # No B deal: the segment cell is (0 + 10·p(maturity))/(0 + 10) = p(maturity) = .707483,
    # and the line cell below it keeps that value.
    model = train(three_won_one_lost(), stage_probabilities=STAGES, min_history=1)
    assert model.probability("requested", 3, "B", "moteurs") == pytest.approx(0.707483, abs=1e-6)
    # An unseen stage: (0 + 10·.666667)/10 all the way down.
    assert model.probability("quoted", 3, "A", "moteurs") == pytest.approx(0.666667, abs=1e-6)


def test_brier_is_leave_one_out():
    # Without a won example: counts 2/3 → .6, .615385, .627219, .636322, .643325.
    # Without the lost one: 3/3 → .8, .846154, .881657, .908967, .929974.
    # Brier = (3·(1 − .643325)² + .929974²)/4 = .311626
    model = train(three_won_one_lost(), stage_probabilities=STAGES, min_history=1)
    assert model.brier == pytest.approx(0.311626, abs=1e-6)
    band = next(b for b in model.calibration if b["low"] <= 0.93 < b["high"])
    assert band["count"] == 1 and band["observed"] == 0.0  # the lost deal, predicted .93
    assert sum(b["count"] for b in model.calibration) == 4


def test_a_deal_counts_once_per_stage_it_went_through():
    # Quoted then won: one example at `requested`, one at `quoted`; opened without a quote
    # then lost: one at `lead`: 2 wins in 3 examples, p_all = (2+1)/(3+2) = .6;
    # p(quoted) = (1 + 10·.6)/11 = .636364, then .669421, .699474, .726795.
    model = train([deal(1, "won", quoted=True), deal(2, "lost", lone=True)], stage_probabilities=STAGES,
                  min_history=1)
    assert model.probability("quoted", 3, "A", "moteurs") == pytest.approx(0.726795, abs=1e-6)
    assert model.probability("lead", 3, "A", "moteurs") < 0.6 < model.probability("requested", 3, "A", "moteurs")
    # What the Brier score and the calibration are measured on: 3 examples from 2 deals.
    assert (model.trained_on, model.examples) == (2, 3)
    assert sum(b["count"] for b in model.calibration) == model.examples


def test_thin_history_uses_the_configured_stage_probabilities():
    model = train(three_won_one_lost(), stage_probabilities=STAGES, min_history=5)
    assert model.kind == "stage"
    assert model.probability("requested", 3, "A", "moteurs") == 0.2
    # Brier of .2 on 3 wins and a loss: (3·.8² + .2²)/4 = .49
    assert model.brier == pytest.approx(0.49)


def test_open_deals_are_not_learned_from():
    model = train(three_won_one_lost() + [deal(9, None)], stage_probabilities=STAGES, min_history=1)
    assert model.trained_on == 4

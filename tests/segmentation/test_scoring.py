"""Scoring is pure: bands, weights, normalisation, the 2×2 matrix, missing data."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from server.segmentation.defaults import default_definition
from server.segmentation.schemas import load_definition, normalise
from server.segmentation.scoring import Scorer, parse_bool, parse_number
from tests.segmentation.conftest import HIGH_BOTH, HIGH_WEIGHT, LOW_BOTH


def two_criteria(**overrides):
    """One criterion per axis, plus a second weight criterion with another max."""
    body = {
        "criteria": [
            {"key": "revenue", "label": "CA", "axis": "weight", "weight": 3,
             "bands": [{"min": None, "max": 10_000, "points": 0}, {"min": 10_000, "max": 100_000, "points": 2},
                       {"min": 100_000, "max": None, "points": 4}], "max_points": 5},
            {"key": "orders", "label": "Commandes", "axis": "weight", "weight": 1,
             "bands": [{"min": 0, "max": 5, "points": 1}, {"min": 5, "max": None, "points": 10}]},
            {"key": "sector", "label": "Secteur", "axis": "potential", "weight": 2,
             "bands": {"categories": {"Aéronautique": 5, "btp": 2}}},
        ],
        "thresholds": {"weight": 50, "potential": 50},
        "mapping": {"high_high": "A", "high_low": "B", "low_high": "B", "low_low": "C"},
        "cadence": {s: {"visits_per_year": n, "calls_per_year": 0, "visit_minutes": 30}
                    for s, n in (("A", 12), ("B", 4), ("C", 2))},
        "time_split": {"A": 0.5, "B": 0.35, "C": 0.15},
    }
    body.update(overrides)
    return load_definition(body)


def test_axis_score_is_weighted_points_over_weighted_maxima():
    scorer = Scorer(two_criteria())
    weight, potential, _ = scorer.score({"revenue": 150_000, "orders": 2, "sector": "btp"})
    # weight axis: (3×4 + 1×1) / (3×5 + 1×10) = 13/25; potential: 2×2 / 2×5
    assert weight == 52.0
    assert potential == 40.0


def test_band_edges_min_inclusive_max_exclusive():
    scorer = Scorer(two_criteria())
    assert scorer.explain({"revenue": 9_999.99}).criteria[0].points == 0
    assert scorer.explain({"revenue": 10_000}).criteria[0].points == 2
    assert scorer.explain({"revenue": 100_000}).criteria[0].points == 4


@pytest.mark.parametrize(("custom", "segment"), [
    ({"revenue": 150_000, "orders": 9, "sector": "aéronautique"}, "A"),  # high, high
    ({"revenue": 150_000, "orders": 9, "sector": "btp"}, "B"),           # high, low
    ({"revenue": 0, "orders": 0, "sector": "AÉRONAUTIQUE"}, "B"),        # low, high (case-insensitive)
    ({"revenue": 0, "orders": 0, "sector": "btp"}, "C"),                 # low, low
])
def test_matrix_of_both_axes_gives_the_segment(custom, segment):
    assert Scorer(two_criteria()).score(custom)[2] == segment


def test_mapping_is_editable():
    inverted = two_criteria(mapping={"high_high": "A", "high_low": "C", "low_high": "A", "low_low": "C"})
    assert Scorer(inverted).score({"revenue": 0, "orders": 0, "sector": "aéronautique"})[2] == "A"


def test_missing_data_scores_zero_but_counts_in_the_denominator():
    scorer = Scorer(two_criteria())
    full = scorer.explain({"revenue": 150_000, "orders": 9, "sector": "btp"})
    gap = scorer.explain({"revenue": 150_000, "sector": "btp"})  # orders unknown
    assert full.weight == 88.0  # (12 + 10) / 25
    assert gap.weight == 48.0   # 12 / 25: the unknown criterion still weighs in
    orders = next(c for c in gap.criteria if c.key == "orders")
    assert (orders.value, orders.points, orders.contribution) == (None, 0, 0.0)


def test_unreadable_values_score_zero():
    scorer = Scorer(two_criteria())
    assert scorer.explain({"revenue": "beaucoup"}).criteria[0].points == 0
    assert scorer.explain({"revenue": "150 000,00"}).criteria[0].points == 4  # French text is read


@pytest.mark.parametrize("custom", [HIGH_BOTH, HIGH_WEIGHT, LOW_BOTH, {}, {"employees": "12", "sector": "BTP"}])
def test_contributions_add_up_to_each_axis_score(custom):
    scored = Scorer(normalise(default_definition())).explain(custom)
    for axis in ("weight", "potential"):
        total = sum(c.contribution for c in scored.criteria if c.axis == axis)
        assert abs(total - getattr(scored, axis)) <= 0.5


def test_default_model_segments_the_reference_accounts():
    scorer = Scorer(normalise(default_definition()))
    assert [scorer.score(c)[2] for c in (HIGH_BOTH, HIGH_WEIGHT, LOW_BOTH)] == ["A", "B", "C"]


def test_boolean_and_field_sources():
    body = two_criteria()
    body["criteria"].append({"key": "autonomy", "label": "Autonomie", "axis": "potential", "weight": 1,
                             "source": "answer", "bands": [{"value": True, "points": 5}, {"value": False, "points": 0}]})
    body["criteria"].append({"key": "client", "label": "Statut", "axis": "potential", "weight": 1,
                             "source": "field", "field": "status", "bands": [{"values": ["client"], "points": 5}]})
    scorer = Scorer(load_definition(body))
    scored = scorer.explain({"answers": {"autonomy": "oui"}}, {"status": "client"})
    points = {c.key: c.points for c in scored.criteria}
    assert points["autonomy"] == 5 and points["client"] == 5


@pytest.mark.parametrize(("text", "number"), [("182 000,50", 182000.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
                                              ("-3,5 %", -3.5), ("12", 12.0), ("abc", None), ("", None)])
def test_french_numbers(text, number):
    assert parse_number(text) == number


def test_booleans_in_french():
    assert [parse_bool(v) for v in ("oui", "Non", "VRAI", "x", "peut-être")] == [True, False, True, True, None]


@pytest.mark.parametrize(("change", "field"), [
    ({"time_split": {"A": 0.5, "B": 0.5, "C": 0.5}}, "time_split"),
    ({"thresholds": {"weight": 50, "potential": 150}}, "thresholds.potential"),
    ({"mapping": {"high_high": "A", "high_low": "B", "low_high": "B", "low_low": "D"}}, "mapping.low_low"),
    ({"surprise": 1}, "surprise"),
    ({"cadence": {"A": {"visits_per_year": 12, "calls_per_year": 1, "visit_minutes": 60, "extra": 1},
                  "B": {"visits_per_year": 4, "calls_per_year": 1, "visit_minutes": 45},
                  "C": {"visits_per_year": 2, "calls_per_year": 1, "visit_minutes": 30}}}, "cadence.A.extra"),
])
def test_invalid_definitions_are_refused(change, field):
    with pytest.raises(ValidationError) as info:
        two_criteria(**change)
    flat = str(info.value.messages)
    assert field.split(".")[-1] in flat


def test_overlapping_bands_and_low_max_points_are_refused():
    body = two_criteria()
    body["criteria"][0]["bands"] = [{"min": 0, "max": 10, "points": 1}, {"min": 5, "max": 20, "points": 2}]
    with pytest.raises(ValidationError, match="overlap"):
        load_definition(body)
    body = two_criteria()
    body["criteria"][0]["max_points"] = 3  # a band gives 4
    with pytest.raises(ValidationError, match="max_points"):
        load_definition(body)


def test_each_axis_needs_a_criterion():
    body = two_criteria()
    body["criteria"] = [c for c in body["criteria"] if c["axis"] == "weight"]
    with pytest.raises(ValidationError, match="potential"):
        load_definition(body)

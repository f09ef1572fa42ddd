"""Score an account's criteria data with a commercial-model definition.

The same arithmetic as the segmentation engine (server/segmentation/scoring.py),
for the definitions the demo writes (values read from `custom`, well-typed), so
the segments the demo stores are the ones the engine computes.
"""
from __future__ import annotations

from typing import Any


def points(criterion: dict[str, Any], value: Any) -> int:
    """Points of `value` in the criterion's bands; 0 when missing or in no band."""
    if value is None:
        return 0
    kind = criterion.get("type", "number")
    for band in criterion["bands"]:
        if kind == "category" and value in band["values"]:
            return band["points"]
        if kind == "boolean" and value is band["value"]:
            return band["points"]
        if kind == "number" and not isinstance(value, bool):
            low, high = band.get("min"), band.get("max")
            if (low is None or value >= low) and (high is None or value < high):
                return band["points"]
    return 0


def axis_scores(definition: dict[str, Any], custom: dict[str, Any]) -> dict[str, float]:
    """0–100 per axis: Σ weight × points / max_points over Σ weights."""
    totals: dict[str, float] = {}
    weights: dict[str, float] = {}
    for criterion in definition["criteria"]:
        axis, weight = criterion["axis"], criterion["weight"]
        best = max(band["points"] for band in criterion["bands"]) or 1
        value = custom.get(criterion.get("field") or criterion["key"])
        totals[axis] = totals.get(axis, 0.0) + weight * points(criterion, value) / best
        weights[axis] = weights.get(axis, 0.0) + weight
    return {axis: round(100.0 * totals[axis] / weights[axis], 2) for axis in totals}


def segment_of(definition: dict[str, Any], scores: dict[str, float]) -> str:
    thresholds = definition["thresholds"]
    level = {axis: "high" if scores.get(axis, 0.0) >= thresholds[axis] else "low" for axis in ("weight", "potential")}
    return definition["mapping"][f"{level['weight']}_{level['potential']}"]

"""The default commercial model: what a fresh install (and the demo) starts with.

Two axes: current *weight* (revenue and orders of last year) and *potential*
(revenue trend over 3 years, employees, sector, maintenance done in-house or
outsourced, purchasing autonomy of the site). The shape of a definition is
described and validated in schemas.py; scoring.py says how it scores (bands,
missing data = 0 points, axis scores 0–100, thresholds, mapping).
"""
from __future__ import annotations

import copy
from typing import Any

_NUMBER = "number"
_CATEGORY = "category"
_BOOLEAN = "boolean"


def _bands(edges: list[float], points: list[int]) -> list[dict[str, Any]]:
    """Consecutive number bands: `edges` are the inner limits, one more `points` than edges."""
    limits = [None, *edges, None]
    return [{"min": limits[i], "max": limits[i + 1], "points": points[i]} for i in range(len(points))]


SECTORS = {
    "aéronautique": 5, "transport": 4, "industrie": 4, "agroalimentaire": 3,
    "agriculture": 2, "btp": 2, "négoce": 1, "collectivité": 1,
}

# Each criterion's label in both languages; where a person reads one, it is in that person's
# language (server/i18n.py → localized).
LABELS: dict[str, dict[str, str]] = {
    "revenue_last_year": {"fr": "Chiffre d'affaires N-1 (€)", "en": "Revenue last year (€)"},
    "orders_last_year": {"fr": "Commandes N-1", "en": "Orders last year"},
    "revenue_trend_3y": {"fr": "Évolution du CA sur 3 ans (%)", "en": "Revenue trend over 3 years (%)"},
    "employees": {"fr": "Effectif", "en": "Headcount"},
    "sector": {"fr": "Secteur d'activité", "en": "Industry"},
    "maintenance_inhouse": {"fr": "Maintenance réalisée en interne", "en": "Maintenance done in-house"},
    "purchasing_autonomy": {"fr": "Autonomie d'achat du site", "en": "Site's purchasing autonomy"},
}

DEFAULT_DEFINITION: dict[str, Any] = {
    "criteria": [
        {"key": "revenue_last_year", "label": LABELS["revenue_last_year"], "axis": "weight", "type": _NUMBER,
         "weight": 3, "bands": _bands([5_000, 20_000, 50_000, 100_000, 200_000], [0, 1, 2, 3, 4, 5])},
        {"key": "orders_last_year", "label": LABELS["orders_last_year"], "axis": "weight", "type": _NUMBER,
         "weight": 1, "bands": _bands([1, 3, 6, 12, 24], [0, 1, 2, 3, 4, 5])},
        {"key": "revenue_trend_3y", "label": LABELS["revenue_trend_3y"], "axis": "potential", "type": _NUMBER,
         "weight": 2, "bands": _bands([-10, 0, 5, 10, 20], [0, 1, 2, 3, 4, 5])},
        {"key": "employees", "label": LABELS["employees"], "axis": "potential", "type": _NUMBER,
         "weight": 2, "bands": _bands([10, 20, 50, 100, 250], [0, 1, 2, 3, 4, 5])},
        {"key": "sector", "label": LABELS["sector"], "axis": "potential", "type": _CATEGORY,
         "weight": 2, "bands": [{"values": [s for s, p in SECTORS.items() if p == points], "points": points}
                                for points in sorted(set(SECTORS.values()), reverse=True)]},
        {"key": "maintenance_inhouse", "label": LABELS["maintenance_inhouse"], "axis": "potential",
         "type": _BOOLEAN, "weight": 1,
         # Outsourced maintenance is work we can win; in-house teams still buy parts.
         "bands": [{"value": False, "points": 5}, {"value": True, "points": 2}]},
        {"key": "purchasing_autonomy", "label": LABELS["purchasing_autonomy"], "axis": "potential",
         "type": _BOOLEAN, "weight": 1,
         "bands": [{"value": True, "points": 5}, {"value": False, "points": 0}]},
    ],
    "thresholds": {"weight": 50, "potential": 50},
    "mapping": {"high_high": "A", "high_low": "B", "low_high": "B", "low_low": "C"},
    "cadence": {
        "A": {"visits_per_year": 12, "calls_per_year": 8, "visit_minutes": 60},
        "B": {"visits_per_year": 4, "calls_per_year": 4, "visit_minutes": 45},
        "C": {"visits_per_year": 2, "calls_per_year": 2, "visit_minutes": 30},
    },
    "time_split": {"A": 0.5, "B": 0.35, "C": 0.15},
}


def default_definition() -> dict[str, Any]:
    """A fresh copy, safe to change."""
    return copy.deepcopy(DEFAULT_DEFINITION)

"""Scoring an account against a commercial-model definition: pure, no database.

For each axis (current *weight*, future *potential*):

    score = 100 × Σ weight × points / Σ weight × max_points        (criteria of the axis)
    contribution of a criterion = 100 × weight × points / Σ weight × max_points

so the contributions of an axis add up to its score. Scores are rounded to 2
decimals *before* they are compared with the thresholds, so the stored score and
the segment can never disagree. An axis is "high" when its score ≥ its threshold;
`mapping["<weight level>_<potential level>"]` gives the segment.

**Missing data** (absent, null, empty text), a value that cannot be read (text where
a number is expected) or a value in no band gives **0 points but still counts in the
denominator**: an account is not rewarded for a gap. This is deliberate — data
quality matters (PRODUCT.md), the coverage report shows which criteria lack data,
and the explanation shows `value: null` so a rep knows what to fill in.

Values: numbers accept French text ("182 000,50"); categories compare case-insensitively
(a list, such as tags, takes its best-scoring item); booleans accept true/false and
oui/non, vrai/faux, yes/no, 1/0, x.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_TRUE = frozenset({"true", "oui", "vrai", "yes", "y", "o", "1", "x"})
_FALSE = frozenset({"false", "non", "faux", "no", "n", "0", ""})
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: Any) -> float | None:
    """A number from JSON or from French/English text; None when it is not one."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        return float(text)
    if not isinstance(text, str):
        return None
    s = _SPACES.sub("", text).replace("€", "").replace("%", "")
    if not s:
        return None
    if "," in s and "." in s:  # the last separator is the decimal one: 1.234,5 or 1,234.5
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        s = value.strip().casefold()
        if s in _TRUE:
            return True
        if s in _FALSE and s:
            return False
    return None


def is_present(value: Any) -> bool:
    """Whether a criterion has data (what the coverage report counts)."""
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return len(value.strip() if isinstance(value, str) else value) > 0
    return True


def read_value(criterion: Mapping[str, Any], custom: Mapping[str, Any] | None, columns: Mapping[str, Any]) -> Any:
    """The raw value a criterion reads on an account (see schemas.py, `source`)."""
    source, name = criterion.get("source", "custom"), criterion.get("field") or criterion["key"]
    if source == "field":
        return columns.get(name)
    custom = custom or {}
    if source == "answer":
        answers = custom.get("answers")
        return answers.get(name) if isinstance(answers, dict) else None
    return custom.get(name)


def _number_points(bands: list[dict[str, Any]]) -> Callable[[Any], float]:
    ranges = [(-1e308 if b["min"] is None else b["min"], 1e308 if b["max"] is None else b["max"], b["points"])
              for b in bands]

    def points(value: Any) -> float:
        number = value if type(value) in (int, float) else parse_number(value)  # fast path: JSON numbers
        if number is None:
            return 0.0
        for low, high, pts in ranges:
            if low <= number < high:
                return pts
        return 0.0
    return points


def _key(value: Any) -> str:
    return str(value).strip().casefold()


def _category_points(bands: list[dict[str, Any]]) -> Callable[[Any], float]:
    table: dict[str, float] = {}
    for band in bands:
        for value in band["values"]:
            table.setdefault(_key(value), band["points"])

    def points(value: Any) -> float:
        if isinstance(value, list):
            return max((table.get(_key(v), 0.0) for v in value), default=0.0)
        return table.get(_key(value), 0.0) if is_present(value) else 0.0
    return points


def _boolean_points(bands: list[dict[str, Any]]) -> Callable[[Any], float]:
    table = {band["value"]: band["points"] for band in bands}

    def points(value: Any) -> float:
        flag = parse_bool(value)
        return 0.0 if flag is None else table.get(flag, 0.0)
    return points


_POINTS = {"number": _number_points, "category": _category_points, "boolean": _boolean_points}


@dataclass(frozen=True)
class CriterionScore:
    key: str
    label: str | dict[str, str]  # as the definition has it: the caller resolves it for its reader
    axis: str
    value: Any
    points: float
    max_points: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class AccountScore:
    weight: float
    potential: float
    segment: str
    criteria: tuple[CriterionScore, ...] = ()


class Scorer:
    """A definition compiled once, to score many accounts fast (recompute, import, dry run).

    The definition must be normalised (schemas.normalise): every criterion has its
    `type`, `source`, `field` and `max_points`.
    """

    def __init__(self, definition: Mapping[str, Any]) -> None:
        self.definition = definition
        self.criteria = list(definition["criteria"])
        self.thresholds = {axis: float(definition["thresholds"][axis]) for axis in ("weight", "potential")}
        self.mapping = dict(definition["mapping"])
        self.denominator = {"weight": 0.0, "potential": 0.0}
        for c in self.criteria:
            self.denominator[c["axis"]] += c["weight"] * c["max_points"]
        self._compiled = [(c, c["axis"], c["weight"], _POINTS[c["type"]](c["bands"])) for c in self.criteria]
        # The fast path reads custom[field] directly for the usual source; the others go through read_value.
        self._fast = [(c["field"] if c.get("source", "custom") == "custom" else None, c, axis == "weight", weight, pts)
                      for c, axis, weight, pts in self._compiled]

    def segment_of(self, weight_score: float, potential_score: float) -> str:
        level_w = "high" if weight_score >= self.thresholds["weight"] else "low"
        level_p = "high" if potential_score >= self.thresholds["potential"] else "low"
        return self.mapping[f"{level_w}_{level_p}"]

    def score(self, custom: Mapping[str, Any] | None, columns: Mapping[str, Any] = {}) -> tuple[float, float, str]:  # noqa: B006
        """(weight score, potential score, computed segment): the fast path, no explanation."""
        custom = custom or {}
        on_weight = on_potential = 0.0
        for name, criterion, is_weight, weight, points in self._fast:
            value = custom.get(name) if name is not None else read_value(criterion, custom, columns)
            if is_weight:
                on_weight += weight * points(value)
            else:
                on_potential += weight * points(value)
        w = self._normalised({"weight": on_weight}, "weight")
        p = self._normalised({"potential": on_potential}, "potential")
        return w, p, self.segment_of(w, p)

    def explain(self, custom: Mapping[str, Any] | None, columns: Mapping[str, Any] = {}) -> AccountScore:  # noqa: B006
        """The score with one line per criterion: value read, points, contribution."""
        lines, totals = [], {"weight": 0.0, "potential": 0.0}
        for criterion, axis, weight, points in self._compiled:
            value = read_value(criterion, custom, columns)
            pts = points(value)
            totals[axis] += weight * pts
            denominator = self.denominator[axis] or 1.0
            lines.append(CriterionScore(
                key=criterion["key"], label=criterion["label"], axis=axis,
                value=value if is_present(value) else None, points=_tidy(pts),
                max_points=_tidy(criterion["max_points"]), weight=_tidy(weight),
                contribution=round(100.0 * weight * pts / denominator, 2)))
        w, p = self._normalised(totals, "weight"), self._normalised(totals, "potential")
        return AccountScore(weight=w, potential=p, segment=self.segment_of(w, p), criteria=tuple(lines))

    def _normalised(self, totals: dict[str, float], axis: str) -> float:
        denominator = self.denominator[axis]
        return round(100.0 * totals[axis] / denominator, 2) if denominator else 0.0


def _tidy(number: float) -> float | int:
    """4.0 → 4, so that the explanation reads as the manager typed it."""
    return int(number) if float(number).is_integer() else number

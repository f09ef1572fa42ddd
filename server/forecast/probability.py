"""Win probabilities learned from the company's own closed deals: a smoothed Bayesian table.

Why a table and not scikit-learn's calibrated logistic regression: the features are
all categorical (stage, project maturity, segment, product line), a company's
history is a few hundred to a few tens of thousands of closed deals, and managers
must be able to check a figure by hand. A hierarchical Beta-binomial table does
that with counts alone; each level shrinks toward the level above with a fixed
prior strength `k` (empirical Bayes "backoff", as in Gelman et al., *Bayesian Data
Analysis*, ch. 5), so a thin cell falls back to its parent instead of saying 0 or 1:

    p(all)                        = (W + 1) / (N + 2)                   (Laplace)
    p(stage)                      = (w + k·p(all)) / (n + k)
    p(stage, maturity)            = (w + k·p(stage)) / (n + k)
    p(stage, maturity, segment)   = (w + k·p(stage, maturity)) / (n + k)
    p(…, product line)            = (w + k·p(stage, maturity, segment)) / (n + k)

with w wins out of n examples in the cell. Each closed deal gives one example per
stage it went through (a won deal quoted after being in progress counts for
`requested`, `in_progress` and `quoted`), so p(stage) is the rate at which deals
that reached that stage were won. Being a posterior mean of counts it is
calibrated by construction on its own data; the calibration and the Brier score
shown to managers are measured leave-one-out (each example predicted from the
counts without it), so they do not flatter the model. Age and rep are left out:
split that finely a company's history leaves most cells empty.

With fewer than `min_history` closed deals the table is not trusted and the
configured stage probabilities are used instead (`kind = "stage"`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from server.forecast.deals import Deal

STRENGTH = 10.0  # prior strength k, in examples
BANDS = 5  # calibration bands of width 0.2


@dataclass
class Model:
    kind: str  # "calibrated" or "stage"
    trained_on: int  # closed deals read
    stage_probabilities: dict[str, float]
    # What the Brier score and the calibration are measured on: one example per stage each closed deal
    # went through, so at least `trained_on`; the calibration bands' counts add up to it.
    examples: int = 0
    brier: float = 0.0
    calibration: list[dict] = field(default_factory=list)
    counts: dict[tuple, list[int]] = field(default_factory=dict)
    strength: float = STRENGTH

    def probability(self, stage: str, maturity: int | None, segment: str, product_line: str) -> float:
        if self.kind == "stage":
            return self.stage_probabilities.get(stage, 0.0)
        return _chain(self.counts, _keys(stage, maturity, segment, product_line), self.strength)

    def describe(self) -> dict:
        return {"kind": self.kind, "trained_on": self.trained_on, "brier": round(self.brier, 4)}


def _keys(stage: str, maturity: int | None, segment: str, product_line: str) -> list[tuple]:
    m = maturity if maturity is not None else 0
    return [(), (stage,), (stage, m), (stage, m, segment), (stage, m, segment, product_line)]


def _chain(counts: dict[tuple, list[int]], keys: list[tuple], k: float, minus: int | None = None) -> float:
    """The posterior mean down the hierarchy; `minus` removes one example (won 1 / lost 0)."""
    wins, n = counts.get(keys[0], (0, 0))
    if minus is not None:
        wins, n = wins - minus, n - 1
    p = (wins + 1) / (n + 2)
    for key in keys[1:]:
        wins, n = counts.get(key, (0, 0))
        if minus is not None:
            wins, n = wins - minus, n - 1
        p = (wins + k * p) / (n + k)
    return p


def examples(deals: list[Deal]) -> list[tuple[list[tuple], int]]:
    """(cell keys, won) for every stage every closed deal went through."""
    out = []
    for deal in deals:
        if deal.outcome is None:
            continue
        won = 1 if deal.outcome == "won" else 0
        for stage in deal.stages_passed():
            out.append((_keys(stage, deal.maturity, deal.segment, deal.product_line), won))
    return out


def train(closed: list[Deal], *, stage_probabilities: dict[str, float], min_history: int,
          strength: float = STRENGTH) -> Model:
    """A model from closed deals (open ones are ignored): the table, or the stage fallback."""
    closed = [d for d in closed if d.outcome is not None]
    rows = examples(closed)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for keys, won in rows:
        for key in keys:
            cell = counts[key]
            cell[0] += won
            cell[1] += 1
    counts = dict(counts)
    if len(closed) < min_history:
        predicted = [(stage_probabilities.get(keys[1][0], 0.0), won) for keys, won in rows]
        kind = "stage"
    else:
        predicted = [(_chain(counts, keys, strength, minus=won), won) for keys, won in rows]
        kind = "calibrated"
    return Model(kind=kind, trained_on=len(closed), stage_probabilities=stage_probabilities, examples=len(rows),
                 brier=brier(predicted), calibration=calibration(predicted), counts=counts, strength=strength)


def brier(predicted: list[tuple[float, int]]) -> float:
    """Mean squared difference between the probability and the outcome (Brier, 1950); 0 when empty."""
    if not predicted:
        return 0.0
    return sum((p - won) ** 2 for p, won in predicted) / len(predicted)


def calibration(predicted: list[tuple[float, int]]) -> list[dict]:
    """Per band of predicted probability: how many, the mean predicted and the observed win rate."""
    bands: list[list[tuple[float, int]]] = [[] for _ in range(BANDS)]
    for p, won in predicted:
        bands[min(int(p * BANDS), BANDS - 1)].append((p, won))
    return [{"low": i / BANDS, "high": (i + 1) / BANDS, "count": len(band),
             "predicted": round(sum(p for p, _ in band) / len(band), 4) if band else None,
             "observed": round(sum(w for _, w in band) / len(band), 4) if band else None}
            for i, band in enumerate(bands)]

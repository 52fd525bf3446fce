"""Turning human overrides into a monotone mapping from the grader's raw credit to credit.

Ten labels per question are too few to fit a curve alone, so strength is pooled: one global isotonic
mapping fitted on every question's overrides, plus a small per-question linear adjustment on top of it,
shrunk towards "no adjustment" (ridge) so a handful of labels moves it only a little.
"""

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy.optimize import isotonic_regression

MIN_QUESTION_LABELS = 3
# Ridge priors, in labels, towards "no per-question adjustment"; tuned on Mohler assignments 1-6.
# The offset (a question graded more harshly overall) is held tighter than the slope.
OFFSET_STRENGTH = 4.0
SLOPE_STRENGTH = 0.5
MAX_KNOTS = 64


class Calibration(BaseModel):
    """raw credit -> credit: a global piecewise-linear monotone curve, then offset + slope per question."""

    model_config = ConfigDict(frozen=True)

    knots_x: list[float] = [0.0, 1.0]
    knots_y: list[float] = [0.0, 1.0]
    offset: float = 0.0
    slope: float = 1.0
    labels: int = 0  # labels behind the per-question adjustment (0: global mapping only)

    def global_credit(self, raw: float) -> float:
        return float(np.interp(raw, self.knots_x, self.knots_y))

    def apply(self, raw: float) -> float:
        return float(np.clip(self.offset + self.slope * self.global_credit(raw), 0.0, 1.0))


def fit_calibration(
    *,
    raw: list[float],
    human: list[float],
    base: Calibration | None = None,
    offset_strength: float = OFFSET_STRENGTH,
    slope_strength: float = SLOPE_STRENGTH,
) -> Calibration:
    """Fit from pairs of (grader raw credit, human credit), both 0-1.

    Without `base`: the global mapping (pass every question's overrides). With `base`: keep its
    mapping and fit this question's adjustment on its own overrides.
    """
    if len(raw) != len(human):
        raise ValueError("raw and human must have the same length")
    if base is None:
        return _fit_global(np.asarray(raw, dtype=float), np.asarray(human, dtype=float))
    if len(raw) < MIN_QUESTION_LABELS:
        return base
    mapped = np.array([base.global_credit(r) for r in raw])
    offset, slope = _shrunk_line(
        mapped, np.asarray(human, dtype=float), penalty=np.diag([offset_strength, slope_strength])
    )
    return base.model_copy(update={"offset": offset, "slope": slope, "labels": len(raw)})


def _fit_global(raw: np.ndarray, human: np.ndarray) -> Calibration:
    if raw.size == 0:
        return Calibration()
    xs, inverse = np.unique(raw, return_inverse=True)
    counts = np.bincount(inverse).astype(float)
    means = np.bincount(inverse, weights=human) / counts
    fitted = isotonic_regression(means, weights=counts, increasing=True).x
    if xs.size == 1:
        return Calibration(knots_x=[0.0, 1.0], knots_y=[float(fitted[0])] * 2)
    # Each constant block becomes a knot at its weighted centre; interpolation smooths the steps.
    blocks = np.flatnonzero(np.diff(fitted, prepend=np.nan) != 0)
    ends = np.append(blocks[1:], xs.size)
    centres = [float(np.average(xs[s:e], weights=counts[s:e])) for s, e in zip(blocks, ends, strict=True)]
    values = [float(fitted[s]) for s in blocks]
    step = max(1, len(centres) // MAX_KNOTS)
    knots_x, knots_y = centres[::step], values[::step]
    return Calibration(knots_x=knots_x, knots_y=knots_y)


def _shrunk_line(x: np.ndarray, y: np.ndarray, *, penalty: np.ndarray) -> tuple[float, float]:
    """Least squares y ~ offset + slope*x with a ridge pull towards offset 0, slope 1; slope kept >= 0."""
    centre = float(x.mean())
    # Fit around the centre so the offset and slope penalties act independently.
    design = np.column_stack([np.ones_like(x), x - centre])
    prior = np.array([centre, 1.0])  # intercept at the centre and slope of the identity line
    coef = np.linalg.solve(design.T @ design + penalty, design.T @ y + penalty @ prior)
    slope = max(0.0, float(coef[1]))
    return float(coef[0] - slope * centre), slope

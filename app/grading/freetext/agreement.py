"""Agreement between the grader and human graders: the figures the dashboard shows."""

import numpy as np
from scipy.stats import pearsonr

QWK_LEVELS = 11  # credit 0-1 in steps of 0.1 for quadratic weighted kappa


def agreement(*, machine: list[float], human: list[float]) -> dict[str, float | int | None]:
    """Pearson, quadratic weighted kappa and mean absolute error of two lists of 0-1 credits.

    Pearson is None when either side is constant (or there are fewer than two pairs).
    """
    if len(machine) != len(human):
        raise ValueError("machine and human must have the same length")
    n = len(machine)
    if n == 0:
        return {"pearson": None, "qwk": None, "mae": None, "n": 0}
    m = np.clip(np.asarray(machine, dtype=float), 0.0, 1.0)
    h = np.clip(np.asarray(human, dtype=float), 0.0, 1.0)
    pearson = None if n < 2 or m.std() == 0 or h.std() == 0 else float(pearsonr(m, h).statistic)
    return {
        "pearson": pearson,
        "qwk": quadratic_weighted_kappa(m, h),
        "mae": float(np.abs(m - h).mean()),
        "n": n,
    }


def quadratic_weighted_kappa(a: np.ndarray, b: np.ndarray, levels: int = QWK_LEVELS) -> float | None:
    ia = np.rint(a * (levels - 1)).astype(int)
    ib = np.rint(b * (levels - 1)).astype(int)
    observed = np.zeros((levels, levels))
    np.add.at(observed, (ia, ib), 1.0)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    grid = np.arange(levels)
    weights = (grid[:, None] - grid[None, :]) ** 2 / (levels - 1) ** 2
    denominator = float((weights * expected).sum())
    if denominator == 0:
        return None
    return 1.0 - float((weights * observed).sum()) / denominator

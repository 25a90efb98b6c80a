"""Statistics over a population of climbers: hitting times, expected running time,
bootstrap intervals and two-sample tests. Pure NumPy/SciPy on per-climber arrays.

Example:
    >>> import numpy as np
    >>> expected_running_time(np.array([10, np.inf, 30]), np.array([100, 100, 100]))
    70.0
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def first_hitting_evaluations(
    history: np.ndarray, steps: np.ndarray, target: float, evals_per_step: float,
    initial_evaluations: float = 1.0,
) -> np.ndarray:  # fmt: skip
    """Evaluations each climber had made when its best score first reached ``target``.

    Args:
        history: ``(P, R)`` best score so far, in score units (higher is better).
        steps: ``(R,)`` the step of each history column.
        target: the score to reach (>=).
        evals_per_step: evaluations a climber makes per step.
        initial_evaluations: evaluations made before step 1.

    Returns:
        ``(P,)`` evaluations, ``inf`` where the target was never reached. With a thinned
        history the time is that of the first recorded column at or above the target.
    """
    reached = history >= target
    first = np.argmax(reached, axis=1)
    hit = reached[np.arange(len(history)), first]
    evals = initial_evaluations + steps[first] * evals_per_step
    return np.where(hit, evals.astype(float), np.inf)


def expected_running_time(hitting: np.ndarray, spent: np.ndarray) -> float:
    """Expected evaluations to reach the target when failed runs are restarted (ERT).

    ``ERT = (evaluations of successful runs until their hit + all evaluations of failed
    runs) / number of successes``; ``inf`` when no run succeeded.
    """
    hitting, spent = np.asarray(hitting, float), np.asarray(spent, float)
    success = np.isfinite(hitting)
    if not success.any():
        return float("inf")
    return float((hitting[success].sum() + spent[~success].sum()) / success.sum())


def bootstrap_median_interval(
    values: np.ndarray, *, confidence: float = 0.95, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the median (non-finite values dropped)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(values, size=(resamples, values.size)), axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(medians, [alpha, 1 - alpha])
    return float(low), float(high)


def mann_whitney(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Two-sided Mann-Whitney U test between two samples: ``(U, p-value)``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size == 0 or b.size == 0 or (np.ptp(np.concatenate([a, b])) == 0):
        return float("nan"), 1.0
    u, p = stats.mannwhitneyu(a, b, alternative="two-sided")
    return float(u), float(p)

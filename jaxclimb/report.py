"""Plain-text summaries of a population run (no plotting, no pandas).

Example:
    >>> import numpy as np
    >>> table = format_quantiles({"train accuracy": np.array([0.5, 0.7, 0.9])}, chosen=2)
    >>> table.splitlines()[1].split()
    ['train', 'accuracy', '0.9000', '0.9000', '0.8000', '0.7000', '0.6000', '0.5000']
"""

from __future__ import annotations

import numpy as np

COLUMNS = ("chosen", "max", "q75", "median", "q25", "min")


def quantile_row(values: np.ndarray, chosen: int) -> list[float]:
    """``values[chosen]`` followed by max, upper quartile, median, lower quartile, min."""
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return [float(v[chosen])] + [float("nan")] * 5
    q = np.quantile(finite, [1.0, 0.75, 0.5, 0.25, 0.0])
    return [float(v[chosen]), *map(float, q)]


def format_quantiles(rows: dict[str, np.ndarray], *, chosen: int) -> str:
    """An aligned table: one row per named array of per-climber values."""
    width = max(len(name) for name in rows) + 2
    lines = [" " * width + "".join(f"{c:>8}" for c in COLUMNS)]
    for name, values in rows.items():
        cells = "".join(f"{x:8.4f}" for x in quantile_row(values, chosen))
        lines.append(f"{name:<{width}}{cells}")
    return "\n".join(lines)


def format_run(result, *, X_test=None, y_test=None, X_train=None, y_train=None) -> str:
    """The summary the CLI prints: metric quantiles across climbers and the run's costs.

    A classifier trained on another metric (log-loss) also gets accuracy rows when the
    training data are given, so every algorithm's table reads the same.
    """
    from .metrics import METRICS

    metric = result.metric or "score"
    chosen, cfg = result.best_index(), result.config
    rows = {f"train {metric}": result.best_metric}
    if X_test is not None:
        rows[f"test {metric}"] = result.evaluate(X_test, y_test)
    if metric in METRICS and metric != "accuracy" and METRICS[metric].classification:
        if X_train is not None:
            rows["train accuracy"] = result.evaluate(X_train, y_train, metric="accuracy")
        if X_test is not None:
            rows["test accuracy"] = result.evaluate(X_test, y_test, metric="accuracy")
    steps = result.n_steps.sum()
    accepted = result.n_accepted.sum() / steps if steps else float("nan")
    lines = [
        format_quantiles(rows, chosen=chosen),
        f"chosen = climber {chosen}, the best by {cfg.get('chosen_by', f'train {metric}')}; "
        "quantiles are across "
        f"{result.population} climbers",
        f"evaluations {result.total_evaluations:,} in {result.run_seconds:.2f} s = "
        f"{result.evaluations_per_second:,.0f}/s on {cfg.get('n_devices', 1)} "
        f"{cfg.get('platform', '')} device(s); compile {result.compile_seconds:.2f} s",
        f"steps {result.steps_run:,}"
        + (" (stopped early: no climber improving)" if result.stopped_early else "")
        + f"; accepted {accepted:.1%} of moves; non-finite scores {int(result.n_nonfinite.sum())}",
    ]
    if result.interrupted:
        lines.append("interrupted: these are the results up to the interruption")
    return "\n".join(lines)

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


def number(x: float | None, digits: int = 4) -> str:
    """``x`` with ``digits`` decimals while that stays short, else in ``.6g`` (so a
    column of 1e12s stays readable); ``-`` for None."""
    if x is None:
        return "-"
    x = float(x)
    if np.isfinite(x) and abs(x) >= 1e6:
        return f"{x:.6g}"
    return f"{x:.{digits}f}"


def aligned(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned, each
    as wide as its widest cell, with two spaces between columns at any magnitude.

    Example:
        >>> print(aligned(["name", "value"], [["a", "500.0000"], ["bb", "1.0"]]))
        name     value
        a     500.0000
        bb         1.0
    """
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for row in table:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def format_quantiles(rows: dict[str, np.ndarray], *, chosen: int) -> str:
    """An aligned table: one row per named array of per-climber values (or per name, the
    six numbers of :func:`quantile_row` already computed)."""
    body = []
    for name, values in rows.items():
        row = values if isinstance(values, list) else quantile_row(values, chosen)
        body.append([name, *map(number, row)])
    return aligned(["", *COLUMNS], body)


def metric_rows(result, *, X_test=None, y_test=None, X_train=None, y_train=None) -> dict:
    """``{row name: quantile_row}`` of the training metric and, when given or saved with
    the result (``config["test_rows"]``), the test metric; a classifier searched on
    another metric (log-loss) gets accuracy rows too."""
    from ..evaluation.metrics import METRICS

    metric, chosen = result.metric or "score", result.best_index()
    arrays = {f"train {metric}": result.best_metric}
    if X_test is not None:
        arrays[f"test {metric}"] = result.evaluate(X_test, y_test)
    if metric in METRICS and metric != "accuracy" and METRICS[metric].classification:
        if X_train is not None:
            arrays["train accuracy"] = result.evaluate(X_train, y_train, metric="accuracy")
        if X_test is not None:
            arrays["test accuracy"] = result.evaluate(X_test, y_test, metric="accuracy")
    rows = {name: quantile_row(values, chosen) for name, values in arrays.items()}
    if X_test is None and X_train is None:  # a saved result: the rows kept with it
        kept = result.config.get("rows", result.config.get("test_rows", {}))
        rows.update({k: v for k, v in kept.items() if k not in rows})
    return rows


def keep_rows(result, X_test, y_test, X_train=None, y_train=None) -> None:
    """Store the rows computed from data (test rows, a classifier's train accuracy) in
    ``result.config``, so a saved result's report shows what ``run`` printed."""
    rows = metric_rows(result, X_test=X_test, y_test=y_test, X_train=X_train, y_train=y_train)
    own = f"train {result.metric or 'score'}"  # recomputed from the saved scores
    result.config["rows"] = {k: v for k, v in rows.items() if k != own}


def format_run(result, *, X_test=None, y_test=None, X_train=None, y_train=None) -> str:
    """The summary the CLI prints: metric quantiles across climbers and the run's costs.

    A classifier trained on another metric (log-loss) also gets accuracy rows when the
    training data are given, so every algorithm's table reads the same.
    """
    rows = metric_rows(result, X_test=X_test, y_test=y_test, X_train=X_train, y_train=y_train)
    chosen = result.best_index()
    cfg, metric = result.config, result.metric or "score"
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

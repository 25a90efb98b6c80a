"""Plots of a comparison (needs the ``plot`` extra: matplotlib).

Three panels: the best score against evaluations (median line and interquartile band per
configuration), the distribution of final scores per configuration, and the empirical CDF
of evaluations to reach the target.
"""

from __future__ import annotations

import numpy as np

from .statistics import first_hitting_evaluations


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise ValueError("plots need matplotlib: pip install 'jaxclimb[plot]'") from None
    return plt


def plot_comparison(comparison, path: str) -> str:
    """Draw the three panels of ``comparison`` and save them as a PNG at ``path``."""
    plt = _pyplot()
    maximize = comparison.metric not in ("log_loss", "mse")
    sign = 1 if maximize else -1
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    curves, dist, cdf = axes
    names, finals = [], []
    for e in comparison.entries:
        r = e.result
        initial = r.initial_evaluations
        x = (initial + r.history_steps * e.evals_per_step) * r.population  # whole configuration
        h = sign * r.history
        q25, q50, q75 = np.nanquantile(np.where(np.isfinite(h), h, np.nan), [0.25, 0.5, 0.75],
                                       axis=0)  # fmt: skip
        (line,) = curves.plot(x, q50, label=e.name)
        curves.fill_between(x, q25, q75, color=line.get_color(), alpha=0.2)
        final = e.test if e.test is not None else e.train
        names.append(e.name)
        finals.append(final[np.isfinite(final)])
        if comparison.target is not None:
            target = comparison.target * sign
            hits = np.sort(first_hitting_evaluations(r.history, r.history_steps, target,
                                                     e.evals_per_step, initial))  # fmt: skip
            ok = np.isfinite(hits)
            steps_y = np.arange(1, ok.sum() + 1) / len(hits)
            cdf.step(np.concatenate([[1], hits[ok]]), np.concatenate([[0], steps_y]),
                     where="post", color=line.get_color(), label=e.name)  # fmt: skip
    curves.set(xlabel="evaluations spent by the configuration",
               ylabel=f"best training {comparison.metric}",
               title="median and interquartile range across climbers")  # fmt: skip
    curves.set_xscale("log")
    curves.legend(fontsize=8)
    split = "test" if comparison.entries[0].test is not None else "training"
    dist.boxplot(finals, showmeans=True)
    dist.set_xticks(range(1, len(names) + 1), names, rotation=20, ha="right", fontsize=8)
    dist.set(ylabel=f"final {split} {comparison.metric}", title="final scores per climber")
    if comparison.target is not None:
        cdf.set(
            xlabel="evaluations per climber (a GA run is one climber)",
            ylabel="fraction of climbers",
            title=f"reaching training {comparison.metric} {comparison.target}",
            ylim=(0, 1),
        )
        cdf.set_xscale("log")
        cdf.legend(fontsize=8)
    else:
        cdf.set_axis_off()
        cdf.text(0.5, 0.5, "no target given", ha="center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_result(result, path: str) -> str:
    """Best score against steps for every climber of one run (median and IQR band)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    h = result.history if result.metric in (None, "accuracy", "r2") else -result.history
    q25, q50, q75 = np.nanquantile(np.where(np.isfinite(h), h, np.nan), [0.25, 0.5, 0.75], axis=0)
    ax.plot(result.history_steps, q50, label="median")
    ax.fill_between(result.history_steps, q25, q75, alpha=0.25, label="interquartile range")
    ax.plot(result.history_steps, h[result.best_index()], lw=1, label="best climber")
    ax.set(xlabel="step", ylabel=f"best training {result.metric or 'score'}",
           title=f"{result.population} climbers")  # fmt: skip
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

"""Figures for a report (needs the ``plot`` extra: matplotlib).

:func:`plot_comparison` draws three panels: the best score against evaluations (median
line and interquartile band per configuration), the distribution of final scores per
configuration, and the empirical CDF of evaluations to reach the target.
:func:`plot_run` draws one run's best score against steps. Both take ``ax=`` (your own
axes), return the :class:`~matplotlib.figure.Figure`, save it when given a ``path``, title
it with the data, budget and seed, give each configuration one colour in every panel, and
use fonts legible in a printed report. A configuration with fewer than
:data:`~jaxclimb.comparison.MIN_RUNS` independent runs is marked "(n=...)" and hatched:
its quantiles say little.

Example:
    >>> import jaxclimb as jc
    >>> comparison = jc.compare([{"algorithm": "hill-climb", "population": 16}], budget=800)
    >>> fig = jc.plot_comparison(comparison)  # doctest: +SKIP
    >>> fig.savefig("compare.png")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from .statistics import first_hitting_evaluations

FONT = {"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "legend.fontsize": 10,
        "xtick.labelsize": 11, "ytick.labelsize": 11}  # fmt: skip
MIN_RUNS = 10  # the same threshold as jaxclimb.comparison.MIN_RUNS


PLOT_EXTRA = "plots need matplotlib: pip install 'jaxclimb[plot]'"


def require_matplotlib() -> None:
    """Raise now, before a long run, the error a plot would raise without matplotlib."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise ValueError(PLOT_EXTRA)


def _pyplot():
    try:
        import matplotlib

        if "matplotlib.pyplot" not in __import__("sys").modules:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise ValueError(PLOT_EXTRA) from None
    return plt


def colours(n: int) -> list:
    """One colour per configuration, the same in every panel (matplotlib's tab10 cycle)."""
    return [f"C{i % 10}" for i in range(n)]


def _finish(fig, path: str | os.PathLike | None, own: bool):
    if own:
        fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def _axes(plt, ax, n: int, figsize):
    """``(figure, axes, own)``: new axes, or the caller's (``ax``: one, or ``n`` of them)."""
    if ax is None:
        fig, axes = plt.subplots(1, n, figsize=figsize)
        return fig, np.atleast_1d(axes), True
    axes = np.atleast_1d(np.asarray(ax, dtype=object))
    if len(axes) != n:
        raise ValueError(f"ax must be {n} matplotlib Axes for this figure; got {len(axes)}")
    return axes[0].figure, axes, False


def plot_comparison(comparison, path: str | os.PathLike | None = None, *,
                    ax: Sequence[Any] | None = None, title: str | None = None):  # fmt: skip
    """Draw the three panels of ``comparison``; save them at ``path`` if given.

    Args:
        comparison: a :class:`~jaxclimb.comparison.Comparison`.
        path: where to save the figure (PNG, PDF, SVG: by its suffix); None: don't save.
        ax: three Axes to draw into (default: a new figure).
        title: the figure's title (default: data, budget and seed of the comparison).

    Returns:
        The matplotlib Figure.
    """
    plt = _pyplot()
    with plt.rc_context(FONT):
        fig, axes, own = _axes(plt, ax, 3, (17, 5.2))
        _draw_comparison(comparison, *axes)
        fig.suptitle(title or comparison.describe())
        return _finish(fig, path, own)


def _label(entry) -> str:
    runs = entry.result.population
    return entry.name if runs >= MIN_RUNS else f"{entry.name} (n={runs})"


def _draw_comparison(comparison, curves, dist, cdf) -> None:
    sign = 1 if comparison.metric not in ("log_loss", "mse") else -1
    palette = colours(len(comparison.entries))
    target, chosen = _cdf_target(comparison, sign)
    finals = []
    for e, colour in zip(comparison.entries, palette, strict=True):
        r = e.result
        x = (r.initial_evaluations + r.history_steps * e.evals_per_step) * r.population
        h = sign * r.history
        q25, q50, q75 = np.nanquantile(np.where(np.isfinite(h), h, np.nan), [0.25, 0.5, 0.75],
                                       axis=0)  # fmt: skip
        few = r.population < MIN_RUNS
        curves.plot(x, q50, color=colour, label=_label(e), ls="--" if few else "-")
        curves.fill_between(x, q25, q75, color=colour, alpha=0.2)
        final = e.test if e.test is not None else e.train
        finals.append(final[np.isfinite(final)])
        if target is not None:
            hits = first_hitting_evaluations(r.history, r.history_steps, target * sign,
                                             e.evals_per_step, r.initial_evaluations)  # fmt: skip
            hits = np.sort(hits)
            ok = np.isfinite(hits)
            cdf.step(np.concatenate([[1], hits[ok]]),
                     np.concatenate([[0], np.arange(1, ok.sum() + 1) / len(hits)]),
                     where="post", color=colour, label=_label(e))  # fmt: skip
    curves.set(
        xlabel="evaluations spent by the configuration",
        ylabel=f"best training {comparison.metric}",
        title="median and IQR across runs",
    )
    curves.set_xscale("log")
    curves.legend()
    _boxes(comparison, dist, finals, palette)
    if target is None:
        cdf.set_axis_off()
        cdf.text(0.5, 0.5, "no finite score to reach", ha="center")
        return
    cdf.set(
        xlabel="evaluations per run (a GA run is one run)",
        ylabel="fraction of runs",
        title=f"reaching training {comparison.metric} {target:.4g}"
        + ("" if chosen else "\n(no target given: the median over all runs)"),
        ylim=(0, 1),
    )
    cdf.set_xscale("log")


def _cdf_target(comparison, sign: int) -> tuple[float | None, bool]:
    """``(target, given)``: the comparison's target, or without one the median final
    training metric over every run of every configuration (so the panel compares how fast
    each reaches a level about half of all runs reach); None when no run has a finite one."""
    if comparison.target is not None:
        return comparison.target, True
    finals = np.concatenate([sign * e.result.history[:, -1] for e in comparison.entries])
    finals = finals[np.isfinite(finals)]
    return (float(np.median(finals)), False) if finals.size else (None, False)


def _boxes(comparison, dist, finals, palette) -> None:
    split = "test" if comparison.entries[0].test is not None else "training"
    boxes = dist.boxplot(finals, showmeans=True, patch_artist=True,
                         medianprops={"color": "black"},
                         meanprops={"marker": "D", "markerfacecolor": "white",
                                    "markeredgecolor": "black"})  # fmt: skip
    for box, colour, e in zip(boxes["boxes"], palette, comparison.entries, strict=True):
        box.set(facecolor=colour, alpha=0.45)
        if e.result.population < MIN_RUNS:
            box.set(hatch="//", alpha=0.25)
    names = [_label(e) for e in comparison.entries]
    dist.set_xticks(range(1, len(names) + 1), names, rotation=20, ha="right")
    dist.set(
        ylabel=f"final {split} {comparison.metric}",
        title="final score per run (line: median, diamond: mean)",
    )


def plot_run(result, path: str | os.PathLike | None = None, *, ax=None, title: str | None = None):
    """Best score against steps for every climber of one run (median, IQR band and the
    chosen climber); save it at ``path`` if given. Returns the matplotlib Figure.

    Args:
        result: a :class:`~jaxclimb.results.SearchResult`.
        path: where to save the figure; None: don't save.
        ax: one Axes to draw into (default: a new figure).
        title: the title (default: algorithm, population, steps and seed from the result).
    """
    plt = _pyplot()
    with plt.rc_context(FONT):
        fig, (axis,), own = _axes(plt, ax, 1, (8, 5))
        h = result.history if result.metric in (None, "accuracy", "r2") else -result.history
        q25, q50, q75 = np.nanquantile(np.where(np.isfinite(h), h, np.nan), [0.25, 0.5, 0.75],
                                       axis=0)  # fmt: skip
        axis.plot(result.history_steps, q50, color="C0", label="median")
        axis.fill_between(result.history_steps, q25, q75, color="C0", alpha=0.25,
                          label="interquartile range")  # fmt: skip
        axis.plot(result.history_steps, h[result.best_index()], color="C1", lw=1.2,
                  label="chosen climber")  # fmt: skip
        axis.set(xlabel="step", ylabel=f"best training {result.metric or 'score'}")
        axis.set_title(title or _run_title(result))
        axis.legend()
        return _finish(fig, path, own)


def _run_title(result) -> str:
    cfg = result.config
    parts = [cfg.get("algorithm", "search"), cfg.get("data"), f"{result.population} climbers",
             f"{result.steps_run} steps", f"{result.total_evaluations:,} evaluations",
             f"seed {cfg['seed']}" if "seed" in cfg else None]  # fmt: skip
    return ", ".join(p for p in parts if p)


plot_result = plot_run  # the earlier name

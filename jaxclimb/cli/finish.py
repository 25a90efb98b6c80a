"""The end of ``jaxclimb run``: save the result, then choose and tabulate, then report.

The result is written first, before anything that can fail after the search: the choice
of the climber by the user's metric and the summary table's evaluations (evaluated in
blocks of climbers that fit :data:`~jaxclimb.engine.layout.MEMORY_BUDGET`). When those
fail (a population too large for the device, say), one line names what failed, the saved
file is kept and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import sys

from .resume import resume_hint


def finish(args: argparse.Namespace, results: tuple, data, chosen_by: str | None,
           ties: str) -> int:  # fmt: skip
    """Save the result to ``--out``, choose its climber by ``chosen_by`` (None: the searched
    score; ``ties``: what breaks ties), print the table, save again with its rows; a signal
    waits until all is done. ``results``: the result in the user's units and the same in
    search units (sharing its config), evaluated on ``data.search``. Returns the status."""
    import numpy as np

    from ..engine.signals import deferred_interrupts, exit_status

    result, searched = results

    status = exit_status(_signal_number(result)) if result.interrupted else 0
    with deferred_interrupts():
        written = args.out
        if args.out:  # first: nothing below may lose the result
            failed, written = save(result, args.out)
            status = failed or status
        if not np.isfinite(result.best_score).any():
            raise ValueError("no climber has a finite score: every evaluation was NaN or inf")
        stage = ["the table"]
        try:
            tabulate(searched, data.search, chosen_by, ties, stage)
            _in_user_units(result.config.get("rows", {}), data.scaling)
        except Exception as exc:
            print(_failure(stage[0], exc, written), file=sys.stderr)
            return status or 1
        if args.out:  # again (where it went), with the chosen climber and the table's rows
            status = save(result, written, quiet=True)[0] or status
        print(result.summary())
        _notes(args, result)
    return status


def tabulate(result, data: tuple, chosen_by: str | None, ties: str, stage: list) -> None:
    """Choose the climber (``stage[0]`` says what is being computed) and keep the table's
    rows in ``result.config``, every evaluation in blocks that fit the memory budget."""
    from ..datasets.tasks import choose
    from ..engine import layout
    from ..results.report import keep_rows

    X_train, X_test, y_train, y_test = data
    budget = layout.MEMORY_BUDGET  # read now: a test may lower it
    if chosen_by is not None:  # a surrogate was searched: choose by the user's metric
        stage[0] = f"the train {chosen_by} of {result.population:,} climbers (the choice)"
        values = result.evaluate(X_train, y_train, metric=chosen_by, memory_budget=budget)
        result.config.update(chosen=choose(values, result.best_score),
                             chosen_by=f"train {chosen_by}, ties broken by {ties}")  # fmt: skip
    if X_test is not None:
        stage[0] = f"the summary table's evaluations of {result.population:,} climbers"
        keep_rows(result, X_test, y_test, X_train, y_train, memory_budget=budget)


def _in_user_units(rows: dict, scaling: dict | None) -> None:
    """MSE rows computed in search units, times the target's variance."""
    target = (scaling or {}).get("target")
    for name, row in rows.items():
        if target is not None and name.endswith(" mse"):
            rows[name] = [v * target["std"] ** 2 for v in row]


def _failure(stage: str, exc: BaseException, out: str | None) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    kept = f"the result is saved in {out}" if out else "give --out FILE.npz to keep the result"
    return f"jaxclimb: error: {stage} could not be computed ({first}); {kept}"


def _notes(args: argparse.Namespace, result) -> None:
    where = result.config.get("checkpoint")
    if result.interrupted or (where and result.config.get("stopped_by") == "max_seconds"):
        how = "interrupted" if result.interrupted else "stopped by --max-seconds"
        note = f"; continue it with: {resume_hint(args, where)}" if where else ""
        print(f"jaxclimb: {how} after {result.steps_run} steps{note}", file=sys.stderr)
    if result.config.get("checkpoint_error"):
        print(f"jaxclimb: warning: {result.config['checkpoint_error']}", file=sys.stderr)


def _signal_number(result) -> int:
    import signal

    return getattr(signal, result.config.get("signal") or "SIGINT")


def save(result, path: str, *, quiet: bool = False) -> tuple[int, str]:
    """Save to ``path``; if that fails, to a fallback file it names (exit status 1).
    Returns the status and the file written."""
    import tempfile

    try:
        saved = result.save(path)
        if not quiet:
            print(f"saved {saved}", flush=True)
        return 0, saved
    except OSError as exc:
        fallback = os.path.join(tempfile.gettempdir(), f"jaxclimb-result-{os.getpid()}.npz")
        try:
            kept = f"the result is saved in {result.save(fallback)}"
        except OSError as again:
            kept = f"nor in {fallback!r} ({again}): the result is lost"
        print(f"jaxclimb: error: could not write --out {path!r} ({exc}); {kept}",
              file=sys.stderr)  # fmt: skip
        return 1, fallback

"""The command line's data, as a scikit-learn pipeline would see them: one metric rule
for ``run`` and ``compare``, then the split, then scaling fitted on the training split.

* The metric rule (:func:`metric_rule`): ``--metric`` as given, checked against the
  algorithms and the target before anything runs; without it, ``accuracy`` on problem A
  (the tutorial's search), ``log_loss`` for a classification CSV or a gradient-following
  algorithm (the climber then chosen by accuracy), ``r2`` for a continuous target.
* Scaling (``--scale``): features standardised (or min-max scaled) with the training
  split's statistics; a regression target standardised for the search. The transform is
  a JSON-ready dict (:attr:`Data.scaling`) saved with the result, whose weights are folded
  back into the user's units (:mod:`.scaling`), so ``report`` and ``predict`` take raw data.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

import numpy as np

GRADED = ("gradient", "es", "snes", "node-perturbation")
"""Algorithms that follow a gradient (exact or estimated from score differences): on
accuracy's plateaus they get none, so they search log-loss unless ``--metric`` says."""

LARGE_FILE = 16 * 2**20
"""A data file above this many bytes is announced while it loads."""


@dataclasses.dataclass
class Data:
    """Train and test splits in search units, the same in the user's units, the name of
    the source and the scaling that maps one to the other (None: no scaling)."""

    search: tuple  # (X_train, X_test, y_train, y_test) as the search sees them
    raw: tuple  # the same, in the user's units
    source: str
    scaling: dict | None = None


def own_data_defaults(args: argparse.Namespace) -> None:
    """Fill the model options not given: with ``--data``, the estimators' (tanh, glorot,
    the L2 penalty ``DEFAULT_ALPHA``, and for ``run`` without ``--population``/``--steps``
    the budget ``DEFAULT_BUDGET``, whose search
    :func:`~jaxclimb.algorithms.defaults.choose_search` picks; ``compare`` has no
    ``--budget``: it spends its own ``--population`` x ``--steps``); on problem A, the
    tutorial's (sigmoid, U(0, 1), no penalty)."""
    from ..algorithms.defaults import DEFAULT_BUDGET
    from ..datasets.tasks import DEFAULT_ALPHA

    own = args.data is not None
    if args.activation is None:
        args.activation = "tanh" if own else "sigmoid"
    if args.init is None:
        args.init = "glorot" if own else "uniform"
    if args.alpha is None:
        args.alpha = DEFAULT_ALPHA if own else 0.0
    budget = getattr(args, "budget", 0)  # compare's namespace has none
    if own and budget is None and args.population is None and args.steps is None:
        args.budget = DEFAULT_BUDGET


def objective(args: argparse.Namespace, net, task, metric: str, X, y, batch_size="auto"):
    """The searched objective: ``metric`` on ``(X, y)``, plus the estimators' L2 penalty
    ``--alpha`` (the same code as theirs: :func:`~jaxclimb.datasets.tasks.training_objective`),
    except with accuracy, whose search stays the tutorial's; ``batch_size`` rows a step
    (:func:`~jaxclimb.algorithms.large.minibatch_for`). With a penalty,
    ``args.penalised`` names it for the summary's "chosen" line. ``compare`` has no
    ``--precision`` or ``--evaluation``: the library's defaults."""
    from .._checks import check_float
    from ..datasets.tasks import make_objective, training_objective
    from ..precision import DEFAULT_PRECISION

    alpha = check_float("--alpha", args.alpha, low=0.0) if metric != "accuracy" else 0.0
    common = dict(task=task, metric=metric, batch_size=batch_size,
                  precision=getattr(args, "precision", DEFAULT_PRECISION),
                  evaluation=getattr(args, "evaluation", "auto"))  # fmt: skip
    if alpha == 0:
        return make_objective(net, X, y, name="--metric", **common)
    args.penalised = f"the searched {metric} with its L2 penalty (alpha {alpha:g})"
    return training_objective(net, X, y, alpha=alpha, name="--metric", **common)


def penalised_choice(args: argparse.Namespace, metric: str, chosen_by: str | None
                     ) -> str | None:  # fmt: skip
    """The metric the climber is chosen by: ``chosen_by`` (:func:`metric_rule`'s), or, for
    a regression searched with the L2 penalty (:func:`objective`), the best train R² with
    ties broken by the penalised score, as the regressor keeps one."""
    from ..evaluation.metrics import METRICS

    if chosen_by is None and getattr(args, "penalised", None):
        return None if METRICS[metric].classification else "r2"
    return chosen_by


def read_table(args: argparse.Namespace) -> tuple:
    """``(X, y, source)`` of ``--data``/``--target`` (announced when large), or ``(None,
    None, problem A's name)``."""
    from ..datasets.csvfile import load_csv

    if args.data is None:
        if args.target is not None:
            raise ValueError("--target needs --data FILE.csv")
        return None, None, "problem A (make_classification 1000x5)"
    if args.target is None:
        raise ValueError("--data needs --target COLUMN")
    path = os.fspath(args.data)
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    start = time.perf_counter()
    if size > LARGE_FILE:
        print(f"reading {path} ({size / 2**20:,.0f} MiB) ...", file=sys.stderr, flush=True)
    X, y, _ = load_csv(path, args.target)
    if size > LARGE_FILE:
        print(f"read {X.shape[0]:,} rows x {X.shape[1]} features in "
              f"{time.perf_counter() - start:.1f} s: {X.nbytes / 2**20:,.0f} MiB as float32, "
              "held about 4 times over by the split, the scaling and the search",
              file=sys.stderr, flush=True)  # fmt: skip
    return X, y, path


def is_continuous(y) -> bool:
    """A numeric target with more distinct non-integer values than classes would have."""
    from ..datasets import target_type

    return y is not None and y.dtype.kind in "fiu" and target_type(y) == "continuous"


def metric_rule(metric: str | None, algorithms, y, *, target: str | None = None,
                hard_output: bool = False) -> tuple[str, str | None]:  # fmt: skip
    """``(metric searched, metric the climber is chosen by or None)`` for ``--metric``
    (None: not given), the algorithms to run and the target column ``y`` (None: problem
    A); a ValueError in the command line's words when they do not go together."""
    from ..evaluation.metrics import METRICS

    continuous = is_continuous(y)
    graded = [a for a in dict.fromkeys(algorithms) if a in GRADED]
    column = f"--target {target!r}" if target else "the target"
    if metric is None:
        if continuous:
            return "r2", None
        if (y is not None or graded) and not hard_output:
            return "log_loss", "accuracy"  # a smooth surrogate of accuracy
        return "accuracy", None
    if METRICS[metric].classification and continuous:
        raise ValueError(f"--metric {metric} needs classes, but {column} is continuous "
                         f"({len(np.unique(y))} distinct values); use --metric r2 or mse, or "
                         "leave --metric out")  # fmt: skip
    if not METRICS[metric].classification and y is not None and y.dtype.kind not in "fiu":
        raise ValueError(f"--metric {metric} needs a numeric target; {column} holds text")
    if not METRICS[metric].classification and y is None:
        raise ValueError(f"--metric {metric} is for regression; problem A is a classification")
    if metric == "accuracy" and graded:
        raise ValueError(f"--metric accuracy gives {' and '.join(graded)} no gradient (it is "
                         "flat almost everywhere); use --metric log_loss, or leave --metric "
                         "out")  # fmt: skip
    return metric, None


def prepare(args: argparse.Namespace, table: tuple, metric: str) -> Data:
    """Encode, split and scale ``table`` (from :func:`read_table`) for ``metric``."""
    from ..datasets import class_labels, problem_a, split
    from ..datasets.scaling import fit_scaling
    from ..evaluation.metrics import METRICS

    X, y, source = table
    if X is None:
        raw = tuple(problem_a(test_size=args.test_size, split_seed=args.split_seed))
    else:
        if METRICS[metric].classification:
            y = class_labels(y, metric)
        raw = tuple(split(X, y, test_size=args.test_size, split_seed=args.split_seed))
    kind = args.scale or ("none" if X is None else "standard")
    regression = not METRICS[metric].classification
    scaling = fit_scaling(kind, raw[0], raw[2] if regression else None)
    if scaling is None:
        return Data(raw, raw, source)
    from ..datasets.scaling import apply_scaling

    return Data(apply_scaling(scaling, *raw), raw, source, scaling)

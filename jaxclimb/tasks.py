"""The one builder of a network and an objective for a task, shared by every front end.

A task is binary classification (one output), multi-class classification (one output per
class) or regression (one output per target). The output transfer that suits it, the
metric that suits it, and the checks of the network options live here, once; the CLI,
the estimators, ``compare`` and the mlrose front all call :func:`make_network` and
:func:`make_objective`.

Example:
    >>> import numpy as np
    >>> task = classification_task(3)
    >>> net = make_network(task, n_features=4, hidden=(8,), activation="tanh")
    >>> net.layer_sizes, net.output
    ((4, 8, 3), 'softmax')
    >>> X, y = np.zeros((6, 4), np.float32), np.array([0, 1, 2, 0, 1, 2])
    >>> make_objective(net, X, y, task=task).metric
    'accuracy'
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._checks import check_choice, check_int
from .metrics import METRICS
from .networks import MLP, TRANSFERS
from .objectives import ScoreFn, make_score_fn

KINDS = ("binary", "multiclass", "regression")


@dataclasses.dataclass(frozen=True)
class Task:
    """What is learned: its kind and how many outputs the network needs."""

    kind: str
    n_outputs: int

    @property
    def classification(self) -> bool:
        """True for binary and multi-class classification."""
        return self.kind != "regression"

    @property
    def default_metric(self) -> str:
        """``"accuracy"`` for classification, ``"mse"`` for regression."""
        return "accuracy" if self.classification else "mse"

    def default_output(self, *, perceptron: bool = False) -> str:
        """The output transfer that suits the task (``step`` for a perceptron)."""
        if self.kind == "regression":
            return "identity"
        if self.kind == "multiclass":
            return "softmax"
        return "step" if perceptron else "sigmoid"


def classification_task(n_classes: int) -> Task:
    """A classification of ``n_classes`` (>= 2) classes."""
    n_classes = check_int("n_classes", n_classes, minimum=2)
    return Task("binary", 1) if n_classes == 2 else Task("multiclass", n_classes)


def regression_task(n_targets: int = 1) -> Task:
    """A regression of ``n_targets`` target columns."""
    return Task("regression", check_int("n_targets", n_targets, minimum=1))


def task_of(y: Any, metric: str, *, y_test: Any = None) -> Task:
    """The task of encoded training targets ``y`` under ``metric``: classes ``0..k-1`` for
    a classification metric (counted over ``y_test`` too), value columns otherwise."""
    check_choice("metric", metric, METRICS)
    y = np.asarray(y)
    if METRICS[metric].classification:
        if len(np.unique(y)) < 2:
            raise ValueError("the training data hold a single class; classification needs two")
        top = np.max(y) if y_test is None else max(np.max(y), np.max(y_test))
        return classification_task(int(top) + 1)
    return regression_task(1 if y.ndim == 1 else y.shape[1])


def hidden_sizes(hidden: int | Sequence[int] | None) -> tuple[int, ...]:
    """Hidden layer sizes from an int, a sequence of ints or None (no hidden layer)."""
    if hidden is None:
        return ()
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise TypeError(f"hidden_layer_sizes must be ints; got {hidden!r}") from None
    return tuple(check_int("hidden_layer_sizes", h, minimum=1) for h in sizes)


def make_network(
    task: Task,
    n_features: int,
    *,
    hidden: int | Sequence[int] | None = (10,),
    activation: str = "sigmoid",
    output: str | None = None,
    init: str = "uniform",
    perceptron: bool = False,
) -> MLP:
    """The MLP for ``task`` on ``n_features`` inputs.

    Args:
        task: from :func:`classification_task`, :func:`regression_task` or :func:`task_of`.
        n_features: inputs.
        hidden: hidden layer sizes (an int for one layer); ignored shapes are refused.
        activation: hidden transfer (one name, or one per hidden layer).
        output: output transfer; ``None`` or ``"auto"`` picks the task's own.
        init: weight initialisation (see :func:`~jaxclimb.networks.init_mlp`).
        perceptron: the tutorial's perceptron: no hidden layer and a step output, for
            binary classification only.
    """
    if perceptron:
        if task.kind != "binary":
            raise ValueError(
                f"a perceptron is one step unit for binary classification; this task is "
                f"{task.kind} with {task.n_outputs} outputs: use an MLP"
            )
        if hidden:
            raise ValueError("a perceptron has no hidden layer; drop the hidden sizes")
        hidden = ()
    if output in (None, "auto"):
        output = task.default_output(perceptron=perceptron)
    check_choice("output", output, TRANSFERS)
    if output == "softmax" and task.kind != "multiclass":
        raise ValueError(f"output='softmax' needs a multi-class task; this one is {task.kind}")
    n_features = check_int("n_features", n_features, minimum=1)
    return MLP((n_features, *hidden_sizes(hidden), task.n_outputs), activation, output, init)


def make_objective(
    net: MLP, X: Any, y: Any, *, task: Task, metric: str | None = None, name: str = "metric"
) -> ScoreFn:
    """The search objective of ``net`` on ``(X, y)``: ``metric`` (default: the task's),
    which must suit the task; errors call the option ``name`` (the front end's word)."""
    metric = task.default_metric if metric is None else metric
    check_choice(name, metric, METRICS)
    if METRICS[metric].classification != task.classification:
        kind = "classification" if task.classification else "regression"
        raise ValueError(f"{name}={metric!r} does not suit a {kind} task")
    return make_score_fn(net, X, y, metric=metric)

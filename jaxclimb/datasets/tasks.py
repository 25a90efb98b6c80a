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

import jax
import jax.numpy as jnp
import numpy as np

from .._checks import check_choice, check_float, check_int, shown
from ..evaluation.lowrank import weight_squares
from ..evaluation.metrics import METRICS, class_predictions, row_log_loss
from ..evaluation.nodes import ROW_SCORED
from ..evaluation.objectives import ScoreFn, make_score_fn
from ..evaluation.sampling import current_evaluation_key, sample_rows
from ..networks import MLP, TRANSFERS
from ..precision import DEFAULT_PRECISION

KINDS = ("binary", "multiclass", "regression")

DEFAULT_ALPHA = 10.0
"""L2 penalty of the estimators and of ``jaxclimb run --data`` (scikit-learn's MLP
meaning; see benchmarks/README.md)."""


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
    if isinstance(hidden, str | bytes):  # not a sequence of characters
        raise TypeError(f"hidden_layer_sizes must be an int or a sequence of ints; got {hidden!r}")
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise TypeError(f"hidden_layer_sizes must be ints; got {shown(hidden)}") from None
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
    net: MLP, X: Any, y: Any, *, task: Task, metric: str | None = None, name: str = "metric",
    precision: str = DEFAULT_PRECISION, evaluation: str = "auto", batch_size="auto",
) -> ScoreFn:  # fmt: skip
    """The search objective of ``net`` on ``(X, y)``: ``metric`` (default: the task's),
    which must suit the task, evaluated in ``precision`` along ``evaluation``'s path;
    errors call the option ``name`` (the front end's word)."""
    metric = task.default_metric if metric is None else metric
    check_choice(name, metric, METRICS)
    if METRICS[metric].classification != task.classification:
        kind = "classification" if task.classification else "regression"
        raise ValueError(f"{name}={metric!r} does not suit a {kind} task")
    return make_score_fn(net, X, y, metric=metric, precision=precision, evaluation=evaluation,
                         batch_size=batch_size)  # fmt: skip


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class TrainingScore(ScoreFn):
    """An estimator's objective: the metric weighted by ``sample_weight`` per row, minus
    scikit-learn's L2 penalty ``0.5 * alpha * sum(w ** 2) / n_samples`` on the weight
    matrices (not the biases) of an MLP. Higher is better, as every score."""

    sample_weight: jax.Array = None
    alpha: jax.Array = None

    def metric_value(self, params: Any, X=None, y=None, w=None) -> jax.Array:
        """The weighted metric (no penalty), in its own units, on all rows or on ``(X, y)``
        weighted by ``w``."""
        X, y, w = (self.X, self.y, self.sample_weight) if X is None else (X, y, w)
        return self._weighted(self.outputs(params, X), y, w)

    def score_of_outputs(self, params: Any, out: jax.Array, axis: int = -1) -> jax.Array:
        """The score of ``params`` whose outputs on all rows are ``out`` (incremental
        evaluation; ``axis``: the classes' axis of accuracy's and log-loss's)."""
        return self._penalised(self._weighted(out, self.y, self.sample_weight, axis), params)

    def _weighted(self, out: jax.Array, y: jax.Array, w: jax.Array, axis: int = -1) -> jax.Array:
        if self.metric == "r2":
            mean = jnp.sum(w[:, None] * _columns(y), axis=0) / jnp.sum(w)
            res = jnp.sum(w[:, None] * _columns(y - out.reshape(y.shape)) ** 2, axis=0)
            tot = jnp.sum(w[:, None] * (_columns(y) - mean) ** 2, axis=0)
            return jnp.mean(1.0 - res / tot)
        return jnp.sum(w * _per_row(self.metric, y, out, self.output_kind, axis)) / jnp.sum(w)

    def __call__(self, params: Any, key: jax.Array | None = None) -> jax.Array:
        key = current_evaluation_key() if key is None and self.keyed else key
        if key is None or not self.keyed:
            return self._penalised(self.metric_value(params), params)
        rows = sample_rows(key, self.X.shape[0], self.batch_size)  # a step's minibatch
        value = self.metric_value(params, self.X[rows], self.y[rows], self.sample_weight[rows])
        return self._penalised(value, params)

    def _penalised(self, value: jax.Array, params: Any) -> jax.Array:
        return (value if self.maximize else -value) - self.penalty(params)

    def row_weights(self) -> jax.Array:
        """Each row's weight in the metric: ``sample_weight``."""
        return self.sample_weight

    def penalty(self, params: Any) -> jax.Array:
        """scikit-learn's L2 penalty, ``0.5 * alpha * sum(w ** 2) / n_samples``."""
        squares = sum(weight_squares(layer) for layer in params)
        return 0.5 * self.alpha * squares / self.X.shape[0]

    def full(self, params: Any) -> jax.Array:
        """The score (penalty included) on all rows in float32."""
        return self._penalised(self.in_float32().metric_value(params), params)


def _columns(a: jax.Array) -> jax.Array:
    return a[:, None] if a.ndim == 1 else a


ROW_SCORED.add(TrainingScore)  # its score is the rows' weighted shares less its penalty


def _per_row(metric: str, y: jax.Array, out: jax.Array, kind: str, axis: int = -1) -> jax.Array:
    """The metric of each row: log-loss, correct (0/1) or squared error (mean over outputs);
    ``axis``: the classes' axis of a 2-D classification output."""
    if metric == "mse":
        return jnp.mean(_columns(out.reshape(y.shape) - y) ** 2, axis=1)
    if metric == "accuracy":
        poison = 0 * (out if out.ndim == 1 else jnp.sum(out, axis=axis))
        return (class_predictions(out, kind, axis) == y).astype(out.dtype) + poison
    return row_log_loss(y, out, output_kind=kind, axis=axis)


def training_objective(
    net: MLP, X: Any, y: Any, *, task: Task, metric: str | None = None,
    sample_weight: Any = None, alpha: float = 0.0, name: str = "objective",
    precision: str = DEFAULT_PRECISION, evaluation: str = "auto", batch_size="auto",
) -> TrainingScore:  # fmt: skip
    """:func:`make_objective` with per-row ``sample_weight`` (default: all ones) and an L2
    penalty ``alpha`` (scikit-learn's MLP meaning), as the estimators and ``jaxclimb run
    --data`` search it; with ``batch_size`` rows a step scores a minibatch, weighted by its
    rows' weights."""
    base = make_objective(net, X, y, task=task, metric=metric, name=name, precision=precision,
                          evaluation=evaluation, batch_size=batch_size)  # fmt: skip
    alpha = check_float("alpha", alpha, low=0.0)
    n = base.X.shape[0]
    if sample_weight is None:
        weights = np.ones(n, np.float32)
    else:
        weights = np.asarray(sample_weight, np.float32)
        if weights.shape != (n,) or not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError(
                f"sample_weight must be {n} finite weights >= 0, one per row; got shape "
                f"{weights.shape}"
            )
        if not weights.sum() > 0:
            raise ValueError("sample_weight must not be all zero")
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return TrainingScore(
        **fields, sample_weight=jnp.asarray(weights), alpha=jnp.asarray(alpha, jnp.float32)
    )


def choose(metric: np.ndarray, score: np.ndarray) -> int:
    """The climber with the best ``metric`` (higher is better; e.g. accuracy), ties broken
    by the searched ``score`` (penalty included); non-finite values rank last. The rule of
    the estimators and of ``jaxclimb run``.

    Example:
        >>> choose(np.array([0.9, 1.0, 1.0]), np.array([-0.3, -0.2, -0.1]))
        2
    """
    finite = np.isfinite(metric) & np.isfinite(score)
    if not finite.any():
        raise ValueError(
            "no climber has a finite score (every evaluation was NaN or infinite): check the "
            "data and the network's outputs"
        )
    order = np.lexsort((np.where(finite, score, -np.inf), np.where(finite, metric, -np.inf)))
    return int(order[-1])

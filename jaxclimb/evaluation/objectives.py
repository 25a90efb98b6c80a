"""Objectives: the score a search maximises, built from a forward pass, data and a metric.

Inside a search, a *score* is always "higher is better": :func:`make_score_fn` negates
metrics that are minimised (log-loss, MSE) so no algorithm has to know the direction. The
objective also tells algorithms what they may ask of it without knowing the network:
whether it is differentiable, how much memory one evaluation needs, and how to evaluate
many candidates at once (:func:`jaxclimb.evaluation.batching.evaluate_many`). Metrics and
output kinds are in :mod:`jaxclimb.evaluation.metrics`.

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb.networks import MLP
    >>> X = np.array([[0.0], [1.0]], np.float32); y = np.array([0, 1])
    >>> score = make_score_fn(MLP((1, 1), output="sigmoid"), X, y, metric="accuracy")
    >>> params = [{"w": np.ones((1, 1), np.float32), "b": np.full((1,), -0.5, np.float32)}]
    >>> float(score(params))
    1.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .._checks import check_choice, check_features, check_int, check_targets
from ..networks import MLP, UNROLL_MAX_FAN_IN
from ..precision import DEFAULT_PRECISION, cast_inputs, check_precision, matmul_precision
from . import incremental as _incremental
from ._targets import (
    check_class_outputs,
    check_forward,
    check_output_values,
    floating_name,
    score_targets,
)
from .metrics import HARD_KINDS, METRICS
from .paths import check_evaluation, metric_value
from .sampling import current_evaluation_key, sample_rows


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class ScoreFn:
    """``score(params) -> scalar`` where higher is better. Build it with :func:`make_score_fn`.

    It is a PyTree whose leaves are the data, so a compiled search takes the data as an
    argument instead of baking it into the program. With ``batch_size`` set it is *keyed*:
    inside a run each step scores on ``batch_size`` rows drawn with that step's key
    (:class:`~jaxclimb.KeyedObjective`); called without a key it scores on all rows. It
    evaluates in its ``precision`` (:mod:`jaxclimb.precision`); :meth:`full` always in float32.
    """

    X: jax.Array
    y: jax.Array
    forward: Callable[[Any, jax.Array], jax.Array] = dataclasses.field(metadata=dict(static=True))
    metric: str = dataclasses.field(metadata=dict(static=True))
    output_kind: str = dataclasses.field(metadata=dict(static=True))
    use_logits: bool = dataclasses.field(metadata=dict(static=True))
    precision: str = dataclasses.field(default=DEFAULT_PRECISION, metadata=dict(static=True))
    n_classes: int | None = dataclasses.field(default=None, metadata=dict(static=True))
    batch_size: int | None = dataclasses.field(default=None, metadata=dict(static=True))
    evaluation: str = dataclasses.field(default="auto", metadata=dict(static=True))

    @property
    def maximize(self) -> bool:
        """True when the metric is maximised (accuracy, r2)."""
        return METRICS[self.metric].maximize

    @property
    def direction(self) -> str:
        """``"maximize"`` or ``"minimize"``: how the metric relates to the score."""
        return "maximize" if self.maximize else "minimize"

    @property
    def keyed(self) -> bool:
        """True when a run scores minibatches (``batch_size`` rows per step)."""
        return self.batch_size is not None

    def outputs(self, params: Any, X: ArrayLike | None = None) -> jax.Array:
        """What the metric sees: logits (fast path for MLPs) or the network output."""
        X = self.X if X is None else X
        n_rows = X.shape[0]
        with matmul_precision(self.precision):  # bfloat16: the metric stays float32
            params, X = cast_inputs(self.precision, params, X)
            out = self.forward.logits(params, X) if self.use_logits else self.forward(params, X)
        if not hasattr(out, "shape") or out.ndim not in (1, 2) or out.shape[0] != n_rows:
            raise ValueError(
                f"forward(params, X) must return (n_samples,) or (n_samples, n_outputs) for "
                f"{n_rows} rows; got shape {getattr(out, 'shape', type(out).__name__)}"
            )
        if not jnp.issubdtype(out.dtype, jnp.floating):
            raise TypeError(f"forward(params, X) must return floats; got dtype {out.dtype}")
        if METRICS[self.metric].classification:
            check_class_outputs(out.shape, self.n_classes)
            if out.ndim == 2 and out.shape[1] == 1:
                out = out[:, 0]
        return out.astype(jnp.float32) if jnp.finfo(out.dtype).bits < 32 else out

    def metric_value(self, params: Any, X: ArrayLike | None = None, y=None) -> jax.Array:
        """The metric in its own units (log-loss positive, accuracy in [0, 1]), on all rows
        or on ``(X, y)``, along the evaluation path (``jaxclimb.evaluation.paths``)."""
        X, y = self.X if X is None else X, self.y if y is None else y
        return metric_value(self, params, X, y)

    def xla_metric_value(self, params: Any, X: ArrayLike, y) -> jax.Array:
        """The metric computed from the whole output, as XLA compiles it (any forward)."""
        return METRICS[self.metric].fn(y, self.outputs(params, X), output_kind=self.output_kind)

    def __call__(self, params: Any, key: jax.Array | None = None) -> jax.Array:
        key = current_evaluation_key() if key is None and self.keyed else key
        if key is None or not self.keyed:  # all rows, in the search's precision
            value = self.metric_value(params)
        else:
            rows = sample_rows(key, self.X.shape[0], self.batch_size)
            value = self.metric_value(params, self.X[rows], self.y[rows])
        return value if self.maximize else -value

    def row_weights(self) -> jax.Array:
        """Each row's weight in the metric: all ones (the estimators' objective: theirs)."""
        return jnp.ones(self.X.shape[0], jnp.float32)

    def penalty(self, params: Any) -> jax.Array:
        """What the score subtracts besides the metric: nothing (the estimators': L2)."""
        return jnp.float32(0.0)

    def full(self, params: Any) -> jax.Array:
        """The score on all rows in float32: what a run reports (it re-scores the best so
        far with it when it searched minibatches or a reduced precision)."""
        value = self.in_float32().metric_value(params)
        return value if self.maximize else -value

    def in_float32(self) -> ScoreFn:
        """This objective with full float32 products (itself when it has them)."""
        same = self.precision == DEFAULT_PRECISION
        return self if same else dataclasses.replace(self, precision=DEFAULT_PRECISION)

    def to_metric(self, score: ArrayLike) -> np.ndarray:
        """Convert scores (higher is better) back to metric units."""
        return np.asarray(score) if self.maximize else -np.asarray(score)

    @property
    def outputs_unchecked(self) -> bool:
        """Whether :meth:`check_outputs` applies (a user forward scored as a classifier)."""
        return not isinstance(self.forward, MLP) and METRICS[self.metric].classification

    def check_outputs(self, params: Any) -> None:
        """Evaluate a user forward once on the first rows and check its outputs against
        ``output_kind`` (probabilities in [0, 1], labels 0/1): a ValueError, not a silently
        wrong loss. The engine calls it with the first climber's starting weights."""
        if self.outputs_unchecked:
            check_output_values(np.asarray(self.outputs(params, self.X[:256])), self.output_kind)

    # What algorithms and the engine may ask of an objective (they know nothing of MLPs).
    def nondifferentiable_reason(self) -> str | None:
        """Why the score has no useful gradient (accuracy, a step transfer), or None."""
        if self.metric == "accuracy":
            return ("metric='accuracy' has a zero gradient almost everywhere: use "
                    "metric='log_loss' (or 'mse', 'r2')")  # fmt: skip
        net = self.forward
        if self.output_kind in HARD_KINDS or (
            isinstance(net, MLP) and "step" in (net.output, *net.hidden_activations)
        ):
            return ("the step transfer has a zero gradient: use sigmoid, tanh, relu or "
                    "identity transfers")  # fmt: skip
        return None

    @property
    def evaluation_bytes(self) -> int:
        """A generous estimate of the bytes of temporaries one evaluation needs (every
        row's activations of every layer, a few times over)."""
        rows, features = self.X.shape
        rows = min(rows, self.batch_size or rows)
        width = sum(self.forward.layer_sizes) if isinstance(self.forward, MLP) else features + 16
        return int(rows * width * 4 * 4)

    # Incremental evaluation of unit moves (jaxclimb.evaluation.incremental).
    @property
    def incremental(self) -> bool:
        """True when unit moves are scored from a cache of activations (``score_move``)."""
        return _incremental.applies(self)

    def init_cache(self, params: Any) -> Any:
        """A climber's cache for ``params`` (every hidden layer's activations)."""
        return _incremental.init_cache(self, params)

    def score_move(self, cache: Any, params: Any, move: Any) -> tuple[jax.Array, Any]:
        """``(score(params), pending)`` for ``params`` that differ from ``cache``'s weights
        in the fan-in of ``move``'s units only; ``commit`` writes the pending update."""
        return _incremental.score_move(self, cache, params, move)

    commit = staticmethod(_incremental.commit)

    @property
    def fused(self) -> bool:
        """True when the forward pass of one candidate is one fused loop that keeps no
        activations (an MLP of narrow layers): batching candidates does not pay."""
        net = self.forward
        return isinstance(net, MLP) and max(net.layer_sizes[:-1]) <= UNROLL_MAX_FAN_IN


AUTO_MINIBATCH_ROWS = 65_536
"""``batch_size="auto"`` scores minibatches when the data have more rows than this."""
AUTO_BATCH_SIZE = 8_192
"""The rows of one minibatch under ``batch_size="auto"``, used when the data have more
than :data:`AUTO_MINIBATCH_ROWS` rows."""


def make_score_fn(
    forward: Callable[[Any, jax.Array], jax.Array],
    X: ArrayLike,
    y: ArrayLike,
    *,
    metric: str = "accuracy",
    output_kind: str | None = None,
    dtype=jnp.float32,
    precision: str = DEFAULT_PRECISION,
    batch_size: int | str | None = "auto",
    evaluation: str = "auto",
) -> ScoreFn:
    """Build the search objective, a :class:`ScoreFn`: ``score(params) -> scalar``, higher
    is better.

    Args:
        forward: an :class:`~jaxclimb.networks.MLP` or any function ``f(params, X)`` returning
            ``(n_samples,)`` or ``(n_samples, n_outputs)``. It must be hashable (plain functions
            are); the data travel separately. Python side effects in it run only while JAX
            traces it (once per compilation), not at every evaluation.
        X: features, ``(n_samples, n_features)``, finite.
        y: targets. Classification: integer classes ``0..k-1`` or one-hot rows; the class
            count comes from ``y`` and is checked against the forward's output columns.
            Regression: ``(n_samples,)`` or ``(n_samples, n_outputs)``.
        metric: ``"accuracy"``, ``"log_loss"`` (maximised as its negative), ``"mse"`` or ``"r2"``.
        output_kind: what ``forward`` returns: ``"logit"``, ``"probability"``, ``"label"``
            or ``"value"`` (see :data:`~jaxclimb.METRICS`). Inferred for an :class:`MLP`;
            required for a user function whenever the metric depends on it (log-loss,
            binary accuracy). ``run`` checks the first climber's outputs against it.
        dtype: floating dtype the data are stored (and checked finite) in.
        precision: ``"float32"`` (float32 products on every backend), ``"tf32"`` or
            ``"bfloat16"`` (faster on a GPU; reports stay float32): :mod:`jaxclimb.precision`.
        batch_size: rows per minibatch in a run (a fresh batch per step, shared by the current
            point and its candidates; the best re-scored on all rows at chunk ends).
            ``"auto"``: as :data:`~jaxclimb.evaluation.objectives.AUTO_BATCH_SIZE` says.
        evaluation: ``"auto"`` (the fastest measured path), ``"fused"`` (a Pallas kernel),
            ``"xla"`` or ``"incremental"`` (unit moves from cached activations): ``paths``.

    Example:
        >>> import numpy as np
        >>> f = lambda p, X: X @ p["w"]
        >>> s = make_score_fn(f, np.eye(2), np.array([1.0, 2.0]), metric="mse")
        >>> float(s({"w": np.array([1.0, 2.0])}))
        -0.0
    """
    X, y, precision, dtype = _checked(forward, X, y, metric, precision, evaluation, dtype)
    batch_size = _batch_size(batch_size, X.shape[0])
    y, output_kind, use_logits, n_classes = score_targets(forward, X, y, metric, output_kind, dtype)
    return ScoreFn(
        X=jnp.asarray(X, dtype),
        y=jnp.asarray(y),
        forward=forward,
        metric=metric,
        output_kind=output_kind,
        use_logits=use_logits,
        precision=precision,
        n_classes=n_classes,
        batch_size=batch_size,
        evaluation=evaluation,
    )


def _checked(forward, X, y, metric: str, precision, evaluation, dtype):
    check_choice("metric", metric, METRICS)
    precision = check_precision(precision)
    check_forward(forward)
    check_evaluation(evaluation, forward)
    X = check_features("X", X, jnp.dtype(dtype := floating_name("dtype", dtype)))
    return X, check_targets("y", y, X.shape[0]), precision, dtype


def _batch_size(batch_size, n_rows: int) -> int | None:
    if batch_size == "auto":
        return AUTO_BATCH_SIZE if n_rows > AUTO_MINIBATCH_ROWS else None
    if batch_size is None:
        return None
    batch_size = check_int("batch_size", batch_size, minimum=1)
    return batch_size if batch_size < n_rows else None


def reporting(score_fn: Any) -> ScoreFn | None:
    """What the engine asks of an objective, in one place: the :class:`ScoreFn` behind
    ``score_fn`` (its data and network: metrics in their units, the evaluation path,
    re-scoring in float32, minibatches, memory per evaluation), or None for an objective
    that declares none of them (a plain function, a
    :class:`~jaxclimb.evaluation.sampling.KeyedObjective`)."""
    return score_fn if isinstance(score_fn, ScoreFn) else None

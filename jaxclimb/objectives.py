"""Objectives: the score a search maximises, built from a forward pass, data and a metric.

Inside a search, a *score* is always "higher is better": :func:`make_score_fn` negates
metrics that are minimised (log-loss, MSE) so no algorithm has to know the direction. The
objective also tells algorithms what they may ask of it without knowing the network:
whether it is differentiable, how much memory one evaluation needs, and how to evaluate
many candidates at once (:func:`jaxclimb.batching.evaluate_many`). Metrics and output kinds are in
:mod:`jaxclimb.metrics`.

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

from ._checks import check_choice, check_features, check_targets
from .metrics import HARD_KINDS, METRICS, OUTPUT_KINDS
from .networks import MLP, UNROLL_MAX_FAN_IN


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class ScoreFn:
    """``score(params) -> scalar`` where higher is better. Build it with :func:`make_score_fn`.

    It is a PyTree whose leaves are the data, so a compiled search takes the data as an
    argument instead of baking it into the program.
    """

    X: jax.Array
    y: jax.Array
    forward: Callable[[Any, jax.Array], jax.Array] = dataclasses.field(metadata=dict(static=True))
    metric: str = dataclasses.field(metadata=dict(static=True))
    output_kind: str = dataclasses.field(metadata=dict(static=True))
    use_logits: bool = dataclasses.field(metadata=dict(static=True))
    compute_dtype: str | None = dataclasses.field(default=None, metadata=dict(static=True))

    @property
    def maximize(self) -> bool:
        """True when the metric is maximised (accuracy, r2)."""
        return METRICS[self.metric].maximize

    @property
    def direction(self) -> str:
        """``"maximize"`` or ``"minimize"``: how the metric relates to the score."""
        return "maximize" if self.maximize else "minimize"

    def outputs(self, params: Any, X: ArrayLike | None = None) -> jax.Array:
        """What the metric sees: logits (fast path for MLPs) or the network output."""
        X = self.X if X is None else X
        if self.compute_dtype is not None:  # e.g. bfloat16 on a GPU: the metric stays float32
            cast = lambda a: jnp.asarray(a).astype(self.compute_dtype)  # noqa: E731
            params, X = jax.tree_util.tree_map(cast, params), cast(X)
        out = self.forward.logits(params, X) if self.use_logits else self.forward(params, X)
        if not hasattr(out, "shape") or out.ndim not in (1, 2) or out.shape[0] != X.shape[0]:
            raise ValueError(
                f"forward(params, X) must return (n_samples,) or (n_samples, n_outputs) for "
                f"{X.shape[0]} rows; got shape {getattr(out, 'shape', type(out).__name__)}"
            )
        if not jnp.issubdtype(out.dtype, jnp.floating):
            raise TypeError(f"forward(params, X) must return floats; got dtype {out.dtype}")
        if METRICS[self.metric].classification and out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        return out.astype(jnp.float32) if self.compute_dtype is not None else out

    def metric_value(self, params: Any) -> jax.Array:
        """The metric in its own units (log-loss positive, accuracy in [0, 1])."""
        spec = METRICS[self.metric]
        return spec.fn(self.y, self.outputs(params), output_kind=self.output_kind)

    def __call__(self, params: Any) -> jax.Array:
        value = self.metric_value(params)
        return value if self.maximize else -value

    def to_metric(self, score: ArrayLike) -> np.ndarray:
        """Convert scores (higher is better) back to metric units."""
        score = np.asarray(score)
        return score if self.maximize else -score

    # What algorithms and the engine may ask of an objective (they know nothing of MLPs).
    def nondifferentiable_reason(self) -> str | None:
        """Why the score has no useful gradient (accuracy, a step transfer), or None."""
        if self.metric == "accuracy":
            return (
                "metric='accuracy' has a zero gradient almost everywhere: use "
                "metric='log_loss' (or 'mse', 'r2')"
            )
        net = self.forward
        if self.output_kind in HARD_KINDS or (
            isinstance(net, MLP) and "step" in (net.output, *net.hidden_activations)
        ):
            return (
                "the step transfer has a zero gradient: use sigmoid, tanh, relu or "
                "identity transfers"
            )
        return None

    @property
    def evaluation_bytes(self) -> int:
        """A generous estimate of the temporaries one evaluation needs: every row's
        activations of every layer, a few times over."""
        rows, features = self.X.shape
        net = self.forward
        width = sum(net.layer_sizes) if isinstance(net, MLP) else features + 16
        return int(rows * width * 4 * 4)

    @property
    def fused(self) -> bool:
        """True when the forward pass of one candidate is one fused loop that keeps no
        activations (an MLP of narrow layers): batching candidates does not pay."""
        net = self.forward
        return isinstance(net, MLP) and max(net.layer_sizes[:-1]) <= UNROLL_MAX_FAN_IN


def make_score_fn(
    forward: Callable[[Any, jax.Array], jax.Array],
    X: ArrayLike,
    y: ArrayLike,
    *,
    metric: str = "accuracy",
    output_kind: str | None = None,
    dtype=jnp.float32,
    compute_dtype=None,
) -> ScoreFn:
    """Build the search objective, a :class:`ScoreFn`: ``score(params) -> scalar``, higher
    is better.

    Args:
        forward: an :class:`~jaxclimb.networks.MLP` or any function ``f(params, X)`` returning
            ``(n_samples,)`` or ``(n_samples, n_outputs)``. It must be hashable (plain functions
            are); the data travel separately.
        X: features, ``(n_samples, n_features)``, finite.
        y: targets. Classification: integer classes ``0..k-1`` (``0/1`` for a single output)
            or one-hot rows. Regression: ``(n_samples,)`` or ``(n_samples, n_outputs)``.
        metric: ``"accuracy"``, ``"log_loss"`` (maximised as its negative), ``"mse"`` or ``"r2"``.
        output_kind: what ``forward`` returns (see the module doc). Inferred for an
            :class:`MLP`; for a user function it defaults to ``"probability"`` for
            classification metrics and ``"value"`` otherwise.
        dtype: floating dtype the data are stored (and checked finite) in.
        compute_dtype: run the forward pass in this dtype (``"bfloat16"`` halves memory
            traffic on GPUs and TPUs; on CPUs it is emulated and slower); the weights and
            the metric stay in ``dtype``.

    Example:
        >>> import numpy as np
        >>> f = lambda p, X: X @ p["w"]
        >>> s = make_score_fn(f, np.eye(2), np.array([1.0, 2.0]), metric="mse")
        >>> float(s({"w": np.array([1.0, 2.0])}))
        -0.0
    """
    check_choice("metric", metric, METRICS)
    _check_forward(forward)
    X = check_features("X", X, jnp.dtype(dtype := _floating("dtype", dtype)))
    y = check_targets("y", y, X.shape[0])
    output_kind, use_logits, n_out = _output_kind(forward, X, metric, output_kind)
    compute_dtype = _compute_dtype(compute_dtype)
    if metric == "log_loss" and output_kind in HARD_KINDS:
        raise ValueError(
            "metric='log_loss' needs probabilities or logits, but the output is a hard 0/1 "
            "label (step transfer); use metric='accuracy' or a sigmoid output"
        )
    if METRICS[metric].classification:
        y = _class_targets(y, n_out)
    else:
        y = _regression_targets(y, n_out, metric, dtype)
    return ScoreFn(
        X=jnp.asarray(X, dtype),
        y=jnp.asarray(y),
        forward=forward,
        metric=metric,
        output_kind=output_kind,
        use_logits=use_logits,
        compute_dtype=compute_dtype,
    )


def _check_forward(forward: Any) -> None:
    if not callable(forward):
        raise TypeError(f"forward must be callable f(params, X); got {type(forward).__name__}")
    try:
        hash(forward)
    except TypeError:
        raise TypeError("forward must be hashable (a function or a frozen object)") from None


def _output_kind(forward, X: np.ndarray, metric: str, output_kind: str | None):
    """``(output_kind, use_logits, n_outputs)``: inferred for an MLP, defaulted for a user
    function (``n_outputs`` None: unknown)."""
    if not isinstance(forward, MLP):
        default = "probability" if METRICS[metric].classification else "value"
        output_kind = output_kind or default
        check_choice("output_kind", output_kind, OUTPUT_KINDS)
        return output_kind, False, None
    if X.shape[1] != forward.layer_sizes[0]:
        raise ValueError(
            f"X has {X.shape[1]} features but the network expects {forward.layer_sizes[0]}"
        )
    inferred = {"step": "step", "sigmoid": "logit", "softmax": "logit"}.get(forward.output, "value")
    use_logits = forward.output in ("sigmoid", "softmax", "step")
    if output_kind is not None and output_kind != inferred:
        use_logits = False
    output_kind = output_kind or inferred
    check_choice("output_kind", output_kind, OUTPUT_KINDS)
    return output_kind, use_logits, forward.layer_sizes[-1]


def _compute_dtype(compute_dtype) -> str | None:
    return None if compute_dtype is None else _floating("compute_dtype", compute_dtype)


def _floating(name: str, dtype) -> str:
    """The name of a floating dtype, or a TypeError naming the argument."""
    try:
        dtype = jnp.dtype(dtype).name
    except TypeError:
        raise TypeError(f"{name} must be a floating dtype; got {dtype!r}") from None
    if not jnp.issubdtype(dtype, jnp.floating):
        raise TypeError(f"{name} must be a floating dtype (float32, ...); got {dtype!r}")
    return dtype


def _regression_targets(y: np.ndarray, n_out: int | None, metric: str, dtype) -> np.ndarray:
    if n_out is not None and y.ndim == 1 and n_out != 1:
        raise ValueError(f"y is 1-D but the network has {n_out} outputs")
    if n_out is not None and y.ndim == 2 and y.shape[1] != n_out:
        raise ValueError(f"y has {y.shape[1]} columns but the network has {n_out} outputs")
    if metric == "r2" and np.any(np.ptp(y, axis=0) == 0):
        raise ValueError("metric='r2' is undefined for a constant target y; use 'mse'")
    if np.max(np.abs(y)) > _LARGEST_TARGET:  # their squared errors would overflow float32
        raise ValueError(
            f"y holds values up to {np.max(np.abs(y)):.3g}, too large for a float32 {metric} "
            f"(at most {_LARGEST_TARGET:.0e}); rescale y (e.g. StandardScaler)"
        )
    y = y.astype(dtype)
    return y[:, None] if n_out == 1 and y.ndim == 1 else y


_LARGEST_TARGET = 1e18


def _class_targets(y: np.ndarray, n_out: int | None) -> np.ndarray:
    """Integer class indices from labels or one-hot rows, checked against the outputs."""
    if y.ndim == 2:
        if y.shape[1] == 1:
            y = y[:, 0]
        elif np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
            y = np.argmax(y, axis=1)
        else:
            raise ValueError("y is 2-D but not one-hot; give class indices 0..k-1 or one-hot rows")
    if not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError(
            "y must hold integer class labels for a classification metric; got non-integer "
            "values (use metric='mse' or 'r2' for regression)"
        )
    if np.max(np.abs(y)) > np.iinfo(np.int32).max:
        raise ValueError(f"y holds class labels beyond int32 ({np.max(np.abs(y)):.0f}); "
                         "encode labels as 0..k-1 with sklearn's LabelEncoder")  # fmt: skip
    y = y.astype(np.int32)
    n_classes = 2 if n_out in (None, 1) else n_out
    if y.min() < 0 or y.max() >= n_classes:
        expected = "0 or 1" if n_classes == 2 else f"0..{n_classes - 1}"
        raise ValueError(
            f"y must hold class labels {expected} for this network's outputs; got values "
            f"{np.unique(y)[:10].tolist()} (encode labels with sklearn's LabelEncoder)"
        )
    return y

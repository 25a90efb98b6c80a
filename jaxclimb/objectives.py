"""Objectives: metrics as pure ``(y, output) -> scalar`` functions and the score factory.

Inside a search, a *score* is always "higher is better": :func:`make_score_fn` negates
metrics that are minimised (log-loss, MSE) so no algorithm has to know the direction.

Output kinds tell a metric what a network's output means:

* ``"logit"``: real-valued pre-transfer activation; binary class 1 iff > 0, multi-class argmax.
* ``"probability"``: sigmoid (binary) or softmax (multi-class) output; class 1 iff > 0.5.
* ``"label"``: already a 0/1 class (a user function ending in a step).
* ``"step"``: pre-step activations of an MLP with a step output: class 1 iff >= 0 (the
  tutorial's rule); computed from the activations so a NaN is seen, not hidden by the step.

A classification metric is NaN when any output is NaN or infinite, so a broken network
is never scored as a plausible accuracy (and a NaN score is never accepted).
* ``"value"``: a regression output.

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
from .networks import MLP

OUTPUT_KINDS = ("logit", "probability", "label", "value", "step")
HARD_KINDS = ("label", "step")  # 0/1 decisions: no probability, no gradient
_EPS = 1e-7


def class_predictions(output: ArrayLike, kind: str) -> jax.Array:
    """Integer class per row from an ``(n,)`` binary or ``(n, k)`` multi-class output."""
    output = jnp.asarray(output)
    if output.ndim == 2:
        return jnp.argmax(output, axis=-1)
    if kind == "step":
        return (output >= 0).astype(jnp.int32)
    if kind == "logit" or kind == "value":
        return (output > 0).astype(jnp.int32)
    return (output > 0.5).astype(jnp.int32)


def accuracy(y: ArrayLike, output: ArrayLike, *, output_kind: str = "probability") -> jax.Array:
    """Fraction of rows whose predicted class equals ``y`` (integer class indices); NaN if
    any output is NaN or infinite."""
    output = jnp.asarray(output)
    correct = (class_predictions(output, output_kind) == jnp.asarray(y)).astype(output.dtype)
    # 0 * output is 0 for a finite output and NaN otherwise: it poisons the mean without a
    # second reduction, which would stop XLA fusing the forward pass into one loop.
    poison = 0 * (output if output.ndim == 1 else jnp.sum(output, axis=-1))
    return jnp.mean(correct + poison)


def log_loss(y: ArrayLike, output: ArrayLike, *, output_kind: str = "logit") -> jax.Array:
    """Mean cross-entropy; exact and stable from logits, clipped from probabilities."""
    out, y = jnp.asarray(output), jnp.asarray(y)
    if output_kind == "logit":
        if out.ndim == 2:
            logp = jax.nn.log_softmax(out, axis=-1)
            return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=-1))
        return jnp.mean(jax.nn.softplus(out) - y * out)
    p = jnp.clip(out, _EPS, 1 - _EPS)
    if p.ndim == 2:
        return -jnp.mean(jnp.log(jnp.take_along_axis(p, y[:, None], axis=-1)))
    return -jnp.mean(y * jnp.log(p) + (1 - y) * jnp.log1p(-p))


def mse(y: ArrayLike, output: ArrayLike, *, output_kind: str = "value") -> jax.Array:
    """Mean squared error over rows and outputs."""
    del output_kind
    return jnp.mean((jnp.asarray(output) - jnp.asarray(y)) ** 2)


def r2(y: ArrayLike, output: ArrayLike, *, output_kind: str = "value") -> jax.Array:
    """Coefficient of determination, averaged uniformly over outputs (as scikit-learn)."""
    del output_kind
    y, out = jnp.asarray(y), jnp.asarray(output)
    ss_res = jnp.sum((y - out) ** 2, axis=0)
    ss_tot = jnp.sum((y - jnp.mean(y, axis=0)) ** 2, axis=0)
    return jnp.mean(1.0 - ss_res / ss_tot)


@dataclasses.dataclass(frozen=True)
class MetricSpec:
    """A metric, whether it is maximised, and whether it takes class labels."""

    fn: Callable[..., jax.Array]
    maximize: bool
    classification: bool


METRICS: dict[str, MetricSpec] = {
    "accuracy": MetricSpec(accuracy, True, True),
    "log_loss": MetricSpec(log_loss, False, True),
    "mse": MetricSpec(mse, False, False),
    "r2": MetricSpec(r2, True, False),
}
"""Metrics by name."""


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
    """Build the search objective ``score(params) -> scalar`` (higher is better).

    Args:
        forward: an :class:`~jaxclimb.networks.MLP` or any function ``f(params, X)`` returning
            ``(n_samples,)`` or ``(n_samples, n_outputs)``. It must be hashable (plain functions
            are); the data travel separately.
        X: features, ``(n_samples, n_features)``, finite.
        y: targets. Classification: integer classes ``0..k-1`` (``0/1`` for a single output)
            or one-hot rows. Regression: ``(n_samples,)`` or ``(n_samples, n_outputs)``.
        metric: ``"accuracy"``, ``"log_loss"`` (maximised as its negative), ``"mse"``
            (likewise) or ``"r2"``.
        output_kind: what ``forward`` returns (see the module doc). Inferred for an
            :class:`MLP`; for a user function it defaults to ``"probability"`` for
            classification metrics and ``"value"`` otherwise.
        dtype: floating dtype the data are stored in.
        compute_dtype: run the forward pass in this dtype (``"bfloat16"`` halves memory
            traffic on GPUs and TPUs; on CPUs it is emulated and slower); the weights and
            the metric stay in ``dtype``.

    Returns:
        A :class:`ScoreFn`.

    Example:
        >>> import numpy as np
        >>> f = lambda p, X: X @ p["w"]
        >>> s = make_score_fn(f, np.eye(2), np.array([1.0, 2.0]), metric="mse")
        >>> float(s({"w": np.array([1.0, 2.0])}))
        -0.0
    """
    check_choice("metric", metric, METRICS)
    if not callable(forward):
        raise TypeError(f"forward must be callable f(params, X); got {type(forward).__name__}")
    try:
        hash(forward)
    except TypeError:
        raise TypeError("forward must be hashable (a function or a frozen object)") from None
    X = check_features("X", X)
    y = check_targets("y", y, X.shape[0])
    spec = METRICS[metric]
    use_logits = False
    if isinstance(forward, MLP):
        n_out = forward.layer_sizes[-1]
        if X.shape[1] != forward.layer_sizes[0]:
            raise ValueError(
                f"X has {X.shape[1]} features but the network expects {forward.layer_sizes[0]}"
            )
        inferred = {"step": "step", "sigmoid": "logit", "softmax": "logit"}.get(
            forward.output, "value"
        )
        use_logits = forward.output in ("sigmoid", "softmax", "step")
        if output_kind is not None and output_kind != inferred:
            use_logits = False
        output_kind = output_kind or inferred
    else:
        n_out = None
        output_kind = output_kind or ("probability" if spec.classification else "value")
    check_choice("output_kind", output_kind, OUTPUT_KINDS)
    if compute_dtype is not None:
        try:
            compute_dtype = jnp.dtype(compute_dtype).name
        except TypeError:
            raise TypeError(
                f"compute_dtype must be a floating dtype; got {compute_dtype!r}"
            ) from None
        if not jnp.issubdtype(compute_dtype, jnp.floating):
            raise TypeError(f"compute_dtype must be a floating dtype; got {compute_dtype!r}")
    if metric == "log_loss" and output_kind in HARD_KINDS:
        raise ValueError(
            "metric='log_loss' needs probabilities or logits, but the output is a hard 0/1 "
            "label (step transfer); use metric='accuracy' or a sigmoid output"
        )
    if spec.classification:
        y = _class_targets(y, n_out)
    else:
        if n_out is not None and y.ndim == 1 and n_out != 1:
            raise ValueError(f"y is 1-D but the network has {n_out} outputs")
        if n_out is not None and y.ndim == 2 and y.shape[1] != n_out:
            raise ValueError(f"y has {y.shape[1]} columns but the network has {n_out} outputs")
        if metric == "r2" and np.any(np.ptp(y, axis=0) == 0):
            raise ValueError("metric='r2' is undefined for a constant target y; use 'mse'")
        y = y.astype(dtype)
        if n_out == 1 and y.ndim == 1:
            y = y[:, None]
    return ScoreFn(
        X=jnp.asarray(X, dtype),
        y=jnp.asarray(y),
        forward=forward,
        metric=metric,
        output_kind=output_kind,
        use_logits=use_logits,
        compute_dtype=compute_dtype,
    )


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
    y = y.astype(np.int32)
    n_classes = 2 if n_out in (None, 1) else n_out
    if y.min() < 0 or y.max() >= n_classes:
        expected = "0 or 1" if n_classes == 2 else f"0..{n_classes - 1}"
        raise ValueError(
            f"y must hold class labels {expected} for this network's outputs; got values "
            f"{np.unique(y)[:10].tolist()} (encode labels with sklearn's LabelEncoder)"
        )
    return y

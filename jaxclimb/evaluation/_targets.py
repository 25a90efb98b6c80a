"""Targets and output kinds of an objective, checked on the host before anything compiles.

Example:
    >>> import numpy as np
    >>> class_targets(np.eye(3)[[0, 2, 1]], None)
    (array([0, 2, 1], dtype=int32), 3)
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._checks import check_choice
from ..networks import MLP
from .metrics import HARD_KINDS, METRICS, OUTPUT_KINDS

LARGEST_TARGET = 1e18
"""Regression targets beyond this would overflow a float32 squared error."""


def output_kind_of(forward, X: np.ndarray, metric: str, output_kind: str | None, n_classes):
    """``(output_kind, use_logits, n_outputs)``: inferred for an MLP; for a user function
    given, or inferred where the metric does not depend on it (``n_outputs`` None)."""
    if not isinstance(forward, MLP):
        if output_kind is None:
            output_kind = _default_kind(metric, n_classes)
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


def _default_kind(metric: str, n_classes: int | None) -> str:
    """A user function's output kind where nothing depends on it, else a ValueError."""
    if not METRICS[metric].classification:
        return "value"
    if metric == "accuracy" and n_classes is not None and n_classes > 2:
        return "logit"  # argmax over k columns: the same for logits and probabilities
    need = "log-loss" if metric == "log_loss" else "binary accuracy (a threshold)"
    raise ValueError(
        f"output_kind is required for a forward function with metric={metric!r}: {need} "
        "depends on what forward returns; pass output_kind='logit' (real-valued scores), "
        "'probability' (sigmoid or softmax outputs) or 'label' (0/1 decisions)"
    )


def regression_targets(y: np.ndarray, n_out: int | None, metric: str, dtype) -> np.ndarray:
    """Regression targets as ``dtype``, checked against the outputs and float32's range."""
    if n_out is not None and y.ndim == 1 and n_out != 1:
        raise ValueError(f"y is 1-D but the network has {n_out} outputs")
    if n_out is not None and y.ndim == 2 and y.shape[1] != n_out:
        raise ValueError(f"y has {y.shape[1]} columns but the network has {n_out} outputs")
    if metric == "r2" and np.any(np.ptp(y, axis=0) == 0):
        raise ValueError("metric='r2' is undefined for a constant target y; use 'mse'")
    if np.max(np.abs(y)) > LARGEST_TARGET:  # their squared errors would overflow float32
        raise ValueError(
            f"y holds values up to {np.max(np.abs(y)):.3g}, too large for a float32 {metric} "
            f"(at most {LARGEST_TARGET:.0e}); rescale y (e.g. StandardScaler)"
        )
    y = y.astype(dtype)
    return y[:, None] if n_out == 1 and y.ndim == 1 else y


def class_targets(y: np.ndarray, n_out: int | None) -> tuple[np.ndarray, int]:
    """``(class indices, number of classes)`` from labels or one-hot rows, checked against
    the network's outputs when known (``n_out``)."""
    width = None
    if y.ndim == 2:
        if y.shape[1] == 1:
            y = y[:, 0]
        elif np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
            y, width = np.argmax(y, axis=1), y.shape[1]
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
    if y.min() < 0:
        raise ValueError(
            f"y must hold class labels 0..k-1; got negative values {np.unique(y)[:10].tolist()} "
            "(encode labels with sklearn's LabelEncoder)"
        )
    n_classes = width or max(2, int(y.max()) + 1)
    allowed = None if n_out is None else (2 if n_out == 1 else n_out)
    if allowed is not None and n_classes > allowed:
        expected = "0 or 1" if allowed == 2 else f"0..{allowed - 1}"
        raise ValueError(
            f"y must hold class labels {expected} for this network's outputs; got values "
            f"{np.unique(y)[:10].tolist()} (encode labels with sklearn's LabelEncoder)"
        )
    return y, n_classes


def check_class_outputs(out_shape: tuple, n_classes: int | None) -> None:
    """The forward's output shape can hold ``n_classes`` classes (checked while tracing)."""
    if n_classes is None:
        return
    columns = 1 if len(out_shape) == 1 else out_shape[1]
    if columns == 1 and n_classes > 2:
        raise ValueError(
            f"y holds {n_classes} classes but forward(params, X) returns one column; return "
            f"(n_samples, {n_classes}) logits or probabilities, one column per class"
        )
    if columns > 1 and columns < n_classes:
        raise ValueError(
            f"y holds {n_classes} classes (0..{n_classes - 1}) but forward(params, X) returns "
            f"{columns} columns; return one column per class"
        )


def check_output_values(out: np.ndarray, kind: str) -> None:
    """The outputs are what ``output_kind`` says (probabilities in [0, 1] summing to 1 over
    classes, labels 0/1); NaN outputs are left to the search, which never accepts them."""
    finite = out[np.isfinite(out)]
    if finite.size == 0:
        return
    if kind == "probability":
        low, high = float(finite.min()), float(finite.max())
        if low < 0 or high > 1:
            raise ValueError(
                f"output_kind='probability' but forward(params, X) returned values in "
                f"[{low:.3g}, {high:.3g}]; pass output_kind='logit' if these are scores, or "
                "end forward in a sigmoid or softmax"
            )
        rows = out[np.all(np.isfinite(out), axis=1)] if out.ndim == 2 else None
        if rows is not None and rows.size and not np.allclose(rows.sum(axis=1), 1, atol=1e-3):
            raise ValueError(
                "output_kind='probability' but the rows of forward(params, X) do not sum to 1; "
                "end forward in a softmax, or pass output_kind='logit'"
            )
    if kind == "label" and not np.all((finite == 0) | (finite == 1)):
        raise ValueError(
            "output_kind='label' but forward(params, X) returned values other than 0 and 1; "
            "pass output_kind='logit' or 'probability'"
        )


def score_targets(forward, X, y, metric: str, output_kind: str | None, dtype):
    """``(y, output_kind, use_logits, n_classes)``, checked against each other."""
    n_classes = None
    if METRICS[metric].classification:
        n_out = forward.layer_sizes[-1] if isinstance(forward, MLP) else None
        y, n_classes = class_targets(y, n_out)
    output_kind, use_logits, n_out = output_kind_of(forward, X, metric, output_kind, n_classes)
    if metric == "log_loss" and output_kind in HARD_KINDS:
        raise ValueError(
            "metric='log_loss' needs probabilities or logits, but the output is a hard 0/1 "
            "label (step transfer); use metric='accuracy' or a sigmoid output"
        )
    if not METRICS[metric].classification:
        y = regression_targets(y, n_out, metric, dtype)
    return y, output_kind, use_logits, n_classes


def check_forward(forward) -> None:
    if not callable(forward):
        raise TypeError(f"forward must be callable f(params, X); got {type(forward).__name__}")
    try:
        hash(forward)
    except TypeError:
        raise TypeError("forward must be hashable (a function or a frozen object)") from None


def floating_name(name: str, dtype) -> str:
    """The name of a floating dtype, or a TypeError naming the argument."""
    try:
        dtype = jnp.dtype(dtype).name
    except TypeError:
        raise TypeError(f"{name} must be a floating dtype; got {dtype!r}") from None
    if not jnp.issubdtype(dtype, jnp.floating):
        raise TypeError(f"{name} must be a floating dtype (float32, ...); got {dtype!r}")
    return dtype

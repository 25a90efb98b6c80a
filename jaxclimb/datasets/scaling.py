"""Scaling fitted on the training split, kept as JSON, and folded back into the weights.

A scaling is ``{"kind": ..., "features": {"multiply": [...], "add": [...]}, "target":
{"mean": m, "std": s} or None}``: the search sees ``X * multiply + add`` and ``(y - m) /
s``. Both are affine, so after the search they are folded into the network (the first
layer takes raw features, a linear output layer gives raw targets): the saved result
predicts from the user's data with no transform to carry, and its header records the
scaling for the reader.

Example:
    >>> import numpy as np
    >>> X = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> s = fit_scaling("standard", X, None)
    >>> apply_scaling(s, X, X, None, None)[0].tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
"""

from __future__ import annotations

import numpy as np


def fit_scaling(kind: str, X_train, y_train=None) -> dict | None:
    """The scaling ``kind`` (``standard``, ``minmax`` or ``none``) of the training
    features, and of a regression target ``y_train`` (standardised unless ``none``)."""
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    if kind == "none":
        return None
    X = np.asarray(X_train, np.float64)
    if kind == "standard":
        fitted = StandardScaler().fit(X)
        multiply, add = 1.0 / fitted.scale_, -fitted.mean_ / fitted.scale_
    else:
        fitted = MinMaxScaler().fit(X)
        multiply, add = fitted.scale_, fitted.min_
    target = None
    if y_train is not None:
        y = np.asarray(y_train, np.float64)
        std = float(np.std(y))
        target = {"mean": float(np.mean(y)), "std": std if std > 0 else 1.0}
    features = {"multiply": multiply.tolist(), "add": add.tolist()}
    return {"kind": kind, "features": features, "target": target}


def apply_scaling(scaling: dict, X_train, X_test, y_train, y_test) -> tuple:
    """``(X_train, X_test, y_train, y_test)`` as the search sees them (float32 features)."""
    multiply = np.asarray(scaling["features"]["multiply"])
    add = np.asarray(scaling["features"]["add"])
    scale = lambda X: (np.asarray(X, np.float64) * multiply + add).astype(np.float32)  # noqa: E731
    target = scaling["target"]
    if target is not None:
        unit = lambda y: (np.asarray(y, np.float64) - target["mean"]) / target["std"]  # noqa: E731
        y_train, y_test = unit(y_train), unit(y_test)
    return scale(X_train), scale(X_test), y_train, y_test


def fold_into_result(result, scaling: dict) -> None:
    """Rewrite ``result`` in the user's units: the scaling folded into every climber's
    weights (first layer: raw features in; a linear output: raw targets out), MSE scores
    multiplied by the target's variance, and the scaling recorded in its config."""
    layers = [dict(layer) for layer in result.best_params]
    multiply = np.asarray(scaling["features"]["multiply"])
    add = np.asarray(scaling["features"]["add"])
    first = layers[0]
    w = np.asarray(first["w"], np.float64)  # (P, n_in, n_out)
    first["b"] = (first["b"] + np.einsum("i,pio->po", add, w)).astype(first["b"].dtype)
    first["w"] = (w * multiply[None, :, None]).astype(first["w"].dtype)
    target = scaling["target"]
    if target is not None:
        last = layers[-1]
        std, mean = target["std"], target["mean"]
        last["w"] = (np.asarray(last["w"], np.float64) * std).astype(last["w"].dtype)
        last["b"] = (np.asarray(last["b"], np.float64) * std + mean).astype(last["b"].dtype)
        if result.metric == "mse":
            for name in ("best_score", "final_score", "history"):
                scaled = getattr(result, name).astype(np.float64) * std**2
                setattr(result, name, scaled.astype(getattr(result, name).dtype))
    result.best_params = layers
    result.config["scaling"] = scaling


def check_foldable(scaling: dict | None, output: str) -> None:
    """A standardised target is folded into a linear output layer only."""
    if scaling is not None and scaling["target"] is not None and output != "identity":
        raise ValueError(
            f"--output {output} cannot give a standardised target back in its own units; "
            "use --output identity (the regression default) or --scale none"
        )

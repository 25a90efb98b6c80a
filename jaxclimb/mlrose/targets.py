"""mlrose's targets: 0/1 (or two) labels, one-hot rows, or values; what the search fits,
what mlrose's loss compares with, and the outputs of the network.

Example:
    >>> t = targets(np.eye(3)[[0, 2, 1]], 3, is_classifier=True)
    >>> t.n_outputs, t.fit.tolist(), t.classes.tolist()
    (3, [0, 2, 1], [0, 1, 2])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Targets(NamedTuple):
    """``fit``: what the search's objective takes (class indices or float values);
    ``host``: what mlrose's loss compares with (``(n, 1)`` or ``(n, k)``); ``classes``;
    ``n_outputs``; ``scale``: mlrose's gradient is this many times the objective's."""

    fit: np.ndarray
    host: np.ndarray
    classes: np.ndarray | None
    n_outputs: int
    scale: float


def targets(y, n_rows: int, is_classifier: bool) -> Targets:
    """Check ``y`` against ``n_rows`` and read it as mlrose does (1-D: one output)."""
    if y is None:
        raise ValueError("y is required: fit(X, y)")
    y = np.asarray(y)
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    if y.ndim != 2 or y.shape[0] != n_rows:
        raise ValueError(f"The length of X ({n_rows}) and y ({np.shape(y)}) must be equal.")
    if is_classifier:
        return _classes(y)
    if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)):
        raise ValueError("y must be finite numbers for a regression (is_classifier=False)")
    y = y.astype(np.float64)
    # mlrose's descent steps by the gradient of half the summed squared error
    return Targets(y.astype(np.float32), y, None, y.shape[1], y.size / 2)


def _classes(y: np.ndarray) -> Targets:
    n = y.shape[0]
    if y.shape[1] == 1:
        classes, codes = np.unique(y[:, 0], return_inverse=True)
        if len(classes) != 2:
            raise ValueError(
                f"y holds {len(classes)} classes in one column; mlrose's network has one "
                "sigmoid output for two classes: give several classes as one-hot rows (e.g. "
                "OneHotEncoder), as mlrose requires"
            )
        return Targets(codes.astype(np.int32), codes.reshape(-1, 1), classes, 1, n)
    if not (np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1)):
        raise ValueError("a classifier's 2-D y must be one-hot rows (one 1 per row)")
    codes = np.argmax(y, axis=1).astype(np.int32)
    return Targets(codes, y.astype(np.float64), np.arange(y.shape[1]), y.shape[1], n)

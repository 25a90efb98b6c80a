"""Synthetic stand-ins of realistic size for tuning and benchmarking the defaults.

Built with ``make_classification`` / ``make_regression`` (never scikit-learn's bundled real
data sets, which are held out), standardised on the training rows, with fixed splits.

Example:
    >>> X_train, X_test, y_train, y_test, hidden = standin("clf30x2")
    >>> X_train.shape, hidden
    ((427, 30), (16,))
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

STANDINS = {
    # name: (features, classes (0: regression), rows, hidden)
    "clf64x10": (64, 10, 1800, (32,)),
    "clf30x2": (30, 2, 570, (16,)),
    "clf13x3": (13, 3, 180, (8,)),
    "reg10": (10, 0, 440, (8,)),
}
"""The stand-ins of issue 13: ``(n_features, n_classes or 0, n_rows, hidden)``."""


def standin(name: str, *, seed: int = 0) -> tuple:
    """``(X_train, X_test, y_train, y_test, hidden)`` of stand-in ``name`` (a 75/25 split,
    stratified for classification; features standardised on the training rows)."""
    features, classes, rows, hidden = STANDINS[name]
    if classes:
        X, y = make_classification(
            n_samples=rows, n_features=features, n_informative=features // 2,
            n_redundant=features // 4, n_classes=classes, n_clusters_per_class=1,
            class_sep=2.0, random_state=seed,
        )  # fmt: skip
        stratify = y
    else:
        X, y = make_regression(
            n_samples=rows, n_features=features, n_informative=features // 2, noise=10.0,
            random_state=seed,
        )  # fmt: skip
        y = np.tanh(y / np.std(y)) * np.std(y)  # a little curvature, so hidden units matter
        stratify = None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = (scaler.transform(a).astype(np.float32) for a in (X_train, X_test))
    return X_train, X_test, y_train, y_test, hidden

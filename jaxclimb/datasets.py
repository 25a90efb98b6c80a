"""Built-in problems and CSV loading.

Example:
    >>> X_train, X_test, y_train, y_test = problem_a()
    >>> X_train.shape, X_test.shape
    ((670, 5), (330, 5))
"""

from __future__ import annotations

import csv
import os

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from ._checks import check_float, check_int

SPLIT_SEED = 1
"""The train/test split seed of the built-in problem (the tutorial's split was unseeded)."""


def problem_a(*, test_size: float = 0.33, split_seed: int = SPLIT_SEED):
    """REFERENCE.md problem A: ``make_classification(1000, 5, n_informative=2,
    n_redundant=1, random_state=1)`` split 67/33 into train and test.

    Returns:
        ``X_train, X_test, y_train, y_test`` (float32 features, int labels).
    """
    X, y = make_classification(
        n_samples=1000, n_features=5, n_informative=2, n_redundant=1, random_state=1
    )
    return split(X.astype(np.float32), y, test_size=test_size, split_seed=split_seed)


def split(X, y, *, test_size: float = 0.33, split_seed: int = SPLIT_SEED):
    """``train_test_split`` with the checks the CLI needs (0 < test_size < 1)."""
    test_size = check_float("test_size", test_size, low=0.0, high=1.0)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be strictly between 0 and 1; got {test_size}")
    split_seed = check_int("split_seed", split_seed, minimum=0)
    return train_test_split(X, y, test_size=test_size, random_state=split_seed)


def load_csv(path: str | os.PathLike, target: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a CSV with a header row: numeric feature columns and one ``target`` column.

    Returns:
        ``X`` (float32), ``y`` (the target column: numbers where every cell is numeric,
        strings otherwise) and the feature names.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"data file {path!r} does not exist")
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError(f"data file {path!r} is empty")
    header, body = [h.strip() for h in rows[0]], [r for r in rows[1:] if any(c.strip() for c in r)]
    if target not in header:
        raise ValueError(f"target column {target!r} is not in {path!r}; columns: {header}")
    if not body:
        raise ValueError(f"data file {path!r} has a header but no rows")
    t = header.index(target)
    features = [h for i, h in enumerate(header) if i != t]
    if not features:
        raise ValueError(f"data file {path!r} has no feature columns besides {target!r}")
    X = np.empty((len(body), len(features)), np.float32)
    for r, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}: line {r} has {len(row)} cells, the header {len(header)}")
        cells = [c for i, c in enumerate(row) if i != t]
        for j, cell in enumerate(cells):
            try:
                X[r - 2, j] = float(cell)
            except ValueError:
                raise ValueError(
                    f"{path}: line {r}, column {features[j]!r}: {cell!r} is not a number"
                ) from None
    labels = [row[t].strip() for row in body]
    try:
        y = np.array([float(v) for v in labels])
    except ValueError:
        y = np.array(labels)
    return X, y, features


def class_labels(y: np.ndarray, metric: str) -> np.ndarray:
    """Encode a target column as classes 0..k-1 for a classification ``metric``.

    A continuous column (more distinct non-integer values than a classification would
    have) is refused with a pointer to the regression metrics.
    """
    from sklearn.preprocessing import LabelEncoder
    from sklearn.utils.multiclass import type_of_target

    if type_of_target(y) == "continuous":
        raise ValueError(
            f"the target column is continuous ({len(np.unique(y))} distinct values) but "
            f"--metric {metric} needs classes; use --metric mse or r2 for regression"
        )
    return LabelEncoder().fit_transform(y)


def from_options(data, target, metric: str, *, test_size: float, split_seed: int):
    """The CLI's data: problem A, or a CSV's ``target`` column, split into train and test.

    Returns:
        ``(X_train, X_test, y_train, y_test, source)``; classification targets are encoded
        as classes 0..k-1.
    """
    from .metrics import METRICS

    if data is None:
        if target is not None:
            raise ValueError("--target needs --data FILE.csv")
        split_data = problem_a(test_size=test_size, split_seed=split_seed)
        return (*split_data, "problem A (make_classification 1000x5)")
    if target is None:
        raise ValueError("--data needs --target COLUMN")
    X, y, _ = load_csv(data, target)
    if METRICS[metric].classification:
        y = class_labels(y, metric)
    elif y.dtype.kind not in "fiu":
        raise ValueError(f"--metric {metric} needs a numeric target column")
    return (*split(X, y, test_size=test_size, split_seed=split_seed), os.fspath(data))

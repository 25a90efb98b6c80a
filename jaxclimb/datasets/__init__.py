"""The data a front end searches on, and the task it poses.

Here: the built-in problems, train/test splits and the command line's data. Beside it:

* ``csvfile``: a table of features and a target from a CSV file.
* ``scaling``: scaling fitted on the training split, folded back
  into the weights after the search.
* :mod:`~jaxclimb.datasets.tasks`: the one builder of a network and an objective for a
  task (binary, multi-class, regression), shared by every front end.

Example:
    >>> X_train, X_test, y_train, y_test = problem_a()
    >>> X_train.shape, X_test.shape
    ((670, 5), (330, 5))
"""

from __future__ import annotations

import os

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from .._checks import check_float, check_int

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
    from ..evaluation.metrics import METRICS

    if data is None:
        if target is not None:
            raise ValueError("--target needs --data FILE.csv")
        split_data = problem_a(test_size=test_size, split_seed=split_seed)
        return (*split_data, "problem A (make_classification 1000x5)")
    if target is None:
        raise ValueError("--data needs --target COLUMN")
    from .csvfile import load_csv

    X, y, _ = load_csv(data, target)
    if METRICS[metric].classification:
        y = class_labels(y, metric)
    elif y.dtype.kind not in "fiu":
        raise ValueError(f"--metric {metric} needs a numeric target column")
    return (*split(X, y, test_size=test_size, split_seed=split_seed), os.fspath(data))

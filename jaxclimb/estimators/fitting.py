"""What an estimator's ``fit`` needs beyond the search: seeds, the final climber, warm
starts from a fitted population and validation-based early stopping.

Example:
    >>> import numpy as np
    >>> choose(np.array([0.9, 1.0, 1.0]), np.array([-0.3, -0.2, -0.1]))
    2
"""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.model_selection import train_test_split

from .._checks import shown
from ..datasets.tasks import choose  # noqa: F401 - the rule lives in jaxclimb.datasets.tasks
from ..results import to_host

_metric_of_all = jax.jit(lambda score, params: jax.vmap(score.metric_value)(params))


def seed_of(random_state) -> int:
    """An int seed from an int, None, a RandomState or a numpy Generator."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state <= 2**32 - 1:  # as scikit-learn's check_random_state
            raise ValueError(f"random_state must be between 0 and 2**32 - 1 (as scikit-learn "
                             f"takes it); got {int(random_state)}")  # fmt: skip
        return int(random_state)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**31 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1))
    raise TypeError(
        f"random_state must be None, an int or a numpy Generator; got {shown(random_state)}"
    )


def metric_of_all(score, params) -> np.ndarray:
    """``score.metric_value`` of every climber in ``params`` (leading climber axis)."""
    return np.asarray(_metric_of_all(score, params), np.float64)


def check_verbose(verbose) -> None:
    """``verbose`` is a bool or an int >= 0 (scikit-learn's meaning), else a TypeError."""
    if isinstance(verbose, bool | np.bool_):
        return
    if not isinstance(verbose, numbers.Integral):
        raise TypeError(
            "verbose must be an integer >= 0 or a bool (0: silent, 1: a progress bar, 2: also "
            f"each improvement); got {type(verbose).__name__} {verbose!r}"
        )
    if verbose < 0:
        raise ValueError(f"verbose must be >= 0; got {int(verbose)}")


def validation_split(X, y, w, fraction: float, seed: int, *, classes=None) -> tuple:
    """``(X_fit, y_fit, w_fit, X_val, y_val)``: ``fraction`` of the rows held out for early
    stopping, stratified by class for a classifier (``classes``: its labels, ``y`` their
    codes), as MLPClassifier's; a ValueError when a class is too small to be split."""
    stratify = None if classes is None else y
    if classes is not None:
        counts = np.bincount(y, minlength=len(classes))
        if counts.min() < 2:
            label = shown(classes[int(np.argmin(counts))])
            raise ValueError(
                f"early_stopping=True holds out a validation split stratified by class, but "
                f"class {label} has only {counts.min()} member(s); give each class at least 2 "
                "rows, or set early_stopping=False"
            )
    try:
        X_fit, X_val, y_fit, y_val, w_fit, _ = train_test_split(
            X, y, w, test_size=fraction, random_state=seed % 2**32, stratify=stratify
        )
    except ValueError as exc:  # too few validation rows for the classes, or for any row
        raise ValueError(
            f"validation_fraction={fraction} with early_stopping=True: {exc}"
        ) from None
    return X_fit, y_fit, w_fit, X_val, y_val


class WarmStart:
    """``init_params`` that gives climber ``i`` the fitted weights of climber ``i`` (modulo
    the old population) of a previous fit, instead of drawing new ones.

    The engine draws climber ``i``'s start from the first of ``split(fold_in(key, i), 3)``;
    this object finds ``i`` by matching that key against the keys of every climber.
    """

    def __init__(self, key: jax.Array, population: int, params):
        ids = jnp.arange(population)
        keys = jax.vmap(lambda i: jax.random.split(jax.random.fold_in(key, i), 3)[0])(ids)
        self.table = np.asarray(jax.random.key_data(keys)).reshape(population, -1)
        old = jax.tree_util.tree_leaves(params)[0].shape[0]
        self.params = jax.tree_util.tree_map(lambda x: np.asarray(x)[np.arange(population) % old],
                                             params)  # fmt: skip

    def __call__(self, key: jax.Array, dtype=jnp.float32):
        data = jax.random.key_data(key).reshape(-1)
        i = jnp.argmax(jnp.all(jnp.asarray(self.table) == data, axis=1))
        return jax.tree_util.tree_map(lambda x: jnp.asarray(x, dtype)[i], self.params)


class EarlyStopping:
    """A run's ``monitor``: the best validation metric over the climbers after every chunk;
    stops once it has not improved by more than ``tol`` for ``patience`` checks, and keeps
    the weights of the best validation score seen (as scikit-learn's MLP restores them)."""

    def __init__(self, val_score, *, patience: int, tol: float, population: int):
        self.val_score, self.patience, self.tol = val_score, patience, tol
        self.population, self.scores, self.stale = population, [], 0
        self.best, self.best_params = -np.inf, None

    def __call__(self, steps_run: int, state) -> bool:
        del steps_run
        values = metric_of_all(self.val_score, state.best_params)[: self.population]
        if not self.val_score.maximize:
            values = -values
        i = int(np.argmax(np.where(np.isfinite(values), values, -np.inf)))
        value = float(values[i])
        self.scores.append(value)
        self.stale = self.stale + 1 if value < self.best + self.tol else 0
        if value > self.best:
            self.best = value
            self.best_params = to_host(jax.tree_util.tree_map(lambda x: x[i], state.best_params))
        return self.stale >= self.patience

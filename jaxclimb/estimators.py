"""scikit-learn estimators: a population of climbers behind ``fit`` / ``predict``.

Example:
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = ClimbingClassifier(hidden_layer_sizes=(4,), max_steps=200, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).tolist()
    [0, 0, 0]
"""

from __future__ import annotations

import numbers

import jax
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._checks import check_float, check_int, store_params
from .algorithms import make
from .engine import run
from .metrics import METRICS
from .networks import TRANSFERS
from .tasks import Task, classification_task, make_network, make_objective, regression_task

_outputs = jax.jit(lambda net, params, X: net.logits(params, X), static_argnums=0)


def _seed(random_state) -> int:
    """An int seed from an int, None, a RandomState or a numpy Generator."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return int(random_state)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**31 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1))
    raise TypeError(f"random_state must be None, an int or a numpy Generator; got {random_state!r}")


class _ClimbingBase(BaseEstimator):
    def __init__(
        self,
        *,
        hidden_layer_sizes=(10,),
        activation="sigmoid",
        output="auto",
        algorithm="hill-climb",
        algorithm_params=None,
        population_size=64,
        max_steps=1000,
        step_size=0.1,
        mutate_fraction=None,
        max_attempts=None,
        restarts=0,
        clip_max=None,
        objective="auto",
        init="uniform",
        validation_fraction=None,
        random_state=None,
        verbose=0,
    ):
        store_params(self, locals())

    # ------------------------------------------------------------------ fitting
    def _fit_network(self, X, y, task: Task):
        population = check_int("population_size", self.population_size, minimum=1)
        steps = check_int("max_steps", self.max_steps, minimum=1)
        restarts = check_int("restarts", self.restarts, minimum=0)
        net = make_network(
            task,
            X.shape[1],
            hidden=self.hidden_layer_sizes,
            activation=self.activation,
            output=self.output,
            init=self.init,
        )
        metric = None if self.objective == "auto" else self.objective
        seed = _seed(self.random_state)
        X_fit, y_fit, X_val, y_val = self._split(X, y, seed)
        score = make_objective(net, X_fit, y_fit, task=task, metric=metric, name="objective")
        options = {
            "step_size": self.step_size,
            "clip_max": self.clip_max,
            "mutate_fraction": self.mutate_fraction,
            **(self.algorithm_params or {}),
        }
        max_attempts = self.max_attempts
        if restarts:  # mlrose: restarts + 1 rounds, each of max_steps (or max_attempts)
            options.update(restarts=restarts, round_steps=steps, restart_patience=max_attempts)
            steps, max_attempts = steps * (restarts + 1), None
        algorithm = make(self.algorithm, score, net.init, **options)
        result = run(
            seed,
            algorithm,
            net.init,
            population=population,
            steps=steps,
            max_attempts=max_attempts,
            score_fn=score,
            progress=bool(self.verbose),
            verbose=self.verbose > 1,
        )
        chosen = result.best_index()
        if X_val is not None:
            values = result.evaluate(X_val, y_val)
            ranked = values if METRICS[score.metric].maximize else -values
            chosen = int(np.argmax(np.where(np.isfinite(ranked), ranked, -np.inf)))
        self.network_, self.result_, self.best_climber_ = net, result, chosen
        self.coefs_ = result.climber(chosen)
        self.fitness_curve_ = result.history[chosen]
        return self

    def _split(self, X, y, seed: int) -> tuple:
        """``(X_fit, y_fit, X_val, y_val)``: a validation split when asked for."""
        if self.validation_fraction is None:
            return X, y, None, None
        fraction = check_float("validation_fraction", self.validation_fraction, low=0.0, high=1.0)
        if not 0 < fraction < 1:
            raise ValueError(f"validation_fraction must be in (0, 1); got {fraction}")
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y, test_size=fraction, random_state=seed % 2**32
        )
        return X_fit, y_fit, X_val, y_val

    def _logits(self, X) -> np.ndarray:
        check_is_fitted(self, "coefs_")
        X = validate_data(self, X, reset=False, dtype=np.float32)
        return np.asarray(_outputs(self.network_, self.coefs_, X), dtype=np.float64)


class ClimbingClassifier(ClassifierMixin, _ClimbingBase):
    """A neural-network classifier trained by a population of gradient-free climbers.

    Labels may be anything scikit-learn accepts (strings, non-contiguous ints) or one-hot
    rows as mlrose takes them; binary problems get one sigmoid output, multi-class ones a
    softmax layer. ``fit`` runs ``population_size`` climbers for ``max_steps`` steps and keeps
    the climber with the best training score (or, with ``validation_fraction``, the best
    score on data held out inside ``fit``). ``result_`` holds the whole population.

    Args:
        hidden_layer_sizes: hidden units per layer.
        activation: hidden transfer (``sigmoid``, ``tanh``, ``relu``, ``identity``, ``step``).
        output: ``"auto"`` (sigmoid or softmax), or ``"step"`` for a binary perceptron.
        algorithm: a name from ``jaxclimb.REGISTRY``; ``algorithm_params`` passes settings.
        population_size, max_steps, step_size, mutate_fraction: the search.
        max_attempts: stop a climber after this many steps without improvement.
        restarts: mlrose's restarts: ``restarts + 1`` rounds of ``max_steps`` each.
        clip_max: clip the weights to ``[-clip_max, clip_max]``.
        objective: ``"accuracy"`` (default) or ``"log_loss"``.
        init: initial weights, ``uniform`` (U(0, 1)), ``normal``, ``glorot`` or ``he``.
        validation_fraction: hold out this fraction to choose the final climber.
        random_state: None, an int or a numpy Generator.
        verbose: 1 shows a progress bar, 2 also logs improvements.
    """

    def fit(self, X, y):
        """Train on ``(X, y)``; returns self."""
        X, y = validate_data(self, X, y, multi_output=True, dtype=np.float32)
        self._one_hot = False
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim == 2:
            if not (np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1)):
                raise ValueError("a 2-D y must be one-hot rows (mlrose's format)")
            self._one_hot, self.classes_ = True, np.arange(y.shape[1])
            codes = y.argmax(axis=1)
        else:
            check_classification_targets(y)
            encoder = LabelEncoder().fit(y)
            self.classes_, codes = encoder.classes_, encoder.transform(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"a classifier needs at least 2 classes; got 1 class ({self.classes_[0]!r})"
            )
        return self._fit_network(X, codes, classification_task(len(self.classes_)))

    def decision_function(self, X):
        """Logits: ``(n,)`` for two classes, ``(n, n_classes)`` otherwise."""
        z = self._logits(X)
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X):
        """Class probabilities, ``(n, n_classes)``, columns in ``classes_`` order."""
        z = self._logits(X)
        if z.shape[1] == 1:
            if self.network_.output == "step":
                p = (z[:, 0] >= 0).astype(np.float64)
            else:
                p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Predicted labels (one-hot rows if ``fit`` was given one-hot rows)."""
        codes = self.predict_proba(X).argmax(axis=1)
        if self._one_hot:
            return np.eye(len(self.classes_), dtype=int)[codes]
        return self.classes_[codes]


class ClimbingRegressor(RegressorMixin, _ClimbingBase):
    """A neural-network regressor trained by a population of gradient-free climbers.

    Targets (one or several columns) are standardised inside ``fit`` and predictions
    brought back to their units, so the step size means the same whatever their scale.
    The output layer is linear (``identity``); ``objective`` is ``"mse"`` or ``"r2"``.
    Other arguments as :class:`ClimbingClassifier`.
    """

    def fit(self, X, y):
        """Train on ``(X, y)``; returns self."""
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.float32)
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        Y = y[:, None] if self._y_1d else y
        self._y_mean = Y.mean(axis=0)
        scale = Y.std(axis=0)
        self._y_scale = np.where(scale > 0, scale, 1.0)
        Z = ((Y - self._y_mean) / self._y_scale).astype(np.float32)
        if self.objective == "r2" and np.any(scale == 0):
            raise ValueError("objective='r2' is undefined for a constant target")
        return self._fit_network(X, Z[:, 0] if self._y_1d else Z, regression_task(Y.shape[1]))

    def predict(self, X):
        """Predictions in the units of ``y``: ``(n,)`` or ``(n, n_targets)``."""
        out = self._logits(X)
        if self.network_.output != "identity":
            out = np.asarray(TRANSFERS[self.network_.output](out))
        out = out * self._y_scale + self._y_mean
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

"""mlrose's ``NeuralNetwork``, ``LinearRegression`` and ``LogisticRegression``.

Same arguments, attributes and shapes as mlrose-ky: ``fitted_weights`` (flat, mlrose's
order, read by ``predict``), ``loss``, ``node_list``, ``fitness_curve`` (``(iterations,
2)`` = loss and cumulative evaluations; the loss alone for gradient descent),
``predicted_probs``, and ``predict`` giving ``(n, 1)`` for binary and regression targets
and one-hot rows for one-hot targets.

Example:
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]); y = np.array([1, 0, 1, 0])
    >>> nn = NeuralNetwork(hidden_nodes=[3], max_iters=50, learning_rate=0.5, random_state=1)
    >>> nn.fit(X, y).predict(X).shape, nn.fitted_weights.shape, nn.node_list
    ((4, 1), (12,), [3, 3, 1])
"""

from __future__ import annotations

import dataclasses
import inspect

import jax.numpy as jnp
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss, mean_squared_error

from .._checks import check_features, signature_without, store_params
from ..algorithms.schedules import GeomDecay
from ..estimators.fitting import seed_of
from ..evaluation.objectives import make_score_fn
from .network import MlroseNetwork, build_node_list, count_weights, output_transfer, predict
from .search import search
from .settings import NUMPY_RANDOM, checked_settings
from .targets import Targets, targets

DEFAULT_SCHEDULE = GeomDecay()
"""mlrose's default schedule (immutable, so one instance serves every estimator)."""


class _Core(BaseEstimator):
    """What the three classes share: ``fit(X, y, init_weights=None)`` and ``predict``."""

    # mlrose's attributes before a fit (reassigned by fit, never changed in place)
    node_list: list = []  # noqa: RUF012
    fitted_weights = np.array([])
    loss = np.inf
    predicted_probs = np.array([])
    fitness_curve: list = []  # noqa: RUF012
    output_activation = None

    def fit(self, X, y=None, init_weights=None):
        """Fit the weights to ``(X, y)``, from ``init_weights`` (mlrose's flat layout) if
        given, else from U(-1, 1) weights drawn from ``random_state``."""
        s = checked_settings(self)
        X = np.asarray(check_features("X", np.asarray(X)), np.float64)
        t = targets(y, X.shape[0], s["is_classifier"])
        nodes = build_node_list(X.shape[1], s["hidden_nodes"], t.n_outputs, s["bias"])
        net = MlroseNetwork(tuple(nodes), s["activation"], s["bias"])
        start = _start_weights(init_weights, count_weights(nodes))
        seed = _seed(self.random_state)
        if s["steps"] == 0:  # mlrose: no iteration, the starting weights as they are
            weights, curve = start, np.array([])
            if weights is None:
                weights = np.random.default_rng(seed % 2**63).uniform(-1, 1, count_weights(nodes))
        else:
            score = _objective(net, X, t, s["is_classifier"])
            found = search(s, score, count_weights(nodes), start, seed, t.scale)
            losses = [_loss(net, w, X, t, s["is_classifier"]) for w in found.weights]
            chosen = int(np.argmin(np.nan_to_num(losses, nan=np.inf)))
            weights, curve = found.weights[chosen], found.curve(chosen)
        self._net = net
        if t.classes is not None:
            self.classes_ = t.classes
        self.node_list = nodes
        self.fitted_weights = weights
        self.output_activation = output_transfer(s["is_classifier"], t.n_outputs)
        self.loss = _loss(net, weights, X, t, s["is_classifier"])
        if s["curve"]:
            self.fitness_curve = curve
        return self

    def predict(self, X):
        """Predictions from ``fitted_weights``; sets ``predicted_probs`` (classifiers)."""
        if not self.node_list:
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit first")
        X = np.asarray(X)
        expected = self._net.nodes[0] - self._net.bias
        if X.ndim != 2 or X.shape[1] != expected:
            raise ValueError(f"The number of columns in X must equal {expected}, got {X.shape}.")
        y_pred, self.predicted_probs = predict(self._net, self.fitted_weights, X,
                                               self.is_classifier)  # fmt: skip
        return y_pred


def _objective(net: MlroseNetwork, X: np.ndarray, t: Targets, is_classifier: bool):
    """The search's objective: log-loss from logits, or MSE."""
    if not is_classifier:
        return make_score_fn(net, X, t.fit, metric="mse", output_kind="value")
    # make_score_fn takes only labels 0/1 for a forward whose outputs it cannot count (issue
    # 16 lifts this); the class indices were checked against the network's outputs here
    score = make_score_fn(net, X, np.minimum(t.fit, 1), metric="log_loss", output_kind="logit")
    return dataclasses.replace(score, y=jnp.asarray(t.fit))


def _start_weights(init_weights, n_weights: int) -> np.ndarray | None:
    if init_weights is None:
        return None
    w = np.asarray(init_weights, dtype=np.float64).ravel()
    if len(w) != n_weights:
        raise ValueError(f"init_weights must be None or have length {n_weights}, got {len(w)}.")
    if not np.all(np.isfinite(w)):
        raise ValueError("init_weights must be finite")
    return w


def _seed(random_state) -> int:
    """mlrose's randomness: an int seeds the fit; None draws from NumPy's global state."""
    if random_state is None:
        return int(np.random.randint(2**31 - 1))
    if isinstance(random_state, NUMPY_RANDOM):
        return seed_of(random_state)
    return int(random_state)


def _loss(net, weights, X, t: Targets, is_classifier: bool) -> float:
    """mlrose's loss of ``weights``, in float64: scikit-learn's log-loss or MSE."""
    z = net.outputs(np, weights, X)
    out = output_transfer(is_classifier, z.shape[1])(z)
    if is_classifier:
        return float(log_loss(t.host, out))
    return float(mean_squared_error(t.host, out))


class NeuralNetwork(ClassifierMixin, _Core):
    """mlrose's ``NeuralNetwork``: its arguments with its meanings (see the package doc),
    plus ``population_size``: independent climbers run side by side, the best kept
    (default ``restarts + 1`` for random hill climbing, one otherwise)."""

    def __init__(
        self,
        hidden_nodes=None,
        activation="relu",
        algorithm="random_hill_climb",
        max_iters=100,
        bias=True,
        is_classifier=True,
        learning_rate=0.1,
        early_stopping=False,
        clip_max=1e10,
        restarts=0,
        schedule=DEFAULT_SCHEDULE,
        pop_size=200,
        mutation_prob=0.1,
        max_attempts=10,
        random_state=None,
        curve=False,
        population_size=None,
    ):
        store_params(self, locals())


class _NoHiddenLayer(_Core):
    """mlrose's regressions: no hidden layer; the rest as NeuralNetwork."""

    hidden_nodes: list = []  # noqa: RUF012

    def __init__(self, *args, **kwargs):
        bound = inspect.signature(type(self).__init__).bind(self, *args, **kwargs)
        bound.apply_defaults()
        store_params(self, bound.arguments)

    __init__.__signature__ = signature_without(
        NeuralNetwork.__init__, "hidden_nodes", "activation", "is_classifier"
    )


class LinearRegression(RegressorMixin, _NoHiddenLayer):
    """mlrose's ``LinearRegression``: no hidden layer, identity output, MSE."""

    activation = "identity"
    is_classifier = False


class LogisticRegression(ClassifierMixin, _NoHiddenLayer):
    """mlrose's ``LogisticRegression``: no hidden layer, sigmoid (softmax) output, log-loss."""

    activation = "sigmoid"
    is_classifier = True

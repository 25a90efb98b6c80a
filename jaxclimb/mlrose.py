"""An mlrose-compatible front: ``NeuralNetwork``, ``LinearRegression``, ``LogisticRegression``.

Change ``import mlrose`` to ``from jaxclimb import mlrose`` and keep the arguments: the
algorithm names, ``learning_rate`` as the step size, ``restarts``, ``schedule``,
``pop_size``, ``mutation_prob``, ``clip_max``, ``max_attempts``, ``early_stopping``,
``curve`` and ``random_state`` mean what they mean in mlrose. Built on
:class:`~jaxclimb.ClimbingClassifier` / :class:`~jaxclimb.ClimbingRegressor`, without
mlrose's known bugs: continuous targets work, hidden layers have biases, multi-class accepts
plain labels (and one-hot rows), ``predict`` returns labels, the fitness curve belongs to
the returned weights, and ``random_state=0`` is a seed. One addition: ``population_size``
independent climbers (default 16) run at once and the best on the training loss is kept;
``population_size=1`` is mlrose's single climber.

Example:
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> nn = NeuralNetwork(hidden_nodes=[4], max_iters=200, learning_rate=0.5, random_state=0)
    >>> nn.fit(X / 8, y).predict(X[:2] / 8).tolist()
    [0, 0]
"""

from __future__ import annotations

import inspect

import numpy as np
from jax.flatten_util import ravel_pytree
from sklearn.base import BaseEstimator

from ._checks import check_choice, check_int, signature_without, store_params
from .algorithms.schedules import ArithDecay, ExpDecay, GeomDecay
from .estimators import ClimbingClassifier, ClimbingRegressor

__all__ = [
    "ArithDecay",
    "ExpDecay",
    "GeomDecay",
    "LinearRegression",
    "LogisticRegression",
    "NeuralNetwork",
]

DEFAULT_SCHEDULE = GeomDecay()
"""mlrose's default schedule (immutable, so one instance serves every estimator)."""

ALGORITHMS = {
    "random_hill_climb": "hill-climb",
    "simulated_annealing": "annealing",
    "genetic_alg": "genetic",
    "gradient_descent": "gradient",
}


class NeuralNetwork(BaseEstimator):
    """mlrose's ``NeuralNetwork`` with its constructor arguments (see the module doc)."""

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
        population_size=16,
    ):
        store_params(self, locals())

    _output = "auto"

    def _estimator(self):
        check_choice("algorithm", self.algorithm, ALGORITHMS)
        if not self.bias:
            raise ValueError(
                "bias=False is not supported: jaxclimb's layers always have biases (mlrose "
                "dropped the hidden-layer biases by mistake); use bias=True"
            )
        max_iters = check_int("max_iters", self.max_iters, minimum=1)
        max_attempts = check_int("max_attempts", self.max_attempts, minimum=1)
        name = ALGORITHMS[self.algorithm]
        params = {}
        if name == "hill-climb":  # mlrose's neighbour and strict acceptance
            params = {"mutation": "neighbour", "accept": "gt"}
        elif name == "annealing":
            params = {"mutation": "neighbour", "schedule": self.schedule}
        elif name == "genetic":
            params = {
                "pop_size": check_int("pop_size", self.pop_size, minimum=2),
                "mutation_prob": self.mutation_prob,
            }
        settings = {  # mlrose's arguments in the estimators' terms
            "hidden_layer_sizes": tuple(self.hidden_nodes or ()),
            "activation": self.activation,
            "output": self._output,
            "algorithm": name,
            "algorithm_params": params,
            "population_size": self.population_size,
            "max_steps": max_iters,
            "step_size": self.learning_rate,
            "max_attempts": max_attempts if self.early_stopping else None,
            "restarts": self.restarts,
            "clip_max": self.clip_max,
            "objective": "log_loss" if self.is_classifier else "mse",
            "init": "symmetric",
            "mutate_fraction": None,  # mlrose's moves, no scaled defaults, no penalty
            "alpha": 0.0,
            "random_state": self.random_state,
        }
        cls = ClimbingClassifier if self.is_classifier else ClimbingRegressor
        return cls(**settings)

    def fit(self, X, y, init_weights=None):
        """Train; ``init_weights`` (mlrose's) is not supported: a population starts from
        random weights drawn from ``random_state``."""
        if init_weights is not None:
            raise ValueError("init_weights is not supported; set random_state instead")
        self.estimator_ = self._estimator().fit(X, y)
        est = self.estimator_
        self.fitted_weights = np.asarray(ravel_pytree(est.coefs_)[0])
        self.loss = float(est.result_.best_metric[est.best_climber_])
        self.fitness_curve = -est.fitness_curve_ if self.curve else None
        self.n_features_in_ = est.n_features_in_
        if self.is_classifier:
            self.classes_ = est.classes_
        return self

    def predict(self, X):
        """Labels (classifier; one-hot rows if trained on one-hot) or values (regressor)."""
        pred = self.estimator_.predict(X)
        if self.is_classifier:
            self.predicted_probs = self.estimator_.predict_proba(X)
        return pred

    def score(self, X, y):
        """Accuracy (classifier) or R^2 (regressor), as scikit-learn's."""
        return self.estimator_.score(X, y)


class _NoHiddenLayer(NeuralNetwork):
    """mlrose's regressions: a network without hidden layers; the architecture is fixed by
    the subclass, the remaining arguments are NeuralNetwork's."""

    hidden_nodes = ()

    def __init__(self, *args, **kwargs):
        bound = inspect.signature(type(self).__init__).bind(self, *args, **kwargs)
        bound.apply_defaults()
        store_params(self, bound.arguments)

    # NeuralNetwork's arguments, less those the architecture fixes
    __init__.__signature__ = signature_without(
        NeuralNetwork.__init__, "hidden_nodes", "activation", "is_classifier"
    )


class LinearRegression(_NoHiddenLayer):
    """mlrose's ``LinearRegression``: no hidden layer, identity output, MSE."""

    activation = "identity"
    is_classifier = False


class LogisticRegression(_NoHiddenLayer):
    """mlrose's ``LogisticRegression``: no hidden layer, sigmoid (softmax) output, log-loss."""

    activation = "sigmoid"
    is_classifier = True

"""scikit-learn estimators: a population of climbers behind ``fit`` / ``predict``.

* :mod:`~jaxclimb.estimators.models`: ``ClimbingClassifier`` and ``ClimbingRegressor``.
* :mod:`~jaxclimb.estimators.base`: the fitting both share (the network, the objective,
  the search planned by :func:`~jaxclimb.algorithms.planner.plan_search`).
* :mod:`~jaxclimb.estimators.fitting`: seeds, the final climber, warm starts and
  validation-based early stopping.

Example:
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = ClimbingClassifier(hidden_layer_sizes=4, budget=4_000, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).tolist()
    [0, 0, 0]
"""

from .models import ClimbingClassifier, ClimbingRegressor

__all__ = ["ClimbingClassifier", "ClimbingRegressor"]

"""An mlrose drop-in: change ``import mlrose`` to ``from jaxclimb import mlrose``.

``NeuralNetwork``, ``LinearRegression`` and ``LogisticRegression`` build mlrose's network
(a bias column of ones when ``bias=True``, no hidden-layer biases, mlrose's weight order in
``fitted_weights`` and ``init_weights``), take mlrose's arguments with mlrose's meanings,
and give mlrose's attributes and shapes; the searches run compiled on jaxclimb's engine,
through the same builder as every other front end. Meanings, algorithm by algorithm:

* ``random_hill_climb``: one weight moves by +/- ``learning_rate``; a strictly better
  point is kept; ``restarts=k`` runs ``k + 1`` climbers (side by side) and keeps the best.
* ``simulated_annealing``: the same move, Metropolis acceptance under ``schedule``
  (``GeomDecay``, ``ArithDecay``, ``ExpDecay``, ``CustomSchedule``: data, not program).
* ``genetic_alg``: ``pop_size`` individuals drawn from U(-clip_max, clip_max),
  fitness-proportional parents, one-point crossover, a mutated weight (probability
  ``mutation_prob``) redrawn from U(-clip_max, clip_max), the best quarter kept;
  ``learning_rate`` is unused, as in mlrose.
* ``gradient_descent``: weights move by ``learning_rate`` times the gradient *summed* over
  rows (mlrose's backpropagation), then are clipped to ``clip_max``.

``early_stopping`` stops after ``max_attempts`` iterations without a move (annealing) or
an improvement (the others); ``max_iters=np.inf`` needs it and is capped at
:data:`~jaxclimb.mlrose.search.MAX_ITERS_INF` iterations. ``random_state=None`` draws from
NumPy's global random state. The deliberate differences from mlrose-ky are listed in the
documentation's guide "Coming from mlrose"
(docs/guides/mlrose-migration.md).

The modules: ``models`` (the three models), ``network`` (mlrose's network, exactly),
``settings`` (the arguments checked as mlrose checks them), ``targets`` (labels, one-hot
rows or values) and ``search`` (a fit on jaxclimb's engine).

Example:
    >>> import numpy as np
    >>> from jaxclimb import mlrose
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> lr = mlrose.LinearRegression(max_iters=0).fit(X, X @ [1.0, 2.0], init_weights=[1, 2, 0])
    >>> lr.predict(X).ravel().tolist(), lr.loss
    ([0.0, 2.0, 1.0, 3.0], 0.0)
"""

from ..algorithms.schedules import ArithDecay, CustomSchedule, ExpDecay, GeomDecay
from .models import LinearRegression, LogisticRegression, NeuralNetwork

__all__ = [
    "ArithDecay",
    "CustomSchedule",
    "ExpDecay",
    "GeomDecay",
    "LinearRegression",
    "LogisticRegression",
    "NeuralNetwork",
]

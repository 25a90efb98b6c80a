"""jaxclimb: gradient-free, population-based optimisation of neural-network weights in JAX.

Example:
    >>> import jaxclimb as jc
    >>> X_train, X_test, y_train, y_test = jc.datasets.problem_a()
    >>> net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
    >>> score = jc.make_score_fn(net, X_train, y_train, metric="accuracy")
    >>> result = jc.run(0, jc.hill_climb(score, step_size=0.1), net.init,
    ...                 population=16, steps=100, score_fn=score, progress=False)
    >>> result.evaluate(X_test, y_test).shape
    (16,)
"""

__version__ = "0.1.0"

from . import datasets, distributed
from .algorithms import (
    REGISTRY,
    Algorithm,
    ClimberState,
    StepInfo,
    genetic,
    gradient_descent,
    hill_climb,
    simulated_annealing,
    tree_select,
    with_restarts,
)
from .compare import Comparison, compare, compare_results
from .estimators import ClimbingClassifier, ClimbingRegressor
from .mutation import gaussian
from .networks import MLP, TRANSFERS, init_mlp, mlp_forward, perceptron
from .objectives import METRICS, ScoreFn, accuracy, log_loss, make_score_fn, mse, r2
from .results import SearchResult
from .runner import resume, run
from .sharding import population_mesh, use_cpu_cores

load_result = SearchResult.load

__all__ = [
    "METRICS",
    "MLP",
    "REGISTRY",
    "TRANSFERS",
    "Algorithm",
    "ClimberState",
    "ClimbingClassifier",
    "ClimbingRegressor",
    "Comparison",
    "ScoreFn",
    "SearchResult",
    "StepInfo",
    "__version__",
    "accuracy",
    "compare",
    "compare_results",
    "datasets",
    "distributed",
    "gaussian",
    "genetic",
    "gradient_descent",
    "hill_climb",
    "init_mlp",
    "load_result",
    "log_loss",
    "make_score_fn",
    "mlp_forward",
    "mse",
    "perceptron",
    "population_mesh",
    "r2",
    "resume",
    "run",
    "simulated_annealing",
    "tree_select",
    "use_cpu_cores",
    "with_restarts",
]

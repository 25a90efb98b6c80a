"""jaxclimb: gradient-free, population-based optimisation of neural-network weights in JAX.

The map, in the order layers depend on each other (each only on those below it):

* front ends: :mod:`~jaxclimb.estimators` (scikit-learn), :mod:`~jaxclimb.mlrose`,
  :mod:`~jaxclimb.comparison`, the command line :mod:`jaxclimb.cli`; they build through
  :mod:`~jaxclimb.tasks` (network + objective for a task) and
  :func:`jaxclimb.algorithms.make` (an algorithm from flat options).
* :mod:`~jaxclimb.engine`: ``run`` / ``resume``, compiled programs, the host loop, the
  layout of climbers on devices, checkpoints, several processes.
* :mod:`~jaxclimb.results`: ``SearchResult``, the one boundary where arrays become NumPy.
* :mod:`~jaxclimb.algorithms`: the protocol (:mod:`~jaxclimb.algorithms.base`) and the
  algorithms.
* :mod:`~jaxclimb.evaluation` (objectives, metrics, sampling, batches of candidates),
  :mod:`~jaxclimb.networks`, :mod:`~jaxclimb.mutation`: scores, networks as PyTrees, moves.

Names are imported on first use, so ``import jaxclimb`` is instant and loads JAX,
scikit-learn or SciPy only when a name that needs them is touched.

Example:
    >>> import jaxclimb as jc
    >>> X_train, X_test, y_train, y_test = jc.datasets.problem_a()
    >>> net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
    >>> score = jc.make_score_fn(net, X_train, y_train, metric="accuracy")
    >>> result = jc.run(0, jc.hill_climb(score, step_size=0.1), net.init,
    ...                 population=16, steps=100, progress=False)
    >>> result.evaluate(X_test, y_test).shape
    (16,)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

_LAZY = {
    # module: names it provides
    "algorithms": (
        "REGISTRY", "Algorithm", "ClimberState", "SearchState", "StepInfo", "Traits",
        "evolution_strategy", "genetic", "gradient_descent", "hill_climb", "simulated_annealing",
        "snes", "tree_select", "with_restarts", "GeomDecay", "ArithDecay", "ExpDecay",
    ),
    "comparison": ("Comparison", "compare", "compare_results"),
    "estimators": ("ClimbingClassifier", "ClimbingRegressor"),
    "mutation": ("gaussian",),
    "networks": ("MLP", "TRANSFERS", "init_mlp", "mlp_forward", "perceptron"),
    "evaluation.metrics": ("METRICS", "accuracy", "log_loss", "mse", "r2"),
    "evaluation.objectives": ("ScoreFn", "make_score_fn"),
    "evaluation.sampling": ("KeyedObjective",),
    "evaluation.rollout": ("CartPole", "rollout_objective"),
    "results.plots": ("plot_comparison", "plot_run"),
    "results": ("SearchResult",),
    "engine": ("resume", "run", "population_mesh", "use_cpu_cores"),
}  # fmt: skip
_WHERE = {name: module for module, names in _LAZY.items() for name in names}
_SUBMODULES = {
    "algorithms": "algorithms",
    "datasets": "datasets",
    "distributed": "engine.distributed",
    "engine": "engine",
    "mlrose": "mlrose",
    "tasks": "datasets.tasks",
}

__all__ = [
    "METRICS",
    "MLP",
    "REGISTRY",
    "TRANSFERS",
    "Algorithm",
    "ArithDecay",
    "CartPole",
    "ClimberState",
    "ClimbingClassifier",
    "ClimbingRegressor",
    "Comparison",
    "ExpDecay",
    "GeomDecay",
    "KeyedObjective",
    "ScoreFn",
    "SearchResult",
    "SearchState",
    "StepInfo",
    "Traits",
    "__version__",
    "accuracy",
    "compare",
    "compare_results",
    "datasets",
    "distributed",
    "evolution_strategy",
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
    "plot_comparison",
    "plot_run",
    "population_mesh",
    "r2",
    "resume",
    "rollout_objective",
    "run",
    "simulated_annealing",
    "snes",
    "tasks",
    "tree_select",
    "use_cpu_cores",
    "with_restarts",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{_SUBMODULES[name]}", __name__)
    elif name == "load_result":
        value = importlib.import_module(".results", __name__).SearchResult.load
    else:
        raise AttributeError(f"module 'jaxclimb' has no attribute {name!r}")
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from . import datasets
    from .algorithms import (
        REGISTRY,
        Algorithm,
        ArithDecay,
        ClimberState,
        ExpDecay,
        GeomDecay,
        SearchState,
        StepInfo,
        Traits,
        evolution_strategy,
        genetic,
        gradient_descent,
        hill_climb,
        simulated_annealing,
        snes,
        tree_select,
        with_restarts,
    )  # fmt: skip
    from .comparison import Comparison, compare, compare_results
    from .datasets import tasks
    from .engine import distributed, population_mesh, resume, run, use_cpu_cores
    from .estimators import ClimbingClassifier, ClimbingRegressor
    from .evaluation.metrics import METRICS, accuracy, log_loss, mse, r2
    from .evaluation.objectives import ScoreFn, make_score_fn
    from .evaluation.rollout import CartPole, rollout_objective
    from .evaluation.sampling import KeyedObjective
    from .mutation import gaussian
    from .networks import MLP, TRANSFERS, init_mlp, mlp_forward, perceptron
    from .results import SearchResult
    from .results.plots import plot_comparison, plot_run

    load_result = SearchResult.load

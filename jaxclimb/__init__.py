"""jaxclimb: gradient-free, population-based optimisation of neural-network weights in JAX.

The map, in the order layers depend on each other (each only on those below it):

* front ends: :mod:`~jaxclimb.estimators` (scikit-learn), :mod:`~jaxclimb.mlrose`,
  :mod:`~jaxclimb.comparison`, the command line :mod:`jaxclimb.cli`; they build through
  :mod:`~jaxclimb.datasets.tasks` (network + objective for a task),
  :func:`jaxclimb.algorithms.make` (an algorithm from flat options) and
  :func:`jaxclimb.algorithms.planner.plan_search` (the search a budget buys).
* :mod:`~jaxclimb.datasets`: built-in problems, CSV files, scaling, tasks.
* :mod:`~jaxclimb.engine`: ``run`` / ``resume``, compiled programs, the host loop, the
  layout of climbers on devices, checkpoints, several processes.
* :mod:`~jaxclimb.results`: ``SearchResult`` (the one boundary where arrays become
  NumPy), its file, reports, statistics and plots.
* :mod:`~jaxclimb.algorithms`: the protocol (:mod:`~jaxclimb.algorithms.base`), the
  algorithms, the builder and the planner.
* :mod:`~jaxclimb.evaluation`: objectives, metrics, evaluation paths, sampling, rollouts.
* the base: :mod:`~jaxclimb.networks` (networks as PyTrees), :mod:`~jaxclimb.mutation`
  (moves), :mod:`~jaxclimb.precision` (the precision of evaluations),
  :mod:`~jaxclimb.prng` (a step's random draws), and the private ``_checks`` (argument
  validation), ``_files`` (atomic files), ``_log`` (the logger), ``_version``.

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
from typing import Any

from ._version import __version__ as __version__

_PUBLIC = {  # module: the names a user calls, loaded on first use; with _SUBMODULES: __all__
    "engine": ("run", "resume", "population_mesh", "use_cpu_cores"),
    "algorithms": (
        "hill_climb", "simulated_annealing", "genetic", "gradient_descent",
        "evolution_strategy", "snes", "node_perturbation", "with_restarts", "GeomDecay",
        "ArithDecay", "ExpDecay",
    ),
    "mutation": ("gaussian",),
    "networks": ("MLP", "TRANSFERS", "init_mlp", "mlp_forward", "perceptron"),
    "evaluation.metrics": ("METRICS", "accuracy", "log_loss", "mse", "r2"),
    "evaluation.objectives": ("ScoreFn", "make_score_fn"),
    "evaluation.sampling": ("KeyedObjective",),
    "evaluation.rollout": ("CartPole", "rollout_objective"),
    "results": ("SearchResult",),
    "results.plots": ("plot_comparison", "plot_run"),
    "comparison": ("Comparison", "compare", "compare_results"),
    "estimators": ("ClimbingClassifier", "ClimbingRegressor"),
}  # fmt: skip
_SUBMODULES = {  # name: module, in __all__
    "datasets": "datasets",
    "distributed": "engine.distributed",
    "tasks": "datasets.tasks",
}
_PACKAGES = {  # name: package, loaded here too, with pages of their own in the API reference
    "algorithms": "algorithms",
    "engine": "engine",
    "mlrose": "mlrose",
}
_ELSEWHERE = {  # the algorithm protocol: documented in jaxclimb.algorithms, loaded here too
    "algorithms": (
        "Algorithm", "ClimberState", "REGISTRY", "SearchState", "StepInfo", "Traits",
        "tree_select",
    ),
}  # fmt: skip
_WHERE = {name: module for table in (_PUBLIC, _ELSEWHERE) for module, names in table.items()
          for name in names}  # fmt: skip

__all__ = sorted(  # constants, classes, then the rest (as ruff sorts a written __all__)
    [*(n for names in _PUBLIC.values() for n in names), *_SUBMODULES, "load_result",
     "__version__"], key=lambda n: (not n.isupper(), not n[0].isupper(), n),
)  # fmt: skip
"""The curated front: what a user calls (the algorithm protocol is in
:mod:`jaxclimb.algorithms`). ``jaxclimb/__init__.pyi`` gives type checkers the same names."""


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    elif name in _SUBMODULES or name in _PACKAGES:
        value = importlib.import_module(f".{(_SUBMODULES | _PACKAGES)[name]}", __name__)
    elif name == "load_result":
        value = importlib.import_module(".results", __name__).SearchResult.load
    else:
        raise AttributeError(f"module 'jaxclimb' has no attribute {name!r}")
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

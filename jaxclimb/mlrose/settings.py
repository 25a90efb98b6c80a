"""mlrose's constructor arguments, checked as mlrose checks them (and a few more), before
anything compiles; the result is the plain settings a fit runs with.

Example:
    >>> from jaxclimb.mlrose import NeuralNetwork
    >>> s = checked_settings(NeuralNetwork(max_iters=np.inf, early_stopping=True, restarts=2))
    >>> s["steps"], s["population"], s["limit"]
    (1000000, 3, 10)
"""

from __future__ import annotations

import numbers

import numpy as np

from .._checks import check_choice, check_float, check_int
from .network import ACTIVATIONS
from .search import ALGORITHMS, MAX_ITERS_INF, NO_LIMIT

NUMPY_RANDOM = np.random.RandomState | np.random.Generator
"""Seeds mlrose-ky also takes: the fit draws its int seed from them."""


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _max_iters(value: object) -> float | int:
    if isinstance(value, float | np.floating) and value == np.inf:
        return np.inf
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral | bool):
        raise ValueError(f"max_iters must be a non-negative integer or np.inf; got {value!r}")
    return check_int("max_iters", value, minimum=0)


def _clip_max(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"clip_max must be a number > 0 (np.inf: no clipping); got {value!r}")
    return float(value)


def _hidden(value: object) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise TypeError(f"hidden_nodes must be a list of layer sizes; got {value!r}")
    return tuple(check_int("hidden_nodes[i]", h, minimum=1) for h in value)


def checked_settings(est) -> dict:
    """The settings of mlrose estimator ``est``, checked; ValueError or TypeError naming
    the argument otherwise."""
    s = {name: _flag(name, getattr(est, name))
         for name in ("bias", "is_classifier", "early_stopping", "curve")}  # fmt: skip
    s["algorithm"] = check_choice("algorithm", est.algorithm, ALGORITHMS)
    s["activation"] = check_choice("activation", est.activation, ACTIVATIONS)
    s["hidden_nodes"] = _hidden(est.hidden_nodes)
    max_iters = _max_iters(est.max_iters)
    s["learning_rate"] = check_float("learning_rate", est.learning_rate, positive=True)
    s["clip_max"] = _clip_max(est.clip_max)
    max_attempts = check_int("max_attempts", est.max_attempts, minimum=0)
    restarts = check_int("restarts", est.restarts, minimum=0)
    s["pop_size"] = check_int("pop_size", est.pop_size, minimum=1)
    s["mutation_prob"] = check_float("mutation_prob", est.mutation_prob, low=0.0, high=1.0)
    s["schedule"] = est.schedule
    if not isinstance(est.random_state, NUMPY_RANDOM | type(None)):
        check_int("random_state", est.random_state)
    if max_iters == np.inf and not s["early_stopping"]:
        raise ValueError(
            "max_iters=np.inf needs early_stopping=True: only max_attempts can end the search "
            "(mlrose-ky refuses it too)"
        )
    s["limit"] = max_attempts if s["early_stopping"] else NO_LIMIT
    s["steps"] = MAX_ITERS_INF if max_iters == np.inf else max_iters
    if s["algorithm"] == "genetic_alg":
        _check_genetic(s)
    single = restarts + 1 if s["algorithm"] == "random_hill_climb" else 1
    population = getattr(est, "population_size", None)
    s["population"] = (
        single if population is None else check_int("population_size", population, minimum=1)
    )
    return s


def _check_genetic(s: dict) -> None:
    if s["steps"] == 0 or s["limit"] == 0:
        raise ValueError("genetic_alg needs max_iters > 0 and max_attempts > 0 (as mlrose)")
    if s["pop_size"] < 2:
        raise ValueError(f"pop_size must be >= 2 for genetic_alg; got {s['pop_size']}")
    if not np.isfinite(s["clip_max"]) or s["clip_max"] > np.finfo(np.float32).max:
        raise ValueError(
            "genetic_alg draws its first generation and its mutations from "
            f"U(-clip_max, clip_max): clip_max must be finite; got {s['clip_max']}"
        )

"""The one builder from flat options to an algorithm, shared by every front end.

The CLI, the estimators, ``compare`` and the mlrose front all turn their flat options
(``step_size=0.1, restarts=3, pop_size=64``) into an algorithm here. An option set to
``None`` counts as not given; an option the chosen algorithm does not take is an error
naming it (never silently ignored); the values themselves are checked by the factories.

Example:
    >>> import jax.numpy as jnp
    >>> score = lambda p: -jnp.sum(p ** 2)
    >>> algo = make("hill-climb", score, lambda key: jnp.zeros(3), step_size=0.2, restarts=2,
    ...             round_steps=50)
    >>> algo.terminate is not None
    True
    >>> make("genetic", score, lambda key: jnp.zeros(3), n_candidates=4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: option 'n_candidates' does not apply to algorithm 'genetic' (it applies to ...)
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import jax

from .._checks import check_choice, check_int
from .annealing import simulated_annealing
from .base import Algorithm
from .es import evolution_strategy
from .genetic import genetic
from .gradient import gradient_descent
from .hill_climb import hill_climb
from .nodes import node_perturbation
from .restarts import with_restarts
from .snes import snes, snes_population

REGISTRY: dict[str, Callable[..., Algorithm]] = {
    "hill-climb": hill_climb,
    "annealing": simulated_annealing,
    "genetic": genetic,
    "gradient": gradient_descent,
    "es": evolution_strategy,
    "snes": snes,
    "node-perturbation": node_perturbation,
}
"""Algorithm factories by the names every front end knows (``--algorithm``)."""

RESTART_OPTIONS = ("restarts", "restart_patience", "round_steps")
"""Options of :func:`~jaxclimb.algorithms.with_restarts`, taken by every single-point climber."""


@functools.cache
def options_of(name: str) -> tuple[str, ...]:
    """The keyword options algorithm ``name`` takes (from its factory's signature)."""
    check_choice("algorithm", name, REGISTRY)
    parameters = inspect.signature(REGISTRY[name]).parameters.values()
    own = tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)
    return own if name == "genetic" else own + RESTART_OPTIONS


def make(
    name: str,
    score_fn: Callable[[Any], jax.Array],
    init_params: Callable[[jax.Array], Any],
    **options: Any,
) -> Algorithm:
    """Build algorithm ``name`` (a ``jaxclimb.algorithms.REGISTRY`` key) from flat options.

    Args:
        name: ``"hill-climb"``, ``"annealing"``, ``"genetic"``, ``"gradient"``, ``"es"``,
            ``"snes"`` or ``"node-perturbation"``.
        score_fn: the objective, higher is better.
        init_params: draws starting weights (restarts and the GA's first generation).
        **options: the factory's keyword options, plus ``restarts`` (mlrose's: restarts
            after the first round), ``restart_patience`` (restart after this many steps
            without improving) and ``round_steps`` (steps per round) for single-point
            climbers. ``None`` means not given. SNES without ``pop_size`` gets the paper's
            ``4 + floor(3 ln d)`` for the ``d`` weights ``init_params`` draws.

    Returns:
        The :class:`~jaxclimb.algorithms.Algorithm`, wrapped in
        :func:`~jaxclimb.algorithms.with_restarts` when a restart option is given.
    """
    given = {k: v for k, v in options.items() if v is not None}
    _check_applicable(name, given)
    restart = {k: given.pop(k) for k in RESTART_OPTIONS if k in given}
    if restart and "incremental" in options_of(name):  # a restart would leave a stale cache
        given.setdefault("incremental", False)
    if name == "genetic":
        given.setdefault("init_params", init_params)
    if name == "snes" and "pop_size" not in given:
        given["pop_size"] = snes_population(count_weights(init_params))
    algorithm = REGISTRY[name](score_fn, **given)
    if not algorithm.traits.name:  # results are labelled with the name it was made by
        algorithm = algorithm._replace(traits=dataclasses.replace(algorithm.traits, name=name))
    if not restart:
        return algorithm
    restarts = restart.get("restarts")
    if restarts is not None:
        restarts = check_int("restarts", restarts, minimum=0)
    patience, rounds = restart.get("restart_patience"), restart.get("round_steps")
    if patience is None and rounds is None:
        raise ValueError("restarts needs round_steps (steps per round) or restart_patience")
    return with_restarts(
        algorithm, init_params, patience=patience, round_steps=rounds, max_restarts=restarts
    )


def _check_applicable(name: str, given: dict) -> None:
    accepted = options_of(name)
    for option in given:
        if option in accepted:
            continue
        others = [n for n in REGISTRY if option in options_of(n)]
        if not others:
            raise TypeError(
                f"unknown option {option!r} for algorithm {name!r}; it takes: {', '.join(accepted)}"
            )
        raise ValueError(
            f"option {option!r} does not apply to algorithm {name!r} (it applies to "
            f"{', '.join(others)})"
        )


def count_weights(init_params: Callable[[jax.Array], Any]) -> int:
    """The number of weights ``init_params`` draws (from shapes only: nothing is computed)."""
    shapes = jax.eval_shape(init_params, jax.random.key(0))
    return sum(math.prod(leaf.shape) for leaf in jax.tree_util.tree_leaves(shapes))

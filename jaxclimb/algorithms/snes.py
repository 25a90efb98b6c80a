"""SNES, the separable natural evolution strategy (Schaul et al. 2011; Wierstra et al. 2014,
"Natural Evolution Strategies", JMLR 15, algorithm 6): one climber is one SNES run.

The search distribution is a Gaussian with a mean ``mu`` (the network's weights) and one
standard deviation per weight, ``sigma``. Each step draws ``pop_size`` samples
``z_k ~ N(0, I)``, evaluates ``mu + sigma * z_k``, ranks them into the paper's utilities
``u_k`` (:func:`snes_utilities`: positive for the better half, summing to zero) and follows
the natural gradient::

    mu    <- mu + learning_rate * sigma * sum_k u_k z_k
    sigma <- sigma * exp(sigma_learning_rate / 2 * sum_k u_k (z_k**2 - 1))

with the paper's defaults (also evosax's): ``pop_size = 4 + floor(3 ln d)``
(``snes_population``), ``learning_rate = 1`` and
``sigma_learning_rate = (3 + ln d) / (5 sqrt d)`` for ``d`` weights. Tied scores share the
average of their utilities (on a plateau the distribution does not move), and a non-finite
score ranks last.
As in :func:`~jaxclimb.algorithms.evolution_strategy`, the moved mean is evaluated too
(``pop_size + 1`` evaluations a step): ``params``/``score`` are the mean and its score,
``best_params``/``best_score`` the best point evaluated.

Example:
    >>> import jax, jax.numpy as jnp
    >>> algo = snes(lambda p: -jnp.sum((p["w"] - 1) ** 2), pop_size=8, step_size=0.5)
    >>> state = algo.init(jax.random.key(0), {"w": jnp.zeros(3)})
    >>> for t in range(60):
    ...     state, info = algo.step(jax.random.key(t), state)
    >>> bool(state.best_score > -0.01), int(info.n_evaluations)
    (True, 9)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from .._checks import check_float, check_int
from ..evaluation.batching import evaluate_many
from ..prng import normal
from .acceptance import distribution_step
from .base import Algorithm, SearchState, Traits, bind, state_type


@state_type
class SNESState(SearchState):
    """One SNES run: the mean (``params``) and its score, the best evaluated point, and the
    per-weight standard deviations ``sigma`` (flat, in ``ravel_pytree`` order)."""

    sigma: jax.Array


def snes_population(n_weights: int) -> int:
    """The paper's population for ``n_weights`` dimensions: ``4 + floor(3 ln d)``.

    Example:
        >>> snes_population(100), snes_population(2410)
        (17, 27)
    """
    n = check_int("n_weights", n_weights, minimum=1)
    return 4 + math.floor(3 * math.log(n))


def snes_sigma_rate(n_weights: int) -> float:
    """The paper's learning rate of ``sigma``: ``(3 + ln d) / (5 sqrt d)``."""
    return (3 + math.log(n_weights)) / (5 * math.sqrt(n_weights))


def snes(
    score_fn: Callable[[Any], jax.Array],
    *,
    pop_size: int | None = None,
    step_size: float = 1.0,
    learning_rate: float = 1.0,
    sigma_learning_rate: float | None = None,
) -> Algorithm:
    """SNES: per-weight Gaussian steps adapted by the natural gradient of ranked scores.

    Args:
        score_fn: ``score(params) -> scalar``, higher is better.
        pop_size: samples per step. Required here; :func:`~jaxclimb.algorithms.make` (and
            every front end) fills in ``snes_population`` of the network's size.
        step_size: every weight's first ``sigma`` (evosax's ``std_init``, 1.0).
        learning_rate: the mean's learning rate (1.0 in the paper).
        sigma_learning_rate: ``sigma``'s learning rate; ``None``: the paper's
            ``(3 + ln d) / (5 sqrt d)`` for the network's ``d`` weights.

    Every number is data: changing it compiles nothing.
    """
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable params -> scalar; got {type(score_fn)}")
    if pop_size is None:
        raise TypeError(
            "snes needs pop_size (samples per step): the paper's is "
            "snes_population(n_weights) = 4 + floor(3 ln n_weights); algorithms.make fills it in"
        )
    pop_size = check_int("pop_size", pop_size, minimum=2)
    numbers = {
        "sigma": check_float("step_size", step_size, positive=True),
        "learning_rate": check_float("learning_rate", learning_rate, positive=True),
        "sigma_learning_rate": -1.0
        if sigma_learning_rate is None
        else check_float("sigma_learning_rate", sigma_learning_rate, positive=True),
    }
    numbers = {k: jnp.asarray(v, jnp.float32) for k, v in numbers.items()}
    return Algorithm(
        init=bind(_init, score_fn, numbers["sigma"]),
        step=bind(_step, score_fn, numbers, pop_size=pop_size),
        traits=Traits(initial_evaluations=1, evaluations_per_step=pop_size + 1, objective=score_fn),
    )


def snes_utilities(fitness: jax.Array) -> jax.Array:
    """Each sample's utility, higher-is-better ``fitness`` in: the paper's
    ``max(0, ln(n/2 + 1) - ln k) / sum - 1/n`` for the ``k``-th best, tied scores sharing
    the average of their utilities, non-finite scores ranking last.

    Example:
        >>> [round(u, 3) for u in snes_utilities(jnp.array([1.0, 3.0, jnp.nan, 2.0])).tolist()]
        [-0.25, 0.48, -0.25, 0.02]
    """
    n = fitness.shape[0]
    k = jnp.arange(1, n + 1, dtype=jnp.float32)
    raw = jnp.maximum(0.0, math.log(n / 2 + 1) - jnp.log(k))
    by_rank = raw / jnp.sum(raw) - 1.0 / n
    total = jnp.concatenate([jnp.zeros(1), jnp.cumsum(by_rank)])
    x = jnp.where(jnp.isfinite(fitness), fitness, -jnp.inf)
    better = jnp.sum(x[None, :] > x[:, None], axis=1)
    tied = jnp.sum(x[None, :] == x[:, None], axis=1)
    return (total[better + tied] - total[better]) / tied


def _init(score_fn, sigma, key, params) -> SNESState:
    del key  # the starting mean is evaluated deterministically
    score = score_fn(params)
    flat = ravel_pytree(params)[0]
    return SNESState(params, score, params, score, jnp.full(flat.shape, sigma, flat.dtype))


def _step(score_fn, numbers, key, state: SNESState, *, pop_size):
    mean, unravel = ravel_pytree(state.params)
    z = normal(key, (pop_size, mean.size), mean.dtype)
    points = mean + state.sigma * z
    fitness = evaluate_many(score_fn, jax.vmap(unravel)(points))
    u = snes_utilities(fitness).astype(mean.dtype)
    rate = numbers["sigma_learning_rate"]
    rate = jnp.where(rate > 0, rate, snes_sigma_rate(mean.size)).astype(mean.dtype)
    moved = mean + numbers["learning_rate"] * state.sigma * (u @ z)
    sigma = state.sigma * jnp.exp(0.5 * rate * (u @ (z * z - 1)))
    params, score, best_params, best_score, info = distribution_step(
        state, unravel, points, fitness, moved, score_fn(unravel(moved))
    )
    return SNESState(params, score, best_params, best_score, sigma), info

"""An evolution strategy of the OpenAI-ES / PGPE kind: one climber is one ES run.

Each step draws ``pop_size / 2`` Gaussian directions and evaluates the antithetic pairs
``mean +/- sigma * eps`` (in the engine's cache batches, as a GA's children), shapes the
scores into centred ranks, estimates the gradient of the smoothed score and moves the mean
by SGD or Adam (ascent: the score is higher-better); ``sigma`` may decay towards a floor.
The moved mean is then evaluated, so a step costs ``pop_size + 1`` evaluations.

What the run reports: ``params``/``score`` are the mean and its score (the point an ES
converges to); ``best_params``/``best_score`` are the best point *evaluated*, mean or
perturbation. evosax's OpenES evaluates only the perturbations; evaluating the mean costs
one evaluation in ``pop_size + 1`` and is what lets the reported best follow the mean.

Example:
    >>> import jax, jax.numpy as jnp
    >>> algo = evolution_strategy(lambda p: -jnp.sum((p["w"] - 1) ** 2), pop_size=8,
    ...                           step_size=0.1, learning_rate=0.1)
    >>> state = algo.init(jax.random.key(0), {"w": jnp.zeros(3)})
    >>> for t in range(50):
    ...     state, info = algo.step(jax.random.key(t), state)
    >>> bool(state.best_score > -0.1), int(info.n_evaluations)
    (True, 9)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from .._checks import check_choice, check_float, check_int
from ..evaluation.batching import evaluate_many
from ..mutation import check_clip
from ..prng import normal
from .acceptance import distribution_step
from .base import Algorithm, SearchState, Traits, bind, state_type
from .lowrank_es import draw_factors, member_point, member_scores, weighted_sum

OPTIMIZERS = ("adam", "sgd")
_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8  # Adam's constants (Kingma & Ba)


@state_type
class ESState(SearchState):
    """One ES run: the mean (``params``) and its score, the best evaluated point, the
    perturbation scale and the optimiser's moments (empty for SGD)."""

    sigma: jax.Array
    moment1: jax.Array  # (n_weights,) for Adam, (0,) for SGD
    moment2: jax.Array
    updates: jax.Array  # updates made (Adam's bias correction)


def evolution_strategy(
    score_fn: Callable[[Any], jax.Array],
    *,
    pop_size: int = 64,
    step_size: float = 0.05,
    learning_rate: float = 0.03,
    optimizer: str = "adam",
    sigma_decay: float = 1.0,
    sigma_min: float = 0.0,
    clip_max: float | None = None,
    rank: int | None = None,
) -> Algorithm:
    """OpenAI-ES: antithetic Gaussian perturbations, centred ranks, SGD or Adam on the mean.

    Args:
        score_fn: ``score(params) -> scalar``, higher is better.
        pop_size: perturbations per step (even: ``pop_size / 2`` antithetic pairs).
        step_size: ``sigma``, the standard deviation of the perturbations (the first one
            when it decays).
        learning_rate: the optimiser's step on the mean.
        optimizer: ``"adam"`` or ``"sgd"`` (both built in).
        sigma_decay: ``sigma`` is multiplied by this after every step (1: constant)...
        sigma_min: ...and never falls below this floor.
        clip_max: clip every weight of the perturbed points and the mean to
            ``[-clip_max, clip_max]``.
        rank: ``None``: full-rank perturbations. An int ``r``: every weight matrix is
            perturbed by ``A B^T / sqrt(r)`` of rank ``r`` (EGGROLL; biases stay full rank),
            and the built-in MLP scores the members without forming their weights
            (``jaxclimb.algorithms.lowrank_es``). Not with ``clip_max``.

    Non-finite scores rank last; a moved mean whose score is not finite is not taken (the
    mean stays where it was). Every number is data: changing it compiles nothing.
    """
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable params -> scalar; got {type(score_fn)}")
    pop_size = check_int("pop_size", pop_size, minimum=2)
    if pop_size % 2:
        raise ValueError(f"pop_size must be even (antithetic pairs); got {pop_size}")
    check_choice("optimizer", optimizer, OPTIMIZERS)
    sigma = check_float("step_size", step_size, positive=True)
    numbers = {
        "learning_rate": check_float("learning_rate", learning_rate, positive=True),
        "sigma_decay": check_float("sigma_decay", sigma_decay, low=0.0, high=1.0),
        "sigma_min": check_float("sigma_min", sigma_min, low=0.0),
    }
    if numbers["sigma_decay"] <= 0:
        raise ValueError("sigma_decay must be > 0 (1 keeps sigma constant)")
    if numbers["sigma_min"] > sigma:
        raise ValueError(f"sigma_min ({sigma_min}) must be <= step_size ({step_size})")
    numbers = {k: jnp.asarray(v, jnp.float32) for k, v in numbers.items()}
    clip_max = check_clip(clip_max)
    rank = _check_rank(rank, clip_max)
    return Algorithm(
        init=bind(_init, score_fn, jnp.asarray(sigma, jnp.float32), adam=optimizer == "adam"),
        step=bind(_step, score_fn, numbers, pop_size=pop_size, adam=optimizer == "adam",
                  clip_max=clip_max, rank=rank),
        traits=Traits(initial_evaluations=1, evaluations_per_step=pop_size + 1, name="es",
                      distribution=True, objective=score_fn),
    )  # fmt: skip


def _check_rank(rank, clip_max) -> int | None:
    if rank is None:
        return None
    if clip_max is not None:
        raise ValueError("rank and clip_max cannot be combined: clipping forms every member's "
                         "weights; use rank=None to clip")  # fmt: skip
    return check_int("rank", rank, minimum=1)


def centred_ranks(fitness: jax.Array) -> jax.Array:
    """Scores as centred ranks in ``[-0.5, 0.5]`` (higher is better, summing to zero):
    non-finite scores rank last and tied scores share their average rank.

    Example:
        >>> [round(r, 4) for r in centred_ranks(jnp.array([3.0, jnp.nan, 1.0, 3.0])).tolist()]
        [0.3333, -0.5, -0.1667, 0.3333]
    """
    x = jnp.where(jnp.isfinite(fitness), fitness, -jnp.inf)
    below = jnp.sum(x[None, :] < x[:, None], axis=1)
    tied = jnp.sum(x[None, :] == x[:, None], axis=1)
    rank = below + (tied - 1) / 2  # average rank of a tie, 0 = worst
    return (rank / (x.shape[0] - 1) - 0.5).astype(fitness.dtype)


def _init(score_fn, sigma, key, params, *, adam) -> ESState:
    del key  # the starting mean is evaluated deterministically
    score = score_fn(params)
    size = ravel_pytree(params)[0].size if adam else 0
    zeros = jnp.zeros(size, jnp.float32)
    return ESState(params, score, params, score, sigma, zeros, zeros, jnp.int32(0))


def _clip(x, clip_max):
    return x if clip_max is None else jnp.clip(x, -clip_max, clip_max)


def _ascent(grad, state: ESState, rate, adam: bool):
    """``(the move of the mean, moment1, moment2)``: plain SGD or Adam on ``grad``."""
    if not adam:
        return rate * grad, state.moment1, state.moment2
    t = (state.updates + 1).astype(jnp.float32)
    m1 = _BETA1 * state.moment1 + (1 - _BETA1) * grad
    m2 = _BETA2 * state.moment2 + (1 - _BETA2) * grad**2
    m1_hat, m2_hat = m1 / (1 - _BETA1**t), m2 / (1 - _BETA2**t)
    return rate * m1_hat / (jnp.sqrt(m2_hat) + _EPS), m1, m2


def _step(score_fn, numbers, key, state: ESState, *, pop_size, adam, clip_max, rank):
    if rank is not None:
        return _lowrank_step(score_fn, numbers, key, state, pop_size=pop_size, adam=adam,
                             rank=rank)  # fmt: skip
    mean = ravel_pytree(state.params)[0]
    eps = normal(key, (pop_size // 2, mean.size), mean.dtype)
    return fed_step(score_fn, numbers, state, jnp.concatenate([eps, -eps]), adam=adam,
                    clip_max=clip_max)  # fmt: skip


def fed_step(score_fn, numbers, state: ESState, noise, *, adam, clip_max=None):
    """One full-rank step whose perturbations are ``noise``, ``(pop_size, n_weights)`` with
    antithetic halves (``numbers``: the factory's array options): the step a full-rank ES
    takes, fed the perturbations from outside (a test feeds it a low-rank ES's)."""
    mean, unravel = ravel_pytree(state.params)
    points = _clip(mean + state.sigma * noise, clip_max)
    fitness = evaluate_many(score_fn, jax.vmap(unravel)(points))
    grad = centred_ranks(fitness) @ noise / (noise.shape[0] * state.sigma)
    return _finish(score_fn, numbers, state, grad, points, fitness, adam=adam, clip_max=clip_max)


def _lowrank_step(score_fn, numbers, key, state: ESState, *, pop_size, adam, rank):
    factors = draw_factors(key, state.params, pop_size, rank)
    fitness = member_scores(score_fn, state.params, factors, state.sigma)
    grad = weighted_sum(centred_ranks(fitness), factors) / (pop_size * state.sigma)
    best = lambda i: member_point(state.params, factors, state.sigma, i)  # noqa: E731
    return _finish(score_fn, numbers, state, grad, best, fitness, adam=adam, clip_max=None)


def _finish(score_fn, numbers, state: ESState, grad, points, fitness, *, adam, clip_max):
    """Move the mean along ``grad``, score it, and keep the books."""
    mean, unravel = ravel_pytree(state.params)
    move, m1, m2 = _ascent(grad, state, numbers["learning_rate"], adam)
    moved = _clip(mean + move.astype(mean.dtype), clip_max)
    moved_score = score_fn(unravel(moved))
    params, score, best_params, best_score, info = distribution_step(
        state, unravel, points, fitness, moved, moved_score
    )
    sigma = jnp.maximum(state.sigma * numbers["sigma_decay"], numbers["sigma_min"])
    new = ESState(params, score, best_params, best_score, sigma, m1, m2, state.updates + 1)
    return new, info

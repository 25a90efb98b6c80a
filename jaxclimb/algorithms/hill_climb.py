"""Stochastic hill climbing, the tutorial's algorithm, as a pair of pure functions.

Options beyond the tutorial: a random subset of the weights per move, ``(1 + lambda)``
candidates per step, and a per-climber step size adapted by the 1/5 success rule.

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb import MLP, make_score_fn
    >>> X = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> net = MLP((2, 1), output="step")
    >>> algo = hill_climb(make_score_fn(net, X, y), step_size=0.1, n_candidates=4)
    >>> state = algo.init(jax.random.key(0), net.init(jax.random.key(1)))
    >>> state, info = algo.step(jax.random.key(2), state)
    >>> int(info.n_evaluations)
    4
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from .._checks import check_choice, check_float, check_int
from ..mutation import check_move
from ..prng import split
from .acceptance import is_improvement, tree_select, update_best
from .base import Algorithm, SearchState, StepInfo, Traits, bind, state_type
from .moves import (
    clipped_start,
    committed,
    evaluate,
    initial_cache,
    nonfinite,
    pick,
    propose,
    uses_cache,
)

ACCEPT_RULES = ("ge", "gt")
# 1/5 success rule: x exp(1/3) after a success, x exp(-1/12) after a failure; the step size
# is stationary when one step in five succeeds.
_GROW, _SHRINK = math.exp(1 / 3), math.exp(-1 / 12)


@state_type
class ClimberState(SearchState):
    """One climber: its current point, the best point it has visited, its step size."""

    step_size: jax.Array
    cache: Any = None  # cached activations of an incremental objective (moves.uses_cache)


def hill_climb(
    score_fn: Callable[[Any], jax.Array],
    *,
    step_size: float = 0.1,
    mutate_fraction: float | None = None,
    mutate_count: int | None = None,
    accept: str = "ge",
    n_candidates: int = 1,
    adaptive: bool = False,
    mutation: str = "gaussian",
    clip_max: float | None = None,
    step_scale: str | None = None,
    incremental: bool = True,
) -> Algorithm:
    """Stochastic hill climbing: perturb, evaluate, keep the candidate if it is no worse.

    Args:
        score_fn: ``score(params) -> scalar``, higher is better (see ``make_score_fn``).
        step_size: standard deviation of the Gaussian move (> 0); the initial one when
            ``adaptive``.
        mutate_fraction: move only this fraction of the weights per step (the tutorial's
            "less aggressive step"); ``None`` moves every weight.
        mutate_count: move exactly this many weights per step instead.
        accept: ``"ge"`` keeps a candidate that is at least as good (the tutorial's rule;
            lets the climber drift across accuracy plateaus) or ``"gt"`` only a better one.
        n_candidates: ``lambda`` of a (1 + lambda) climber: this many candidates per step,
            the best of them is put to the acceptance test (each counts as an evaluation).
        adaptive: adapt each climber's step size by the 1/5 success rule (grow after a
            strict improvement, shrink otherwise). Needs an objective with slopes: on an
            accuracy plateau no move succeeds and the step shrinks away.
        mutation: ``"gaussian"``, ``"neighbour"`` (mlrose's: one weight +/- step_size) or
            ``"units"`` (the fan-in of ``mutate_count`` units, ``.unitmoves``).
        clip_max: clip every weight to ``[-clip_max, clip_max]`` after each move (mlrose).
        step_scale: None (every weight moves by ``step_size``) or ``"fan-in"``: a layer's
            weights by ``step_size / sqrt(fan_in)``, rescaled to ``step_size`` on average
            (:func:`~jaxclimb.mutation.step_scales`); Gaussian and unit moves.
        incremental: score unit and neighbour moves from cached activations where the
            objective offers it (``jaxclimb.algorithms.moves``); False: full passes.

    Returns:
        An :class:`~jaxclimb.algorithms.Algorithm`.
    """
    step_size = check_float("step_size", step_size, positive=True)
    move_options = {"mutate_fraction": mutate_fraction, "mutate_count": mutate_count}
    how = check_move(mutation=mutation, clip_max=clip_max, step_scale=step_scale, **move_options)
    check_choice("accept", accept, ACCEPT_RULES)
    n_candidates = check_int("n_candidates", n_candidates, minimum=1)
    _check_flags(score_fn, adaptive)
    cached = uses_cache(score_fn, how["kind"], incremental)
    first = jnp.asarray(step_size, jnp.float32)
    settings = {"strict": accept == "gt", "n_candidates": n_candidates, "adaptive": adaptive}
    named = {"name": "hill-climb", "objective": score_fn}
    return Algorithm(
        init=bind(_init, score_fn, first, cached=cached, clip_max=how["clip_max"]),
        step=bind(_step, score_fn, cached=cached, **settings, **how),
        traits=Traits(evaluations_per_step=n_candidates, masks_inactive=cached, **named),
    )


def _check_flags(score_fn, adaptive) -> None:
    if not isinstance(adaptive, bool):
        raise TypeError(f"adaptive must be True or False; got {adaptive!r}")
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable params -> scalar; got {type(score_fn)}")


def _init(score_fn, step_size: ArrayLike, key: jax.Array, params: Any, *, cached: bool,
          clip_max: float | None) -> ClimberState:  # fmt: skip
    del key  # the starting point is evaluated deterministically
    params = clipped_start(params, clip_max, cached)
    score = score_fn(params)
    step_size = jnp.asarray(step_size, jnp.float32)
    return ClimberState(params, score, params, score, step_size,
                        initial_cache(score_fn, params, cached))  # fmt: skip


def best_of_candidates(score_fn, key, params, *, n_candidates: int, cache=None,
                       cached: bool = False, **how):  # fmt: skip
    """Draw ``n_candidates`` moves of ``params`` (see :func:`~jaxclimb.algorithms.moves.propose`);
    return the best, its score, how many candidate scores were non-finite, and its pending
    cache update (None unless ``cached``)."""
    if n_candidates == 1:
        candidate, which = propose(key, params, structured=cached, **how)
        score, pending = evaluate(score_fn, cache, candidate, which)
        return candidate, score, nonfinite(score), pending
    keys = split(key, n_candidates)
    candidates, which = jax.vmap(lambda k: propose(k, params, structured=cached, **how))(keys)
    # vmapped, not in cache batches: for one (1+256) climber on problem B batches measured
    # erratic (1,381-2,957 evaluations/s by seed) against a steady 2,061-2,322 vmapped
    if which is None:
        scores, pending = jax.vmap(score_fn)(candidates), None
    else:
        scores, pending = jax.vmap(lambda c, w: score_fn.score_move(cache, c, w))(candidates, which)
    i = jnp.argmax(jnp.where(jnp.isfinite(scores), scores, -jnp.inf))
    best, score, pending = pick(candidates, scores, pending, i)
    return best, score, nonfinite(scores), pending


def _adapted(state: ClimberState, candidate_score: jax.Array, active: ArrayLike) -> jax.Array:
    """The 1/5 rule: the step grows after a strict improvement, shrinks otherwise (an
    inactive climber's stays)."""
    success = is_improvement(candidate_score, state.score, strict=True)
    grown = jnp.clip(state.step_size * jnp.where(success, _GROW, _SHRINK), 1e-8, 1e8)
    return jnp.where(active, grown, state.step_size)


def _step(
    score_fn,
    key: jax.Array,
    state: ClimberState,
    *,
    fraction: float | None,
    count: int | None,
    strict: bool,
    n_candidates: int,
    adaptive: bool,
    kind: str,
    clip_max: float | None,
    step_scale: str | None,
    cached: bool = False,
    active: ArrayLike = True,
) -> tuple[ClimberState, StepInfo]:
    candidate, candidate_score, n_nonfinite, pending = best_of_candidates(
        score_fn,
        key,
        state.params,
        n_candidates=n_candidates,
        cache=state.cache,
        cached=cached,
        step_size=state.step_size,
        fraction=fraction,
        count=count,
        kind=kind,
        clip_max=clip_max,
        step_scale=step_scale,
    )
    # an inactive climber (active=False, Traits.masks_inactive) stays as it was
    accepted = is_improvement(candidate_score, state.score, strict=strict) & active
    params = tree_select(accepted, candidate, state.params)
    score = jnp.where(accepted, candidate_score, state.score)
    best_params, best_score = update_best(params, score, state.best_params, state.best_score,
                                          active)  # fmt: skip
    step_size = _adapted(state, candidate_score, active) if adaptive else state.step_size
    info = StepInfo(
        score=score,
        candidate_score=candidate_score,
        accepted=accepted,
        n_evaluations=jnp.int32(n_candidates),
        n_nonfinite=n_nonfinite,
    )
    cache = committed(score_fn, state.cache, pending, accepted)
    return ClimberState(params, score, best_params, best_score, step_size, cache), info

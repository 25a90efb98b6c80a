"""Simulated annealing: Metropolis acceptance under a temperature schedule.

The schedules are mlrose's three, with its parameter names and defaults, plus any callable
``t -> temperature``. Unlike mlrose, the result holds the best weights *visited*, not the
last ones.

Example:
    >>> import jax, jax.numpy as jnp
    >>> algo = simulated_annealing(lambda p: -jnp.sum(p ** 2), step_size=0.5)
    >>> state = algo.init(jax.random.key(0), jnp.ones(3))
    >>> for t in range(50):
    ...     state, info = algo.step(jax.random.fold_in(jax.random.key(1), t), state)
    >>> bool(state.best_score >= -3.0)
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.tree_util import Partial

from .._checks import check_float
from ..mutation import check_move
from ..prng import split, uniform
from .acceptance import tree_select, update_best
from .base import (
    Algorithm,
    SearchState,
    StepInfo,
    Traits,
    bind,
    has_only_array_leaves,
    state_type,
)
from .moves import clipped_start, committed, evaluate, initial_cache, propose, uses_cache
from .schedules import Schedule, temperature_schedule


@state_type
class AnnealState(SearchState):
    """One annealer: current and best points, and its step count (the schedule's clock)."""

    t: jax.Array
    cache: Any = None  # cached activations of an incremental objective (moves.uses_cache)


def simulated_annealing(
    score_fn: Callable[[Any], jax.Array],
    *,
    step_size: float = 0.1,
    schedule: str | Schedule | Callable = "geometric",
    init_temp: float = 1.0,
    decay: float | None = None,
    min_temp: float = 0.001,
    mutate_fraction: float | None = None,
    mutate_count: int | None = None,
    mutation: str = "gaussian",
    clip_max: float | None = None,
    step_scale: str | None = None,
    incremental: bool = True,
) -> Algorithm:
    """Simulated annealing over the weights.

    A candidate at least as good as the current point is always accepted; a worse one with
    probability ``exp((candidate - current) / T(t))``. A non-finite candidate never is.

    Args:
        score_fn: ``score(params) -> scalar``, higher is better.
        step_size: standard deviation of the Gaussian move.
        schedule: ``"geometric"``, ``"arithmetic"``, ``"exponential"``, a schedule object
            (:class:`~jaxclimb.algorithms.schedules.GeomDecay`, ...) or a hashable callable
            ``t -> temperature`` (see ``temperature_schedule``).
        init_temp, decay, min_temp: the schedule's parameters (mlrose's meanings).
        mutate_fraction, mutate_count: move only a subset of the weights per step.
        mutation: ``"gaussian"``, ``"neighbour"`` (mlrose's: one weight +/- step_size) or
            ``"units"`` (the fan-in of ``mutate_count`` units, ``.unitmoves``).
        clip_max: clip every weight to ``[-clip_max, clip_max]`` after each move (mlrose).
        step_scale: None (every weight moves by ``step_size``) or ``"fan-in"``: a layer's
            weights by ``step_size / sqrt(fan_in)``, rescaled to ``step_size`` on average
            (:func:`~jaxclimb.mutation.step_scales`); Gaussian and unit moves.
        incremental: unit and neighbour moves scored from cached activations where the
            objective offers it (``jaxclimb.algorithms.moves``).
    """
    subset = {"mutate_fraction": mutate_fraction, "mutate_count": mutate_count}
    how = check_move(mutation=mutation, clip_max=clip_max, step_scale=step_scale, **subset)
    step_size = check_float("step_size", step_size, positive=True)
    temperature = temperature_schedule(schedule, init_temp=init_temp, decay=decay,
                                       min_temp=min_temp)  # fmt: skip
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable params -> scalar; got {type(score_fn)}")
    if not has_only_array_leaves(temperature):  # a plain function: static, in a Partial
        temperature = Partial(temperature)
    cached = uses_cache(score_fn, how["kind"], incremental)
    return Algorithm(
        init=bind(_init, score_fn, cached=cached, clip_max=how["clip_max"]),
        # a schedule object's numbers are data
        step=bind(
            _step, score_fn, jnp.asarray(step_size, jnp.float32), temperature, cached=cached, **how
        ),
        traits=Traits(masks_inactive=cached, name="annealing", objective=score_fn),
    )


def _init(score_fn, key: jax.Array, params: Any, *, cached: bool, clip_max) -> AnnealState:
    del key
    params = clipped_start(params, clip_max, cached)
    score = score_fn(params)
    cache = initial_cache(score_fn, params, cached)
    return AnnealState(params, score, params, score, jnp.zeros((), jnp.int32), cache)


def _step(score_fn, step_size, temperature, key, state, *, fraction, count, kind, clip_max,
          step_scale, cached=False, active=True):  # fmt: skip
    k_move, k_accept = split(key)
    how = {"fraction": fraction, "count": count, "clip_max": clip_max, "step_scale": step_scale}
    candidate, which = propose(k_move, state.params, kind=kind, step_size=step_size,
                               structured=cached, **how)  # fmt: skip
    candidate_score, pending = evaluate(score_fn, state.cache, candidate, which)
    finite = jnp.isfinite(candidate_score)
    delta = candidate_score - jnp.where(jnp.isfinite(state.score), state.score, -jnp.inf)
    temp = jnp.asarray(temperature(state.t), jnp.float32)
    uphill = delta >= 0
    metropolis = uniform(k_accept) < jnp.exp(jnp.minimum(delta, 0.0) / temp)
    accepted = finite & (uphill | metropolis) & active  # inactive: stays as it was
    params = tree_select(accepted, candidate, state.params)
    score = jnp.where(accepted, candidate_score, state.score)
    best_params, best_score = update_best(params, score, state.best_params, state.best_score,
                                          active)  # fmt: skip
    info = StepInfo(
        score=score,
        candidate_score=candidate_score,
        accepted=accepted,
        n_evaluations=jnp.int32(1),
        n_nonfinite=(~finite).astype(jnp.int32),
    )
    cache = committed(score_fn, state.cache, pending, accepted)
    t = state.t + jnp.asarray(active, jnp.int32)
    return AnnealState(params, score, best_params, best_score, t, cache), info

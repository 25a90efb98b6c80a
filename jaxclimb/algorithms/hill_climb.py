"""Stochastic hill climbing, the tutorial's algorithm, as a pair of pure functions.

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb import MLP, make_score_fn
    >>> X = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> net = MLP((2, 1), output="step")
    >>> algo = hill_climb(make_score_fn(net, X, y), step_size=0.1)
    >>> state = algo.init(jax.random.key(0), net.init(jax.random.key(1)))
    >>> state, info = algo.step(jax.random.key(2), state)
    >>> bool(state.best_score >= 0)
    True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from .._checks import check_choice, check_float
from ..mutation import check_subset, gaussian
from .base import Algorithm, StepInfo, bind, is_improvement, tree_select, update_best

ACCEPT_RULES = ("ge", "gt")


class ClimberState(NamedTuple):
    """One climber: its current point and the best point it has visited."""

    params: Any
    score: jax.Array
    best_params: Any
    best_score: jax.Array


def hill_climb(
    score_fn: Callable[[Any], jax.Array],
    *,
    step_size: float = 0.1,
    mutate_fraction: float | None = None,
    mutate_count: int | None = None,
    accept: str = "ge",
) -> Algorithm:
    """Stochastic hill climbing: perturb, evaluate, keep the candidate if it is no worse.

    Args:
        score_fn: ``score(params) -> scalar``, higher is better (see ``make_score_fn``).
        step_size: standard deviation of the Gaussian move (> 0).
        mutate_fraction: move only this fraction of the weights per step (the tutorial's
            "less aggressive step"); ``None`` moves every weight.
        mutate_count: move exactly this many weights per step instead.
        accept: ``"ge"`` keeps a candidate that is at least as good (the tutorial's rule;
            lets the climber drift across accuracy plateaus) or ``"gt"`` only a better one.

    Returns:
        An :class:`~jaxclimb.algorithms.base.Algorithm`.
    """
    step_size = check_float("step_size", step_size, positive=True)
    fraction, count = check_subset(mutate_fraction, mutate_count)
    check_choice("accept", accept, ACCEPT_RULES)
    if not callable(score_fn):
        raise TypeError(f"score_fn must be callable params -> scalar; got {type(score_fn)}")
    return Algorithm(
        init=bind(_init, score_fn),
        step=bind(
            _step,
            score_fn,
            jnp.asarray(step_size, jnp.float32),
            fraction=fraction,
            count=count,
            strict=accept == "gt",
        ),
    )


def _init(score_fn, key: jax.Array, params: Any) -> ClimberState:
    del key  # the starting point is evaluated deterministically
    score = score_fn(params)
    return ClimberState(params, score, params, score)


def _step(
    score_fn,
    step_size: ArrayLike,
    key: jax.Array,
    state: ClimberState,
    *,
    fraction: float | None,
    count: int | None,
    strict: bool,
) -> tuple[ClimberState, StepInfo]:
    candidate = gaussian(key, state.params, step_size=step_size, fraction=fraction, count=count)
    candidate_score = score_fn(candidate)
    accepted = is_improvement(candidate_score, state.score, strict=strict)
    params = tree_select(accepted, candidate, state.params)
    score = jnp.where(accepted, candidate_score, state.score)
    best_params, best_score = update_best(params, score, state.best_params, state.best_score)
    info = StepInfo(
        score=score,
        candidate_score=candidate_score,
        accepted=accepted,
        n_evaluations=jnp.int32(1),
        n_nonfinite=(~jnp.isfinite(candidate_score)).astype(jnp.int32),
    )
    return ClimberState(params, score, best_params, best_score), info

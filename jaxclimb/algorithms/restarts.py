"""Restarts inside the compiled loop, around any climber algorithm.

* ``restarts=k`` in mlrose's sense: ``k + 1`` rounds from fresh weights, each ending after
  ``round_steps`` steps or ``patience`` steps without improvement; the best is kept.
* restart-on-stagnation: a climber that has gone ``patience`` steps without improving is
  re-initialised in place, as often as it happens (``max_restarts=None``).

Its best-ever weights and score survive every restart, so the best score is monotone.
A restart costs no extra evaluation: the fresh weights take the place of the current point
with an unknown (-inf) score, so the first move from them is always accepted and evaluated
as that step's candidate.

Example:
    >>> import jax, jax.numpy as jnp
    >>> from jaxclimb.algorithms import hill_climb
    >>> init = lambda key: {"w": jax.random.normal(key, (3,))}
    >>> algo = with_restarts(hill_climb(lambda p: -jnp.sum(p["w"] ** 2)), init, patience=5)
    >>> state = algo.init(jax.random.key(0), init(jax.random.key(1)))
    >>> state, info = algo.step(jax.random.key(2), state)
    >>> int(state.restarts)
    0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.tree_util import Partial

from .._checks import check_int
from ..prng import split
from .acceptance import is_improvement, tree_select, update_best
from .base import Algorithm, SearchState, StepInfo, bind, state_type, wrapper_traits


@state_type
class RestartState(SearchState):
    """The current round's point (``params``, ``score``: -inf right after a restart), the
    best ever found, the wrapped climber's state, and round bookkeeping."""

    inner: Any
    template: Any  # the inner state right after init: resets its non-weight fields
    stale: jax.Array  # steps since the current round's best strictly improved
    round_steps: jax.Array  # steps in the current round
    restarts: jax.Array
    finished: jax.Array  # no restart left and the round is over: terminate() says so


def with_restarts(
    algorithm: Algorithm,
    init_params: Callable[[jax.Array], Any],
    *,
    patience: int | None = None,
    round_steps: int | None = None,
    max_restarts: int | None = None,
) -> Algorithm:
    """Wrap a climber so it restarts from fresh weights (``init_params(key)``).

    Args:
        algorithm: a climber whose state is a NamedTuple with ``params, score,
            best_params, best_score`` (hill climbing, simulated annealing, ...).
        init_params: draws fresh starting weights, as given to ``run``.
        patience: a round ends after this many steps without a strict improvement of the
            round's best (mlrose's ``max_attempts``).
        round_steps: a round ends after this many steps (mlrose's ``max_iters``).
        max_restarts: restarts allowed (mlrose's ``restarts``); after the last round the
            climber is finished and the runner stops it. ``None``: restart forever.
    """
    if not isinstance(algorithm, Algorithm):
        raise TypeError(f"algorithm must be an Algorithm; got {type(algorithm).__name__}")
    if algorithm.traits.coupled:
        raise ValueError(
            "with_restarts restarts single-point climbers; a genetic algorithm's population "
            "would survive the restart: run more independent GAs instead (population=...)"
        )
    if not callable(init_params):
        raise TypeError("init_params must be a callable key -> params")
    if patience is None and round_steps is None:
        raise ValueError("with_restarts needs patience or round_steps (or both)")
    limits = {
        "patience": None if patience is None else check_int("patience", patience, minimum=1),
        "round_steps": None
        if round_steps is None
        else check_int("round_steps", round_steps, minimum=1),
        "max_restarts": None
        if max_restarts is None
        else check_int("max_restarts", max_restarts, minimum=0),
    }
    return Algorithm(
        init=bind(_init, algorithm),
        step=bind(_step, algorithm, init_params=init_params, **limits),
        terminate=Partial(_finished),
        traits=wrapper_traits(algorithm.traits),
    )


def _finished(state: RestartState) -> jax.Array:
    return state.finished


def _init(algorithm: Algorithm, key: jax.Array, params: Any) -> RestartState:
    inner = algorithm.init(key, params)
    if getattr(inner, "cache", None) is not None:
        raise ValueError(
            "with_restarts needs a climber without cached activations (a restart draws new "
            "weights): build it with incremental=False"
        )
    zero = jnp.zeros((), jnp.int32)
    return RestartState(
        inner.params, inner.score, inner.best_params, inner.best_score,
        inner, inner, zero, zero, zero, jnp.bool_(False),
    )  # fmt: skip


def _step(
    algorithm: Algorithm,
    key: jax.Array,
    state: RestartState,
    *,
    init_params,
    patience,
    round_steps,
    max_restarts,
) -> tuple[RestartState, StepInfo]:
    k_step, k_fresh = split(key)
    inner, info = algorithm.step(k_step, state.inner)
    improved = is_improvement(inner.best_score, state.inner.best_score, strict=True)
    stale = jnp.where(improved, 0, state.stale + 1)
    steps = state.round_steps + 1
    best_params, best_score = update_best(
        inner.best_params, inner.best_score, state.best_params, state.best_score
    )
    over = jnp.bool_(False)
    if patience is not None:
        over = over | (stale >= patience)
    if round_steps is not None:
        over = over | (steps >= round_steps)
    allowed = jnp.bool_(True) if max_restarts is None else state.restarts < max_restarts
    restart = over & allowed
    fresh = init_params(k_fresh)
    unknown = jnp.full_like(state.template.score, -jnp.inf)
    reset = state.template._replace(
        params=fresh, score=unknown, best_params=fresh, best_score=unknown
    )
    inner = tree_select(restart, reset, inner)
    new = RestartState(
        params=inner.params,
        score=inner.score,
        inner=inner,
        template=state.template,
        best_params=best_params,
        best_score=best_score,
        stale=jnp.where(restart, 0, stale),
        round_steps=jnp.where(restart, 0, steps),
        restarts=state.restarts + restart,
        finished=over & ~allowed,
    )
    return new, info

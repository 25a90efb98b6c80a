"""Gradient baseline: gradient ascent on a differentiable score, through the same runner.

It lets a user put gradient training beside randomized search in one comparison (mlrose
keeps gradient descent as a benchmark for the same reason). Plain gradient steps are built
in; Adam and the rest of optax's optimisers need the ``gradient`` extra (``optax``).

Example:
    >>> import jax, jax.numpy as jnp
    >>> algo = gradient_descent(lambda p: -jnp.sum((p - 1.0) ** 2), step_size=0.25)
    >>> state = algo.init(jax.random.key(0), jnp.zeros(2))
    >>> for t in range(20):
    ...     state, info = algo.step(jax.random.key(t), state)
    >>> [round(float(x), 3) for x in state.best_params]
    [1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from .._checks import check_choice, check_float
from ..evaluation.objectives import ScoreFn
from ..mutation import check_clip, clip
from .acceptance import tree_select, update_best
from .base import Algorithm, SearchState, StepInfo, Traits, bind, state_type

OPTIMIZERS = ("sgd", "adam")


@state_type
class GradientState(SearchState):
    """Current weights, their score, the best evaluated point, and the optimiser's state."""

    opt_state: Any


def check_differentiable(score_fn: Callable) -> None:
    """Refuse objectives whose gradient is zero almost everywhere (step transfer, accuracy);
    the objective says why (a user function: the user vouches for it)."""
    reason = score_fn.nondifferentiable_reason() if isinstance(score_fn, ScoreFn) else None
    if reason is not None:
        raise ValueError(f"the gradient baseline needs a differentiable objective: {reason}")


def gradient_descent(
    score_fn: Callable[[Any], jax.Array],
    *,
    step_size: float = 0.01,
    optimizer: str = "sgd",
    clip_max: float | None = None,
) -> Algorithm:
    """Gradient ascent on the score (descent on log-loss or MSE).

    Args:
        score_fn: a differentiable ``score(params) -> scalar``, higher is better.
        step_size: the learning rate (mlrose's ``learning_rate``).
        optimizer: ``"sgd"`` (plain steps, built in) or ``"adam"`` (needs ``optax``).
        clip_max: clip every weight to ``[-clip_max, clip_max]`` after each update.

    A step evaluates the score and its gradient at the current weights (one evaluation)
    and moves; a non-finite score or gradient sends the climber back to its best point.
    """
    check_differentiable(score_fn)
    step_size = check_float("step_size", step_size, positive=True)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    clip_max = check_clip(clip_max)
    if optimizer == "adam":
        _optax()  # fail now, not inside the compiled step
    rate = jnp.asarray(step_size, jnp.float32)  # data: a new rate compiles nothing
    return Algorithm(
        init=bind(_init, score_fn, rate, optimizer=optimizer),
        step=bind(_step, score_fn, rate, optimizer=optimizer, clip_max=clip_max),
        traits=Traits(name="gradient", objective=score_fn),
    )


def _optax():
    try:
        import optax
    except ImportError:
        raise ValueError("optimizer='adam' needs optax: pip install 'jaxclimb[gradient]'") from None
    return optax


def _transform(optimizer: str, step_size: jax.Array):
    """The optax transformation of ``optimizer`` (None for plain SGD), built while tracing
    from the static name and the traced rate."""
    return _optax().adam(step_size) if optimizer == "adam" else None


def _init(score_fn, step_size, key, params, *, optimizer) -> GradientState:
    del key
    score = score_fn(params)
    transform = _transform(optimizer, step_size)
    opt_state = () if transform is None else transform.init(params)
    return GradientState(params, score, params, score, opt_state)


def _step(score_fn, step_size, key, state: GradientState, *, optimizer, clip_max):
    del key  # deterministic
    transform = _transform(optimizer, step_size)
    score, grad = jax.value_and_grad(score_fn)(state.params)
    finite = jnp.isfinite(score) & jnp.all(
        jnp.array([jnp.all(jnp.isfinite(g)) for g in jax.tree_util.tree_leaves(grad)])
    )
    best_params, best_score = update_best(state.params, score, state.best_params, state.best_score)
    if transform is None:
        moved = jax.tree_util.tree_map(lambda p, g: p + step_size * g, state.params, grad)
        opt_state = state.opt_state
    else:
        neg = jax.tree_util.tree_map(jnp.negative, grad)  # optax minimises
        updates, opt_state = transform.update(neg, state.opt_state, state.params)
        moved = jax.tree_util.tree_map(jnp.add, state.params, updates)
        opt_state = tree_select(finite, opt_state, state.opt_state)
    params = tree_select(finite, clip(moved, clip_max), best_params)
    info = StepInfo(
        score=jnp.where(finite, score, best_score),
        candidate_score=score,
        accepted=finite,
        n_evaluations=jnp.int32(1),
        n_nonfinite=(~finite).astype(jnp.int32),
    )
    new = GradientState(
        params, jnp.where(finite, score, best_score), best_params, best_score, opt_state
    )
    return new, info

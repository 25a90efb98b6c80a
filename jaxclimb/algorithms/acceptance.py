"""Acceptance and bookkeeping shared by every algorithm: tree-wide selection, the
acceptance test (a non-finite score is never accepted), and the best point visited.

Example:
    >>> import jax.numpy as jnp
    >>> bool(is_improvement(jnp.nan, 0.5, strict=False))  # NaN is never accepted
    False
    >>> bool(is_improvement(0.5, -jnp.inf, strict=True))
    True
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from ..evaluation.sampling import current_evaluation_key
from .base import StepInfo


def tree_select(pred: jax.Array, on_true: Any, on_false: Any) -> Any:
    """Leaf-wise ``jnp.where(pred, on_true, on_false)`` over two PyTrees of one structure.

    ``pred`` is a scalar for one climber, or ``(P,)`` for PyTrees with a leading population
    axis (it is broadcast over the remaining axes).
    """

    def select(a, b):
        p = jnp.reshape(pred, jnp.shape(pred) + (1,) * (jnp.ndim(a) - jnp.ndim(pred)))
        return jnp.where(p, a, b)

    return jax.tree_util.tree_map(select, on_true, on_false)


def is_improvement(candidate: jax.Array, current: jax.Array, *, strict: bool) -> jax.Array:
    """Acceptance test: a finite ``candidate`` that is >= (or >) a ``current`` score.

    A non-finite candidate is never accepted; a non-finite current score (a starting point
    whose objective was NaN) is replaced by any finite candidate.
    """
    better = candidate > current if strict else candidate >= current
    return jnp.isfinite(candidate) & (better | ~jnp.isfinite(current))


def update_best(params: Any, score: jax.Array, best_params: Any, best_score: jax.Array,
                active: ArrayLike = True):  # fmt: skip
    """Return ``(best_params, best_score)`` after visiting ``params`` with ``score``
    (unchanged for an inactive climber, ``active=False``).

    Ties move the best to the newer point, so with ``>=`` acceptance the best of a hill
    climber is its current point.
    """
    take = is_improvement(score, best_score, strict=False) & active
    return tree_select(take, params, best_params), jnp.where(take, score, best_score)


def distribution_step(state: Any, unravel, points, fitness, moved, moved_score):
    """The bookkeeping of a step that samples ``points`` around a mean and moves the mean
    to ``moved`` (an evolution strategy): ``(params, score, best_params, best_score, info)``.

    The best sample and the moved mean enter the best point visited; a moved mean whose
    score is not finite is not taken (the mean stays where it was). ``points`` and
    ``moved`` are flat (``ravel_pytree``), ``unravel`` rebuilds their PyTree; ``points``
    may be a function ``i -> points[i]`` (a low-rank ES forms only the best member), or
    None when the samples are not weights (node perturbation's perturbed units): then only
    the moved mean enters the best, and is the step's candidate.
    Under a step's evaluation key (minibatches, sampled episodes) the best point is the
    mean: scores on one step's rows are too noisy to keep a point by (a lucky minibatch
    would hold the best back for the rest of the chunk); the engine re-scores it on all
    rows at chunk ends.
    """
    taken = jnp.isfinite(moved_score)
    finite = jnp.isfinite(fitness)
    i = jnp.argmax(jnp.where(finite, fitness, -jnp.inf))
    params = tree_select(taken, unravel(moved), state.params)
    score = jnp.where(taken, moved_score, state.score)
    if current_evaluation_key() is not None:  # noisy scores: the best follows the mean
        best_params, best_score = params, score
    elif points is None:
        best_params, best_score = update_best(params, score, state.best_params, state.best_score)
    else:
        best = points(i) if callable(points) else points[i]
        best_params, best_score = update_best(
            unravel(best), fitness[i], state.best_params, state.best_score
        )
        best_params, best_score = update_best(params, score, best_params, best_score)
    info = StepInfo(
        score=score,
        candidate_score=moved_score
        if points is None
        else jnp.where(finite[i], fitness[i], -jnp.inf),
        accepted=taken,
        n_evaluations=jnp.int32(fitness.shape[0] + 1),
        n_nonfinite=(jnp.sum(~finite) + ~taken).astype(jnp.int32),
    )
    return params, score, best_params, best_score, info

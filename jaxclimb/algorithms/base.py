"""The algorithm protocol shared by every search in jaxclimb.

An :class:`Algorithm` is a pair of pure functions, in the manner of optax and blackjax:

* ``init(key, params) -> state``: evaluate a starting point.
* ``step(key, state) -> (state, info)``: one move of one climber.

Both work on a single climber; the runner vmaps them over a population. States are
NamedTuples that carry at least ``params, score, best_params, best_score``; infos are
:class:`StepInfo`. Scores are "higher is better" and a non-finite score is never accepted.

When ``init`` and ``step`` are :class:`jax.tree_util.Partial` objects, the arrays they hold
(the data, a step size) are PyTree leaves, so the runner passes them to the compiled search
as arguments rather than baking them into the program.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import Partial


class Algorithm(NamedTuple):
    """A search algorithm: ``init(key, params) -> state``, ``step(key, state) -> (state, info)``."""

    init: Callable[[jax.Array, Any], Any]
    step: Callable[[jax.Array, Any], tuple[Any, StepInfo]]


class StepInfo(NamedTuple):
    """What one step of one climber did.

    Attributes:
        score: score of the current point after the step.
        candidate_score: score of the (best) candidate evaluated in this step.
        accepted: whether the candidate replaced the current point.
        n_evaluations: objective evaluations this step made.
        n_nonfinite: how many of them returned NaN or an infinity.
    """

    score: jax.Array
    candidate_score: jax.Array
    accepted: jax.Array
    n_evaluations: jax.Array
    n_nonfinite: jax.Array


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


def update_best(params: Any, score: jax.Array, best_params: Any, best_score: jax.Array):
    """Return ``(best_params, best_score)`` after visiting ``params`` with ``score``.

    Ties move the best to the newer point, so with ``>=`` acceptance the best of a hill
    climber is its current point.
    """
    take = is_improvement(score, best_score, strict=False)
    return tree_select(take, params, best_params), jnp.where(take, score, best_score)


def has_only_array_leaves(tree: Any) -> bool:
    """True when every leaf of ``tree`` is an array (so it can be a jit argument)."""
    leaves = jax.tree_util.tree_leaves(tree)
    return all(isinstance(leaf, jax.Array | np.ndarray | np.generic) for leaf in leaves)


class _Static:
    """``fn`` with keyword settings fixed, equal to another with the same ``fn`` and
    settings, so identical configurations share one compiled program (see the runner)."""

    def __init__(self, fn: Callable, *args: Any, **kwargs: Any):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        functools.update_wrapper(self, fn)

    def _key(self):
        return (self.fn, self.args, tuple(sorted(self.kwargs.items())))

    def __eq__(self, other):
        return isinstance(other, _Static) and self._key() == other._key()

    def __hash__(self):
        try:
            return hash(self._key())
        except TypeError:  # an unhashable setting: fall back to identity
            return id(self)

    def __call__(self, *args, **kwargs):
        return self.fn(*self.args, *args, **self.kwargs, **kwargs)


def bind(fn: Callable, first: Any, *dynamic: Any, **static: Any) -> Partial:
    """``fn(first, *dynamic, key, state, **static)`` as a :class:`~jax.tree_util.Partial`.

    Array leaves (the data inside a :class:`~jaxclimb.objectives.ScoreFn`, step sizes) stay
    PyTree leaves so the runner passes them to the compiled search as arguments; a ``first``
    that is not a PyTree of arrays (a plain closure) and the ``static`` settings are fixed
    into the function instead.
    """
    if has_only_array_leaves(first):
        return Partial(_Static(fn, **static), first, *dynamic)
    return Partial(_Static(fn, first, **static), *dynamic)


def as_pytree(algorithm: Algorithm) -> Algorithm:
    """``algorithm`` with only array leaves: functions that are leaves become static."""
    if has_only_array_leaves(algorithm):
        return algorithm
    return Algorithm(init=Partial(algorithm.init), step=Partial(algorithm.step))

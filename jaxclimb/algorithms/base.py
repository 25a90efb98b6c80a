"""The algorithm protocol shared by every search in jaxclimb: the one place it is defined.

An :class:`Algorithm` is a NamedTuple of pure functions, in the manner of optax and blackjax:

* ``init(key, params) -> state``: evaluate a starting point.
* ``step(key, state) -> (state, info)``: one move of one climber.
* ``terminate(state) -> bool`` (optional): the climber is done (restarts used up).

``traits`` declares what the engine may count on without sniffing the state: evaluations
made by ``init`` and by each step, and whether one "climber" owns a coupled population (a
GA run). States are :class:`SearchState` dataclasses (``params, score, best_params,
best_score``, then the algorithm's own fields); infos are :class:`StepInfo`. Scores are
"higher is better" and a non-finite score is never accepted (:mod:`.acceptance`).

Hyperparameters follow one rule: numbers that may change between runs (step sizes,
temperatures, the data inside the objective) are array leaves, passed to the compiled
search as arguments; choices that change the program (a mutation kind, a population size)
are static, hashable settings that compare by value (see :func:`bind`). Two algorithms
built with equal settings therefore share one compiled program.

Example:
    >>> import jax, jax.numpy as jnp
    >>> from jaxclimb.algorithms.acceptance import is_improvement, tree_select
    >>> def init(key, params):
    ...     s = -jnp.sum(params ** 2)
    ...     return SearchState(params, s, params, s)
    >>> def step(key, state):
    ...     cand = state.params + 0.1 * jax.random.normal(key, state.params.shape)
    ...     s = -jnp.sum(cand ** 2)
    ...     take = is_improvement(s, state.score, strict=False)
    ...     params, score = tree_select(take, cand, state.params), jnp.where(take, s, state.score)
    ...     info = StepInfo(score, s, take, jnp.int32(1), jnp.int32(0))
    ...     return SearchState(params, score, params, score), info
    >>> algo = Algorithm(init, step)
    >>> state, info = algo.step(jax.random.key(1), algo.init(jax.random.key(0), jnp.ones(2)))
    >>> bool(state.best_score >= -2.0), algo.traits.evaluations_per_step
    (True, 1)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

import jax
import numpy as np
from jax.tree_util import Partial


@jax.tree_util.register_static
@dataclasses.dataclass(frozen=True)
class Traits:
    """What an algorithm declares to the engine (static: part of the compiled program).

    Attributes:
        initial_evaluations: objective evaluations ``init`` makes per climber.
        evaluations_per_step: objective evaluations one ``step`` makes per climber.
        coupled: one climber owns a coupled population (a GA run): restarting it would
            keep the population, so :func:`~jaxclimb.algorithms.with_restarts` refuses it.
        distribution: one climber is a search distribution (SNES, ES) whose step ranks its
            own samples and never compares them with its current point's score, so a keyed
            objective does not re-score that point every step.
        name: the algorithm's name (a ``REGISTRY`` key), recorded in results; a label
            only: it takes no part in comparisons, fingerprints or compiled programs.
        masks_inactive: ``step`` takes ``active=`` (a climber's bool) and returns an
            inactive climber's state unchanged itself, so the engine does not select
            between the old and the new state (for a state holding cached activations that
            select copies every climber's cache each step). A wrapper that copies another
            algorithm's traits must pass ``active`` on or clear this.
        objective: the objective the algorithm was built from (its factory's
            ``score_fn``), so that :func:`~jaxclimb.run` needs it named once; like ``name``
            it takes no part in comparisons, and the engine drops it before compiling.
    """

    initial_evaluations: int = 1
    evaluations_per_step: int = 1
    coupled: bool = False
    distribution: bool = False
    masks_inactive: bool = False
    name: str = dataclasses.field(default="", compare=False, repr=False)
    objective: Any = dataclasses.field(default=None, compare=False, repr=False)


class Algorithm(NamedTuple):
    """A search algorithm: ``init``, ``step``, an optional ``terminate``, and its traits."""

    init: Callable[[jax.Array, Any], Any]
    step: Callable[[jax.Array, Any], tuple[Any, StepInfo]]
    terminate: Callable[[Any], jax.Array] | None = None
    traits: Traits = Traits()


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True, eq=False)
class SearchState:
    """What the engine needs of every climber's state; algorithms subclass it.

    Attributes:
        params: the current point (a PyTree of weights).
        score: its score (higher is better; -inf when unknown).
        best_params: the best point visited.
        best_score: its score.
    """

    params: Any
    score: jax.Array
    best_params: Any
    best_score: jax.Array

    def _replace(self, **changes: Any) -> SearchState:
        """A copy with some fields replaced (as NamedTuple's ``_replace``)."""
        return dataclasses.replace(self, **changes)


def wrapper_traits(traits: Traits) -> Traits:
    """The traits of an algorithm that wraps one with ``traits`` and whose own step takes
    no ``active=`` (:attr:`Traits.masks_inactive` cleared)."""
    return dataclasses.replace(traits, masks_inactive=False)


def state_type(cls: type) -> type:
    """Decorator: make a :class:`SearchState` subclass a frozen dataclass and a PyTree."""
    return jax.tree_util.register_dataclass(dataclasses.dataclass(frozen=True, eq=False)(cls))


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


def has_only_array_leaves(tree: Any) -> bool:
    """True when every leaf of ``tree`` is an array (so it can be a jit argument)."""
    leaves = jax.tree_util.tree_leaves(tree)
    return all(isinstance(leaf, jax.Array | np.ndarray | np.generic) for leaf in leaves)


class _Static:
    """``fn`` with static settings fixed; equal to another with the same ``fn`` and equal
    settings, so identical configurations share one compiled program."""

    def __init__(self, fn: Callable, *args: Any, **kwargs: Any):
        for name, value in (*enumerate(args), *kwargs.items()):
            if not isinstance(value, Hashable) or not _hashable(value):
                raise TypeError(
                    f"{fn.__name__}: static setting {name!r} must be hashable and compare by "
                    f"value; got {type(value).__name__}"
                )
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.__name__ = getattr(fn, "__name__", "static")

    def _key(self):
        return (self.fn, self.args, tuple(sorted(self.kwargs.items())))

    def __eq__(self, other):
        return isinstance(other, _Static) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __call__(self, *args, **kwargs):
        return self.fn(*self.args, *args, **self.kwargs, **kwargs)

    def __repr__(self):  # stable across processes: fingerprints of checkpoints use it
        name = f"{getattr(self.fn, '__module__', '')}.{getattr(self.fn, '__qualname__', '')}"
        return f"{name}{self.args!r}{sorted(self.kwargs.items())!r}"


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def bind(fn: Callable, first: Any, *dynamic: Any, **static: Any) -> Partial:
    """``fn(first, *dynamic, key, state, **static)`` as a :class:`~jax.tree_util.Partial`.

    ``dynamic`` values are PyTrees of arrays (step sizes, schedules): they stay leaves, so
    the engine passes them to the compiled search as arguments. ``static`` settings must be
    hashable and compare by value (a TypeError says which one is not). ``first`` (the
    objective) is dynamic when it is a PyTree of arrays (a
    :class:`~jaxclimb.evaluation.objectives.ScoreFn` holding its data), static otherwise (a plain
    function).
    """
    if has_only_array_leaves(first):
        return Partial(_Static(fn, **static), first, *dynamic)
    return Partial(_Static(fn, first, **static), *dynamic)


def as_pytree(algorithm: Algorithm) -> Algorithm:
    """``algorithm`` with only array leaves: functions that are leaves become static."""
    if has_only_array_leaves(algorithm):
        return algorithm
    wrap = lambda f: f if f is None or has_only_array_leaves(f) else Partial(f)  # noqa: E731
    return algorithm._replace(
        init=wrap(algorithm.init), step=wrap(algorithm.step), terminate=wrap(algorithm.terminate)
    )

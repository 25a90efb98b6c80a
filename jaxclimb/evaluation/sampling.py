"""Keyed objectives: scores that draw randomness (an episode's start, a minibatch of rows)
from a key the engine hands them, fresh at every step.

Inside :func:`jaxclimb.run` every step of every climber gets its own evaluation key
(``fold_in`` of the step's key), and every evaluation in that step (the current point,
re-scored, and each candidate) sees the same key: a comparison inside one step is between
equals (common random numbers), and the next step draws afresh. The engine sets the key
while it traces the search (:func:`evaluation_key`); an objective reads it with
:func:`current_evaluation_key`. Outside a run a keyed objective takes its key as an
argument.

Example:
    >>> import jax, jax.numpy as jnp
    >>> noisy = KeyedObjective(lambda p, key: -jnp.sum(p**2) + 0.1 * jax.random.normal(key))
    >>> bool(noisy(jnp.zeros(3), jax.random.key(0)) == noisy(jnp.zeros(3), jax.random.key(0)))
    True
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import jax
import numpy as np

_KEY: contextvars.ContextVar[jax.Array | None] = contextvars.ContextVar("evaluation_key",
                                                                       default=None)  # fmt: skip
FULL_EVALUATION_SEED = 0
"""The seed of the fixed key a :class:`KeyedObjective`'s :meth:`~jaxclimb.KeyedObjective.full`
evaluation uses: one yardstick for every climber at every chunk boundary."""


@contextlib.contextmanager
def evaluation_key(key: jax.Array | None) -> Iterator[None]:
    """While tracing, keyed objectives evaluated in this block use ``key`` (the engine sets
    it around each step)."""
    token = _KEY.set(key)
    try:
        yield
    finally:
        _KEY.reset(token)


def current_evaluation_key() -> jax.Array | None:
    """The key set by :func:`evaluation_key`, or None outside a step."""
    return _KEY.get()


def sample_rows(key: jax.Array, n_rows: int, batch: int) -> jax.Array:
    """``batch`` row indices drawn uniformly (with replacement) from ``n_rows``."""
    return jax.random.randint(key, (batch,), 0, n_rows)


@jax.tree_util.register_static
@dataclasses.dataclass(frozen=True)
class KeyedObjective:
    """A stochastic objective ``fn(params, key) -> scalar``, higher is better.

    Build the algorithm from it (``hill_climb(objective)``: ``run`` finds it there; an
    algorithm of your own: ``run(..., score_fn=objective)``), so the engine hands it a
    fresh key every step, re-scores each climber's current point with
    the candidates' key, and re-scores the best so far with a fixed key at the end of every
    chunk (:meth:`full`). Python side effects inside ``fn`` (prints, counters) run only while
    JAX traces it, once per compilation, not once per evaluation.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> f = KeyedObjective(lambda p, key: -jnp.sum((p - jax.random.normal(key)) ** 2))
        >>> float(f.full(jnp.zeros(2))) <= 0
        True
    """

    fn: Callable[[Any, jax.Array], jax.Array]
    keyed = True

    def __post_init__(self):
        if not callable(self.fn):
            raise TypeError(f"fn must be callable fn(params, key); got {type(self.fn).__name__}")
        try:
            inspect.signature(self.fn).bind(None, None)
        except TypeError:
            raise TypeError("fn must take two arguments: fn(params, key)") from None
        except ValueError:  # builtins without a signature: trust them
            pass
        try:
            hash(self.fn)
        except TypeError:
            raise TypeError("fn must be hashable (a function or a frozen object)") from None

    def __call__(self, params: Any, key: jax.Array | None = None) -> jax.Array:
        key = current_evaluation_key() if key is None else key
        if key is None:
            raise ValueError(
                "a KeyedObjective needs a key: call objective(params, key), or build the "
                "algorithm from it (or pass jaxclimb.run(..., score_fn=objective)) so the "
                "engine hands it one every step"
            )
        return self.fn(params, key)

    def full(self, params: Any) -> jax.Array:
        """The score with the fixed key of
        :data:`~jaxclimb.evaluation.sampling.FULL_EVALUATION_SEED`."""
        return self.fn(params, jax.random.key(FULL_EVALUATION_SEED))

    def to_metric(self, score: Any) -> np.ndarray:
        """Scores are the objective's own units."""
        return np.asarray(score)

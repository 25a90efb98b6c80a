"""Evaluating many candidates of one objective at once: vmapped, or in batches.

An algorithm that scores a whole generation (a GA's children) calls :func:`evaluate_many`.
How many candidates go at once is not the algorithm's business: the engine's layout
decides it from the devices and the objective's memory estimate, and sets it with
:func:`candidate_batch` while it traces the compiled search.

Example:
    >>> import jax.numpy as jnp
    >>> with candidate_batch(2):
    ...     evaluate_many(lambda p: -jnp.sum(p ** 2), jnp.ones((5, 3))).tolist()
    [-3.0, -3.0, -3.0, -3.0, -3.0]
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

import jax

_CANDIDATE_BATCH: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "candidate_batch", default=None
)


@contextlib.contextmanager
def candidate_batch(batch: int | None) -> Iterator[None]:
    """While tracing, :func:`evaluate_many` evaluates at most ``batch`` candidates at once
    (the engine's layout sets it from the device and the objective; None: all at once)."""
    token = _CANDIDATE_BATCH.set(batch)
    try:
        yield
    finally:
        _CANDIDATE_BATCH.reset(token)


def evaluate_many(score_fn: Callable[[Any], jax.Array], candidates: Any) -> jax.Array:
    """``score_fn`` of every candidate (a PyTree with a leading candidate axis): vmapped,
    or in batches of :func:`candidate_batch` when the engine asked for them.

    Example:
        >>> import jax.numpy as jnp
        >>> evaluate_many(lambda p: -jnp.sum(p ** 2), jnp.ones((4, 3))).tolist()
        [-3.0, -3.0, -3.0, -3.0]
    """
    n = jax.tree_util.tree_leaves(candidates)[0].shape[0]
    batch = _CANDIDATE_BATCH.get()
    if batch is None or batch >= n:
        return jax.vmap(score_fn)(candidates)
    return jax.lax.map(score_fn, candidates, batch_size=batch)

"""How many evaluations run at once: memory and cache estimates of one evaluation.

A vmapped evaluation of many candidates writes ``(candidates, rows, units)`` activation
tensors. On a CPU, when the network materialises them (matrix products), walking the
candidates in cache-sized batches is faster: problem B of benchmarks/README (10,000 rows,
MLP 20-32-32-1) runs at 3,465 evaluations/s in batches of 2 against 2,096 all at once.
Networks of narrow layers are one fused loop with nothing to keep, and accelerators want
every candidate at once, so neither is batched. The runner uses this for its climbers and
the genetic algorithm for its children (one run of 256 on B: 2,730-2,813 evaluations/s
batched against 2,150-2,166 vmapped).

Example:
    >>> import jax, jax.numpy as jnp, numpy as np
    >>> from jaxclimb import MLP, make_score_fn
    >>> net = MLP((20, 32, 1))
    >>> score = make_score_fn(net, np.zeros((1000, 20), np.float32), np.zeros(1000, int))
    >>> cache_batch(score, "cpu"), cache_batch(score, "gpu")
    (39, None)
    >>> params = jax.vmap(net.init)(jax.random.split(jax.random.key(0), 4))
    >>> evaluate_many(score, params).shape
    (4,)
"""

from __future__ import annotations

from typing import Any

import jax

from .networks import MLP, UNROLL_MAX_FAN_IN
from .objectives import ScoreFn

CACHE_BUDGET = 32 * 2**20


def bytes_per_evaluation(score_fn: Any) -> int | None:
    """A generous estimate of the temporaries one evaluation needs (None when the
    objective is not a :class:`ScoreFn`): every row's activations of every layer, a few
    times over."""
    if not isinstance(score_fn, ScoreFn):
        return None
    rows, features = score_fn.X.shape
    net = score_fn.forward
    width = sum(net.layer_sizes) if isinstance(net, MLP) else features + 16
    return int(rows * width * 4 * 4)


def cache_batch(score_fn: Any, platform: str) -> int | None:
    """Evaluations per batch that keep one batch's activations within a CPU's cache, or
    None where batching does not pay (not a CPU, a fused network, an unknown objective)."""
    size = bytes_per_evaluation(score_fn)
    if platform != "cpu" or size is None:
        return None
    net = score_fn.forward
    if isinstance(net, MLP) and max(net.layer_sizes[:-1]) <= UNROLL_MAX_FAN_IN:
        return None
    return max(1, CACHE_BUDGET // size)


def evaluate_many(score_fn: Any, candidates: Any) -> jax.Array:
    """``score_fn`` of every candidate (a PyTree with a leading candidate axis): vmapped,
    or in cache-sized batches on a CPU (see :func:`cache_batch`)."""
    n = jax.tree_util.tree_leaves(candidates)[0].shape[0]
    batch = cache_batch(score_fn, jax.default_backend())
    if batch is None or batch >= n:
        return jax.vmap(score_fn)(candidates)
    return jax.lax.map(score_fn, candidates, batch_size=batch)

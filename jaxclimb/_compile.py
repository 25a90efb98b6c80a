"""Ahead-of-time compilation of a run's two programs, cached by configuration.

A run compiles ``init`` (draw and score the starting points) and one ``chunk`` of steps.
Both take the algorithm's arrays (the data, step sizes) as arguments, so a second run of
the same configuration on data of the same shape (a grid search, cross-validation, a new
seed) reuses the compiled programs instead of compiling again.
"""

from __future__ import annotations

import collections
import functools
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import jax

from .sharding import history_sharding, population_shardings, replicated

_CACHE: collections.OrderedDict = collections.OrderedDict()
_CACHE_SIZE = 32


class Compiled(NamedTuple):
    """The compiled programs of one configuration."""

    init: Any
    chunk: Any
    seconds: float  # time spent compiling now (0 when taken from the cache)
    init_shape: Any  # shapes of (carry, loop_keys)


def _signature(algorithm, init_params, key, ids, real, mesh, n_records, record_every, block):
    leaves, treedef = jax.tree_util.tree_flatten(algorithm)
    sig = (
        treedef,
        tuple((leaf.shape, str(leaf.dtype)) for leaf in leaves),
        init_params,
        str(key.dtype),
        ids.shape,
        mesh,
        n_records,
        record_every,
        block,
    )
    try:
        hash(sig)
    except TypeError:
        return None
    return sig


def compile_search(
    init_body: Callable,
    chunk_body: Callable,
    *,
    algorithm,
    init_params,
    key,
    ids,
    real,
    total,
    attempts,
    mesh,
    n_records: int,
    record_every: int,
    block: int | None = None,
) -> Compiled:
    """Compile (or fetch) ``init(algorithm, key, ids)`` and ``chunk(algorithm, carry, ...)``."""
    sig = _signature(algorithm, init_params, key, ids, real, mesh, n_records, record_every, block)
    if sig is not None and sig in _CACHE:
        _CACHE.move_to_end(sig)
        init_fn, chunk_fn, init_shape = _CACHE[sig]
        return Compiled(init_fn, chunk_fn, 0.0, init_shape)
    start = time.perf_counter()
    whole = replicated(mesh)

    def init_all(algorithm, key, ids):
        return init_body(algorithm, init_params, key, ids, mesh=mesh, block=block)

    init_shape = jax.eval_shape(init_all, algorithm, key, ids)
    carry_sharding = population_shardings(init_shape, mesh)
    init_fn = jax.jit(init_all, out_shardings=carry_sharding).lower(algorithm, key, ids).compile()
    carry_shape, keys_shape = jax.tree_util.tree_map(
        lambda s, sh: jax.ShapeDtypeStruct(s.shape, s.dtype, sharding=sh),
        init_shape,
        carry_sharding,
    )
    chunk_all = functools.partial(
        chunk_body, n_records=n_records, record_every=record_every, mesh=mesh, block=block
    )
    chunk_fn = (
        jax.jit(
            chunk_all,
            out_shardings=(carry_sharding[0], history_sharding(mesh), whole, whole),
            donate_argnums=(1,),
        )
        .lower(algorithm, carry_shape, keys_shape, real, total, attempts)
        .compile()
    )
    if sig is not None:
        _CACHE[sig] = (init_fn, chunk_fn, init_shape)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return Compiled(init_fn, chunk_fn, time.perf_counter() - start, init_shape)


def clear_cache() -> None:
    """Forget every compiled program (tests use it to count compilations)."""
    _CACHE.clear()

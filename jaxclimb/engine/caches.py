"""Cached activations of incremental evaluation: their bytes per climber, from shapes
alone, the refusal of a population whose caches do not fit a device, and the longer
chunks of a run that keeps them."""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
from jax.sharding import Mesh

from ..evaluation.incremental import cost_ratio

CACHE_BUDGET = 8 * 2**30
"""Bytes per device the climbers' caches of activations may hold for the whole run
(incremental evaluation, :mod:`jaxclimb.evaluation.incremental`): a larger population is
refused before anything compiles."""


def check_caches(population: int, mesh: Mesh, cache_bytes: int) -> None:
    """A ValueError, before anything compiles, when ``population`` climbers' caches of
    ``cache_bytes`` each exceed :data:`CACHE_BUDGET` on a device."""
    local = -(-population // mesh.size)
    if cache_bytes and local * cache_bytes > CACHE_BUDGET:
        raise ValueError(
            f"population={population}: {local} climbers per device each keep "
            f"{cache_bytes / 2**20:,.1f} MiB of cached activations (incremental evaluation), "
            f"{local * cache_bytes / 2**30:,.1f} GiB in all, over the {CACHE_BUDGET / 2**30:g} "
            "GiB a device may hold; lower the population or pass evaluation='xla' to "
            "make_score_fn (a full forward pass per move, no cache)"
        )


def state_cache_bytes(algorithm: Any, init_params: Any) -> int:
    """Bytes of the cached activations (a state's ``cache``) one climber of ``algorithm``
    keeps, from shapes alone (nothing is computed or compiled); 0 without a cache."""
    key = jax.random.key(0)
    try:
        state = jax.eval_shape(lambda k: algorithm.init(k, init_params(k)), key)
    except Exception:  # the run reports a bad start itself, with its own message
        return 0
    leaves = jax.tree_util.tree_leaves(getattr(state, "cache", None))
    return sum(leaf.size * leaf.dtype.itemsize for leaf in leaves)


RESCORING_SHARE = 0.05
"""A run whose steps are incremental evaluations re-scores every climber's best with a
full forward pass at each chunk end (``engine/keyed.py``); its chunks are long enough
that this costs at most about this share of the chunk's work."""
LONGEST_CHUNK = 5000
"""... and at most this many steps (the host reports progress between chunks)."""


def chunk_steps_with_cache(config: Any, state: Any, score_fn: Any) -> Any:
    """``config`` (a RunConfig that took the default chunk length, about 100 steps) with
    longer chunks for a climber keeping cached activations: a full forward pass costs
    about :func:`~jaxclimb.evaluation.incremental.cost_ratio` of its steps, so a chunk of
    ``cost_ratio / RESCORING_SHARE`` steps spends at most about :data:`RESCORING_SHARE` of
    its time re-scoring (784-64-10: up to 1,031 steps instead of 100, measured 1.2x the
    steps per second; at most :data:`LONGEST_CHUNK`). The chunk is the longest multiple
    of the default one up to that length that divides ``steps`` (16,000 steps: chunks of
    1,000), so that a finished run can be resumed for more steps as with the default
    chunks. A climber's trajectory does not depend on the chunk length."""
    cached = jax.tree_util.tree_leaves(getattr(state, "cache", None))
    layer_sizes = getattr(getattr(score_fn, "forward", None), "layer_sizes", None)
    if not cached or layer_sizes is None:
        return config
    target = min(cost_ratio(layer_sizes) / RESCORING_SHARE, LONGEST_CHUNK, config.steps)
    base = config.chunk_steps  # the default: a multiple of record_every
    lengths = [base * m for m in range(1, int(target) // base + 1)]
    fitting = [n for n in lengths if config.steps % n == 0]
    return dataclasses.replace(config, chunk_steps=max(fitting, default=base))

"""Cached activations of incremental evaluation: their bytes per climber, from shapes
alone, and the refusal of a population whose caches do not fit a device."""

from __future__ import annotations

from typing import Any

import jax
from jax.sharding import Mesh

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

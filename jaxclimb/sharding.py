"""Placing a population on devices with ``jax.sharding``.

The population axis of every per-climber array is sharded over a one-dimensional
:class:`~jax.sharding.Mesh` named ``"population"``; data and hyperparameters are replicated.
A population that does not divide by the device count is padded; the runner drops the padding.

Example:
    >>> mesh = population_mesh()
    >>> padded_population(10, mesh) % mesh.size
    0
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

POPULATION_AXIS = "population"


def device_list(devices: Sequence[jax.Device] | None) -> list[jax.Device]:
    """``devices`` as a non-empty list of :class:`jax.Device` (default: every device of the
    default backend), or a clear error naming the argument."""
    if devices is None:
        return list(jax.devices())
    if isinstance(devices, str | bytes) or not hasattr(devices, "__iter__"):
        raise TypeError(
            f"devices must be a list of jax devices (e.g. jax.devices()[:2]); got {devices!r}"
        )
    devices = list(devices)
    if not devices:
        raise ValueError("devices must name at least one device")
    wrong = [d for d in devices if not isinstance(d, jax.Device)]
    if wrong:
        raise TypeError(f"devices must hold jax devices (from jax.devices()); got {wrong[0]!r}")
    return devices


def population_mesh(devices: Sequence[jax.Device] | None = None) -> Mesh:
    """A 1-D mesh over ``devices`` (default: every device of the default backend)."""
    return Mesh(np.array(device_list(devices)), (POPULATION_AXIS,))


def padded_population(population: int, mesh: Mesh) -> int:
    """``population`` rounded up to a multiple of the mesh size."""
    return -(-population // mesh.size) * mesh.size


def plan_blocks(
    population: int, mesh: Mesh, *, bytes_per_climber: int | None, budget: int,
    block_size: int | None = None, cache_block: int | None = None,
) -> tuple[int, int | None]:  # fmt: skip
    """``(padded population, block)``: climbers per device are walked in blocks when one
    step's temporaries for all of them would exceed ``budget`` bytes per device, or in
    blocks of at most ``cache_block`` climbers (so that their activations stay in cache).

    ``block_size`` forces a block; without it, without an estimate of the bytes one
    climber's evaluation needs and without ``cache_block``, there is no blocking.

    Example:
        >>> mesh = population_mesh(jax.devices()[:1])
        >>> plan_blocks(100, mesh, bytes_per_climber=None, budget=1, cache_block=23)
        (100, 20)
    """
    local = -(-population // mesh.size)
    if block_size is None:
        n_blocks = 1
        if bytes_per_climber and local * bytes_per_climber > budget:
            n_blocks = -(-local * bytes_per_climber // budget)
        if cache_block:
            n_blocks = max(n_blocks, -(-local // cache_block))
        if n_blocks == 1:
            return padded_population(population, mesh), None
    else:
        if block_size >= local:
            return padded_population(population, mesh), None
        n_blocks = -(-local // block_size)
    block = -(-local // n_blocks)
    return mesh.size * n_blocks * block, block


def climber_sharding(mesh: Mesh) -> NamedSharding:
    """Sharding of arrays whose leading axis is the population."""
    return NamedSharding(mesh, PartitionSpec(POPULATION_AXIS))


def replicated(mesh: Mesh) -> NamedSharding:
    """Sharding of arrays every device holds whole (data, scalars)."""
    return NamedSharding(mesh, PartitionSpec())


def history_sharding(mesh: Mesh) -> NamedSharding:
    """Sharding of ``(records, population)`` history blocks."""
    return NamedSharding(mesh, PartitionSpec(None, POPULATION_AXIS))


def population_shardings(tree: Any, mesh: Mesh) -> Any:
    """Per-leaf shardings: the leading axis of arrays split over devices, scalars replicated."""
    by_climber, whole = climber_sharding(mesh), replicated(mesh)
    return jax.tree_util.tree_map(lambda x: by_climber if len(x.shape) >= 1 else whole, tree)


def use_cpu_cores(n: int | None = None) -> int:
    """Expose ``n`` host CPU devices (default: every core) so a population spreads over cores.

    One XLA CPU device keeps about one core busy; several host devices, with the population
    sharded over them, use the whole machine. Must be called before JAX starts its backend
    (before any array is created). Does nothing if the user already chose a device count
    through ``XLA_FLAGS`` or ``JAX_NUM_CPU_DEVICES``, or if the backend is already running.

    Returns:
        The number of CPU devices requested (0 if nothing was changed).
    """
    if "xla_force_host_platform_device_count" in os.environ.get("XLA_FLAGS", ""):
        return 0
    if os.environ.get("JAX_NUM_CPU_DEVICES"):
        return 0
    if n is None:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    n = max(1, int(n or 1))
    try:
        jax.config.update("jax_num_cpu_devices", n)
    except RuntimeError:  # backend already initialised
        return 0
    return n


def place(tree: Any, sharding: Any) -> Any:
    """``jax.device_put`` that also works when the mesh spans several processes.

    Every process passes the same (host or device) values; on a multi-process mesh each one
    builds its own shards of the global array. ``sharding`` is one sharding or a tree of
    them matching ``tree``.
    """
    shardings = (
        jax.tree_util.tree_map(lambda _: sharding, tree)
        if isinstance(sharding, jax.sharding.Sharding)
        else sharding
    )

    def put(x, s):
        if s.is_fully_addressable:
            return jax.device_put(x, s)
        if isinstance(x, jax.Array) and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key):
            impl = jax.random.key_impl(x)
            data = place(jax.random.key_data(x), s)
            return jax.random.wrap_key_data(data, impl=impl)
        host = np.asarray(x)
        return jax.make_array_from_callback(host.shape, s, lambda index: host[index])

    return jax.tree_util.tree_map(put, tree, shardings)


def to_host(tree: Any) -> Any:
    """NumPy copies of ``tree``'s arrays, gathered from every process when the mesh spans
    several (each process then holds the whole result)."""

    def get(x):
        if isinstance(x, jax.Array) and not x.is_fully_addressable and not x.is_fully_replicated:
            from jax.experimental import multihost_utils

            return np.asarray(multihost_utils.process_allgather(x, tiled=True))
        return np.asarray(jax.device_get(x))

    return jax.tree_util.tree_map(get, tree)

"""Where climbers sit: the one module that decides it.

The population axis of every per-climber array is sharded over a one-dimensional
:class:`~jax.sharding.Mesh` named ``"population"``; data and hyperparameters are
replicated. :func:`plan_layout` decides, from the devices, the population and the
objective's memory estimate:

* which devices (never more than one per climber in a single process),
* the padded population (a multiple of the device count; the padding never shows),
* the memory block: climbers per device evaluated at once, so one step's temporaries stay
  within a budget (a million climbers in about 2 GiB),
* the cache blocks: on a CPU, climbers are evaluated in blocks whose activations fit the
  cache private to one core (read from the machine, :func:`core_cache_bytes`), and for
  networks that materialise their activations (matrix products) so are the candidates
  inside one climber (a GA's children); see benchmarks/README.md.

:func:`population_map` maps one climber's function over the population in that layout.

Example:
    >>> layout = plan_layout(10, None, None)
    >>> layout.padded % layout.mesh.size, layout.block
    (0, None)
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

import jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ..evaluation.objectives import ScoreFn, reporting
from ..evaluation.paths import activation_rows
from ..networks import MLP
from .caches import check_caches
from .devices import core_cache_bytes, device_list

POPULATION_AXIS = "population"
MEMORY_BUDGET = 2 * 2**30
"""Default bytes one step may use per device for evaluation temporaries."""
RACING_BLOCKS = 8
"""Blocks per device at least, in a racing run (blocks of raced-out climbers are skipped)."""


@dataclasses.dataclass(frozen=True)
class Layout:
    """A run's placement: its mesh, padded population, memory block and cache batch."""

    mesh: Mesh
    population: int
    padded: int
    block: int | None  # climbers per device evaluated at once (None: all of them)
    candidate_batch: int | None  # candidates inside one climber evaluated at once
    full_block: int | None = None  # as block, for full evaluations where steps are incremental

    def for_full_evaluations(self) -> Layout:
        """The layout of full evaluations (a climber's first, a chunk end's re-scoring): an
        incremental step reads a cache, a full evaluation a forward pass per climber."""
        return self if self.full_block is None else dataclasses.replace(self, block=self.full_block)

    @property
    def platform(self) -> str:
        """The platform of the mesh's devices (``"cpu"``, ``"gpu"``, ...)."""
        return self.mesh.devices.flat[0].platform


def population_mesh(devices: Sequence[jax.Device] | None = None) -> Mesh:
    """A 1-D mesh over ``devices`` (default: every device of the default backend)."""
    import numpy as np

    return Mesh(np.array(device_list(devices)), (POPULATION_AXIS,))


def plan_layout(
    population: int,
    devices: Sequence[jax.Device] | None,
    score_fn: Any,
    *,
    block_size: int | None = None,
    memory_budget: int | None = None,
    racing: bool = False,
    cache_bytes: int = 0,
) -> Layout:
    """Decide where ``population`` climbers of ``score_fn`` sit on ``devices``.

    A racing run is walked in at least :data:`RACING_BLOCKS` blocks per device, so that
    the blocks whose climbers have all been raced out are skipped, not computed.
    ``cache_bytes``: what one climber's state keeps of cached activations (incremental
    evaluation): counted in each evaluation's temporaries (a candidate's copy), and the
    population refused when the caches exceed
    :data:`~jaxclimb.engine.caches.CACHE_BUDGET` per device.
    """
    devices = device_list(devices)
    if jax.process_count() == 1 and 0 < population < len(devices):
        devices = devices[:population]  # a padded twin would cost as much as a real climber
    mesh = population_mesh(devices)
    platforms = {d.platform for d in devices}
    platform = platforms.pop() if len(platforms) == 1 else None
    check_caches(population, mesh, cache_bytes)
    per_climber = getattr(reporting(score_fn), "evaluation_bytes", None)
    full = per_climber and per_climber + cache_bytes  # a full evaluation's temporaries
    padded, block = plan_blocks(
        population,
        mesh,
        bytes_per_climber=cache_bytes or full,  # an incremental step's: about a cache
        budget=memory_budget or MEMORY_BUDGET,
        block_size=block_size,
        # incremental evaluation reads the data once for all climbers: no cache blocks
        cache_block=None if cache_bytes else climber_block(score_fn, platform),
    )
    local = -(-population // mesh.size)
    if racing and block_size is None and (block or local) > -(-local // RACING_BLOCKS):
        padded, block = plan_blocks(population, mesh, bytes_per_climber=None, budget=1,
                                    block_size=-(-local // RACING_BLOCKS))  # fmt: skip
    full_block = dividing_block(padded // mesh.size, full, memory_budget or MEMORY_BUDGET)
    return Layout(mesh, population, padded, block, cache_batch(score_fn, platform),
                  full_block if cache_bytes else None)  # fmt: skip


def dividing_block(local: int, bytes_per_climber: int | None, budget: int) -> int | None:
    """The largest block of ``local`` climbers (a divisor) whose temporaries fit ``budget``
    (None: all of them at once)."""
    if not bytes_per_climber or local * bytes_per_climber <= budget:
        return None
    n_blocks = -(-local * bytes_per_climber // budget)
    while local % n_blocks:
        n_blocks += 1
    return local // n_blocks


def cache_batch(score_fn: Any, platform: str) -> int | None:
    """Candidates of one climber (a GA's children) evaluated at once: as many as
    :func:`climber_block`, for networks that materialise their activations (matrix
    products); None where batching does not pay (not a CPU, a fused network, an unknown
    objective).

    Example:
        >>> import numpy as np
        >>> from jaxclimb import MLP, make_score_fn
        >>> score = make_score_fn(MLP((20, 32, 1)), np.zeros((1000, 20)), np.zeros(1000, int))
        >>> cache_batch(score, "cpu") >= 1, cache_batch(score, "gpu")
        (True, None)
    """
    if reporting(score_fn) is None or score_fn.fused:
        return None
    return climber_block(score_fn, platform)


def climber_block(score_fn: Any, platform: str) -> int | None:
    """Climbers per block on a CPU: as many as keep the activations they materialise
    within the cache private to one core (:func:`~jaxclimb.engine.devices.core_cache_bytes`),
    so a large population streams no activations through main memory; None where it does
    not apply (not a CPU, an objective that is not a :class:`ScoreFn`). A network of
    matrix products materialises its widest layer, a fused one only its outputs.

    Example:
        >>> import numpy as np
        >>> from jaxclimb import MLP, make_score_fn
        >>> score = make_score_fn(MLP((5, 10, 1)), np.zeros((100, 5)), np.zeros(100, int))
        >>> climber_block(score, "cpu") >= 1, climber_block(score, "gpu")
        (True, None)
    """
    if platform != "cpu" or reporting(score_fn) is None:
        return None
    rows = activation_rows(score_fn, platform)
    return max(1, core_cache_bytes() // activation_bytes(score_fn, rows=rows))


def activation_bytes(score_fn: ScoreFn, *, rows: int | None = None) -> int:
    """Bytes of the activations one evaluation of ``score_fn`` materialises: a network of
    matrix products its widest layer for every row scored at once (``rows``, by default a
    minibatch's rows or all rows; a fused network only its outputs); a user's function
    the objective's own estimate."""
    net = score_fn.forward
    if not isinstance(net, MLP):
        return score_fn.evaluation_bytes
    if rows is None:
        rows = min(score_fn.X.shape[0], score_fn.batch_size or score_fn.X.shape[0])
    width = net.layer_sizes[-1] if score_fn.fused else max(net.layer_sizes)
    return rows * width * 4


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


def population_map(fn: Callable, layout: Layout | None = None, *, idle: Callable | None = None
                   ) -> Callable:  # fmt: skip
    """``fn(shared, *per_climber)`` mapped over the population axis of ``per_climber``.

    Without a memory block this is ``vmap``, and a population of one climber is not
    batched at all (:func:`unbatched`). With a memory block, each device walks its own climbers
    block by block (``shard_map`` + ``lax.map``), so one step never holds the temporaries
    of more than ``block`` climbers per device. With ``idle``, the last per-climber
    argument is an "active" mask, and a block without an active climber is not computed:
    ``idle(shared, *per_climber)`` (of the block) stands in for its outputs.
    """

    def vmapped(shared, *args):  # shared is closed over: the same for every climber
        return jax.vmap(lambda *a: fn(shared, *a))(*args)

    if layout is not None and layout.block is None and layout.padded == 1:
        return functools.partial(unbatched, fn)
    if layout is None or layout.block is None:
        return vmapped
    block = layout.block

    def one_block(shared, args):
        if idle is None:
            return vmapped(shared, *args)
        return jax.lax.cond(
            args[-1].any(), lambda: vmapped(shared, *args), lambda: idle(shared, *args)
        )

    def local(shared, *args):
        n = jax.tree_util.tree_leaves(args)[0].shape[0]
        split = lambda x: x.reshape(n // block, block, *x.shape[1:])  # noqa: E731
        out = jax.lax.map(lambda a: one_block(shared, a), jax.tree_util.tree_map(split, args))
        return jax.tree_util.tree_map(lambda x: x.reshape(n, *x.shape[2:]), out)

    def mapped(shared, *args):
        spec = PartitionSpec(POPULATION_AXIS)
        in_specs = (PartitionSpec(),) + (spec,) * len(args)
        # check_vma off: every output is split by climber, so there is nothing to check, and
        # the check would reject the user's own lax.scan / while_loop whose initial carry
        # does not depend on the weights (replicated in, varying out), and an idle block's
        # stand-in outputs (not typed as varying)
        return jax.shard_map(local, mesh=layout.mesh, in_specs=in_specs, out_specs=spec,
                             check_vma=False)(shared, *args)  # fmt: skip

    return mapped


def unbatched(fn: Callable, shared: Any, *args: Any) -> Any:
    """``fn(shared, *per_climber)`` of a population of one climber, without ``vmap``: the
    climber's arrays lose their population axis and its outputs get it back. A vmap over
    one climber is not free: it batches every loop and scan inside the objective (an
    episode's rollout ran 2.3x slower vmapped over one run, benchmarks/engine_tax.py)."""
    out = fn(shared, *jax.tree_util.tree_map(lambda x: x[0], args))
    return jax.tree_util.tree_map(lambda x: jax.numpy.expand_dims(x, 0), out)

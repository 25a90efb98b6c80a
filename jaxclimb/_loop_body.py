"""The compiled part of a run: one climber population's init and a chunk of steps.

``init_body`` draws and scores every climber's starting point; ``chunk_body`` runs
``n_records * record_every`` steps in nested ``lax.scan`` loops, masks climbers that have
stopped, keeps per-climber counters and records each climber's best score every
``record_every`` steps. Both are pure functions of their arguments; ``_compile`` compiles
them once per configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.sharding import PartitionSpec

from .algorithms.base import Algorithm, is_improvement, tree_select
from .sharding import POPULATION_AXIS


class RunStats(NamedTuple):
    """Per-climber counters kept by the runner (leading population axis)."""

    stale: jax.Array  # steps since the best score last strictly improved
    n_accepted: jax.Array
    n_evaluations: jax.Array
    n_nonfinite: jax.Array
    n_steps: jax.Array


class Carry(NamedTuple):
    """Everything the compiled loop carries from one chunk to the next."""

    state: Any
    stats: RunStats
    t: jax.Array  # global step counter (scalar)


def population_map(fn: Callable, *, mesh=None, block: int | None = None) -> Callable:
    """``fn(shared, *per_climber)`` mapped over the population axis of ``per_climber``.

    Without ``block`` this is ``vmap``. With it, each device walks its own climbers block
    by block (``shard_map`` + ``lax.map``), so one step never holds the temporaries of more
    than ``block`` climbers per device: memory stays bounded for a million climbers.
    """

    def vmapped(shared, *args):  # shared is closed over: the same for every climber
        return jax.vmap(lambda *a: fn(shared, *a))(*args)

    if block is None:
        return vmapped

    def local(shared, *args):
        n = jax.tree_util.tree_leaves(args)[0].shape[0]
        split = lambda x: x.reshape(n // block, block, *x.shape[1:])  # noqa: E731
        out = jax.lax.map(lambda a: vmapped(shared, *a), jax.tree_util.tree_map(split, args))
        return jax.tree_util.tree_map(lambda x: x.reshape(n, *x.shape[2:]), out)

    def mapped(shared, *args):
        spec = PartitionSpec(POPULATION_AXIS)
        return jax.shard_map(local, mesh=mesh, in_specs=(PartitionSpec(),) + (spec,) * len(args),
                             out_specs=spec)(shared, *args)  # fmt: skip

    return mapped


def init_body(
    algorithm: Algorithm, init_params: Callable, key: jax.Array, ids: jax.Array, *,
    mesh=None, block: int | None = None,
):  # fmt: skip
    def one(shared, i):
        algorithm, key = shared
        k_params, k_init, k_loop = jax.random.split(jax.random.fold_in(key, i), 3)
        return algorithm.init(k_init, init_params(k_params)), k_loop

    state, loop_keys = population_map(one, mesh=mesh, block=block)((algorithm, key), ids)
    n = ids.shape[0]
    stats = RunStats(
        stale=jnp.zeros(n, jnp.int32),
        n_accepted=jnp.zeros(n, jnp.int32),
        n_evaluations=jnp.full(n, getattr(state, "initial_evaluations", 1), jnp.int32),
        n_nonfinite=(~jnp.isfinite(state.score)).astype(jnp.int32),
        n_steps=jnp.zeros(n, jnp.int32),
    )
    return Carry(state, stats, jnp.zeros((), jnp.int32)), loop_keys


def finished(state) -> jax.Array:
    """Climbers whose algorithm says they are done (e.g. restarts used up)."""
    return getattr(state, "finished", jnp.zeros(state.best_score.shape, bool))


def chunk_body(
    algorithm: Algorithm,
    carry: Carry,
    loop_keys: jax.Array,
    real: jax.Array,
    total_steps: jax.Array,
    max_attempts: jax.Array,
    *,
    n_records: int,
    record_every: int,
    mesh=None,
    block: int | None = None,
):
    def one(shared, loop_key, state):
        algorithm, t = shared
        return algorithm.step(jax.random.fold_in(loop_key, t), state)

    step_all = population_map(one, mesh=mesh, block=block)

    def advance(c: Carry) -> Carry:
        new_state, info = step_all((algorithm, c.t), loop_keys, c.state)
        active = (c.t < total_steps) & (c.stats.stale < max_attempts) & ~finished(c.state)
        improved = is_improvement(new_state.best_score, c.state.best_score, strict=True)
        s = c.stats
        stats = RunStats(
            stale=jnp.where(active, jnp.where(improved, 0, s.stale + 1), s.stale),
            n_accepted=s.n_accepted + (active & info.accepted),
            n_evaluations=s.n_evaluations + jnp.where(active, info.n_evaluations, 0),
            n_nonfinite=s.n_nonfinite + jnp.where(active, info.n_nonfinite, 0),
            n_steps=s.n_steps + active,
        )
        return Carry(tree_select(active, new_state, c.state), stats, c.t + 1)

    def one_step(c: Carry, _):
        # Steps past the end (the tail of the last chunk) change nothing: skip their
        # evaluations instead of computing and discarding them. The test is on the
        # replicated step counter only; asking whether any climber is still active would
        # be a cross-device reduction every step (it cost ~11% at P=64 on 2 devices).
        return jax.lax.cond(c.t < total_steps, advance, lambda c: c._replace(t=c.t + 1), c), None

    def one_record(c: Carry, _):
        c, _ = jax.lax.scan(one_step, c, None, length=record_every)
        return c, c.state.best_score

    carry, history = jax.lax.scan(one_record, carry, None, length=n_records)
    usable = real & jnp.isfinite(history)
    record_best = jnp.max(jnp.where(usable, history, -jnp.inf), axis=1)
    stopped = (carry.stats.stale >= max_attempts) | finished(carry.state)
    done = (carry.t >= total_steps) | jnp.all(~real | stopped)
    return carry, history, record_best, done

"""The compiled programs of a run: ``init`` (draw and score every climber's starting point)
and ``chunk`` (a run of steps in nested ``lax.scan`` loops), compiled ahead of time and
cached by configuration.

Both take the algorithm's arrays (the data, step sizes, temperatures) as arguments, so a
second run of the same configuration on data of the same shape (a refit, a grid search,
cross-validation, a new seed) reuses the compiled programs instead of compiling again.

Climber ``i`` draws everything from ``fold_in(key, i)``: its starting weights, and at step
``t`` the key ``fold_in(loop_key_i, t)``; its trajectory does not depend on the population
size, the chunking, the memory blocks or the device it lands on.
"""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from ..algorithms.acceptance import is_improvement, tree_select
from ..algorithms.base import Algorithm
from ..evaluation.batching import candidate_batch
from ..prng import fold_in, split
from . import diskcache
from .devices import widest_vector_bits
from .keyed import rescore_best
from .layout import Layout, history_sharding, population_map, population_shardings, replicated
from .racing import round_ends, survivors

_CACHE: collections.OrderedDict = collections.OrderedDict()
_CACHE_SIZE = 32
_LOCK = threading.RLock()  # the cache above, and one compilation at a time
_TRACES = collections.Counter()


class RunStats(NamedTuple):
    """Per-climber counters kept by the engine (leading population axis)."""

    stale: jax.Array  # steps since the best score last strictly improved
    n_accepted: jax.Array
    n_evaluations: jax.Array
    n_nonfinite: jax.Array
    n_steps: jax.Array
    raced_out: jax.Array  # stopped by racing (successive halving)


class Carry(NamedTuple):
    """Everything the compiled loop carries from one chunk to the next."""

    state: Any
    stats: RunStats
    t: jax.Array  # global step counter (scalar)


class Programs(NamedTuple):
    """The compiled programs of one configuration."""

    init: Any
    chunk: Any
    seconds: float  # time spent compiling now (0 when taken from the cache)
    init_shape: Any  # shapes of (carry, loop_keys)


def init_body(algorithm: Algorithm, init_params: Callable, key, ids, *, layout: Layout):
    """Every climber's starting state and loop key; counters at zero."""
    _TRACES["init"] += 1

    def one(shared, i):
        algorithm, key = shared
        k_params, k_init, k_loop = split(fold_in(key, i), 3)
        return algorithm.init(k_init, init_params(k_params)), k_loop

    state, loop_keys = population_map(one, layout.for_full_evaluations())((algorithm, key), ids)
    n = ids.shape[0]
    zeros = jnp.zeros(n, jnp.int32)
    stats = RunStats(
        stale=zeros,
        n_accepted=zeros,
        n_evaluations=jnp.full(n, algorithm.traits.initial_evaluations, jnp.int32),
        n_nonfinite=(~jnp.isfinite(state.score)).astype(jnp.int32),
        n_steps=zeros,
        raced_out=jnp.zeros(n, bool),
    )
    return Carry(state, stats, jnp.zeros((), jnp.int32)), loop_keys


def terminated(algorithm: Algorithm, state: Any) -> jax.Array:
    """Climbers whose algorithm declares them done (``terminate``; e.g. restarts used up)."""
    if algorithm.terminate is None:
        return jnp.zeros(state.best_score.shape, bool)
    return jax.vmap(algorithm.terminate)(state)


def stopped(algorithm: Algorithm, carry: Carry, max_attempts) -> jax.Array:
    """Climbers that have stopped: no gain for ``max_attempts`` steps, done by their
    algorithm's ``terminate``, or raced out."""
    s = carry.stats
    return (s.stale >= max_attempts) | terminated(algorithm, carry.state) | s.raced_out


def _advance(algorithm: Algorithm, loop_keys, real, total_steps, max_attempts, racing, layout):
    """One step of every climber that is still active; counters updated; a racing round's
    losers stopped when the round ends."""

    masks = algorithm.traits.masks_inactive

    def one(shared, loop_key, state, active):
        algorithm, t = shared  # (whole blocks of inactive climbers are skipped: idle)
        if masks:  # the step leaves an inactive climber as it was
            return algorithm.step(fold_in(loop_key, t), state, active=active)
        return algorithm.step(fold_in(loop_key, t), state)

    def idle(shared, loop_keys, states, active):  # what a skipped block returns
        shapes = jax.eval_shape(jax.vmap(lambda *a: one(shared, *a)), loop_keys, states, active)
        return states, jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), shapes[1])

    step_all = population_map(one, layout, idle=idle)

    def advance(c: Carry) -> Carry:
        active = (c.t < total_steps) & ~stopped(algorithm, c, max_attempts)
        new_state, info = step_all((algorithm, c.t), loop_keys, c.state, active & real)
        improved = is_improvement(new_state.best_score, c.state.best_score, strict=True)
        s = c.stats
        stats = RunStats(
            stale=jnp.where(active, jnp.where(improved, 0, s.stale + 1), s.stale),
            n_accepted=s.n_accepted + (active & info.accepted),
            n_evaluations=s.n_evaluations + jnp.where(active, info.n_evaluations, 0),
            n_nonfinite=s.n_nonfinite + jnp.where(active, info.n_nonfinite, 0),
            n_steps=s.n_steps + active,
            raced_out=s.raced_out,
        )
        state = new_state if masks else tree_select(active, new_state, c.state)
        c = Carry(state, stats, c.t + 1)
        return jax.lax.cond(round_ends(c.t, racing), race, lambda c: c, c)

    def race(c: Carry) -> Carry:
        running = real & ~stopped(algorithm, c, max_attempts)
        out = c.stats.raced_out | (running & ~survivors(running, c.state.best_score))
        return c._replace(stats=c.stats._replace(raced_out=out))

    return advance


def chunk_body(
    algorithm: Algorithm, carry: Carry, loop_keys, real, total_steps, max_attempts, racing, *,
    n_records: int, record_every: int, layout: Layout,
):  # fmt: skip
    """``n_records * record_every`` steps; returns the carry, the ``(n_records, P)``
    history of best scores, each record's best score and whether the run is done."""
    _TRACES["chunk"] += 1
    advance = _advance(algorithm, loop_keys, real, total_steps, max_attempts, racing, layout)

    def one_step(c: Carry, _):
        # Steps past the end (the tail of the last chunk) change nothing: skip their
        # evaluations. The test is on the replicated step counter only; asking whether any
        # climber is still active would be a cross-device reduction every step.
        return jax.lax.cond(c.t < total_steps, advance, lambda c: c._replace(t=c.t + 1), c), None

    def one_record(c: Carry, _):
        c, _ = jax.lax.scan(one_step, c, None, length=record_every)
        return c, c.state.best_score

    carry, history = jax.lax.scan(one_record, carry, None, length=n_records)
    by_climber = lambda fn: population_map(fn, layout.for_full_evaluations())  # noqa: E731
    carry = carry._replace(state=rescore_best(algorithm, carry.state, by_climber))
    usable = real & jnp.isfinite(history)
    record_best = jnp.max(jnp.where(usable, history, -jnp.inf), axis=1)
    done = (carry.t >= total_steps) | jnp.all(~real | stopped(algorithm, carry, max_attempts))
    return carry, history, record_best, done


def compile_programs(
    algorithm: Algorithm, init_params: Callable, *, key, ids, real, total, attempts, racing,
    layout: Layout, n_records: int, record_every: int,
) -> Programs:  # fmt: skip
    """Compile (or fetch from the cache) ``init(algorithm, key, ids)`` and
    ``chunk(algorithm, carry, loop_keys, real, total, attempts, racing)``. Runs in threads
    (scikit-learn's threading backend) share the cache; one compiles at a time."""
    with _LOCK:
        return _programs(
            algorithm,
            init_params,
            key=key,
            ids=ids,
            limits=(real, total, attempts, racing),
            layout=layout,
            n_records=n_records,
            record_every=record_every,
        )


def _programs(algorithm, init_params, *, key, ids, limits, layout, n_records, record_every):
    leaves, treedef = jax.tree_util.tree_flatten(algorithm)
    shapes = tuple((leaf.shape, str(leaf.dtype)) for leaf in leaves)
    sig = (treedef, shapes, init_params, str(key.dtype), layout, n_records, record_every)
    if sig in _CACHE:
        _CACHE.move_to_end(sig)
        return _CACHE[sig]._replace(seconds=0.0)
    start = time.perf_counter()
    devices = list(layout.mesh.devices.flat)
    stable = (str(treedef), shapes, repr(init_params), str(key.dtype), repr(layout), n_records,
              record_every, [(d.platform, d.device_kind, d.id) for d in devices],
              jax.config.jax_enable_x64, compiler_options(layout.platform))  # fmt: skip
    found = diskcache.load(stable, devices)  # a second process: nothing to trace or compile
    if found is not None:
        programs = Programs(found[0], found[1], 0.0, found[2])
    else:
        hits = diskcache.jax_cache_hits()
        with candidate_batch(layout.candidate_batch):  # read by evaluate_many while tracing
            programs = _compile(algorithm, init_params, key, ids, limits, layout, n_records,
                                record_every)  # fmt: skip
        if diskcache.jax_cache_hits() == hits:  # compiled here, not read back from JAX's cache
            diskcache.store(stable, programs.init, programs.chunk, programs.init_shape)
    programs = programs._replace(seconds=time.perf_counter() - start)
    _CACHE[sig] = programs
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return programs


def _compile(algorithm, init_params, key, ids, limits, layout, n_records,
             record_every) -> Programs:  # fmt: skip
    """``limits``: ``(real, total, attempts, racing)``, the chunk's other arguments."""

    def init_all(algorithm, key, ids):
        return init_body(algorithm, init_params, key, ids, layout=layout)

    init_shape = jax.eval_shape(init_all, algorithm, key, ids)
    carry_sharding = population_shardings(init_shape, layout.mesh)
    init_lowered = jax.jit(init_all, out_shardings=carry_sharding).lower(algorithm, key, ids)
    carry_shape, keys_shape = jax.tree_util.tree_map(
        lambda s, sh: jax.ShapeDtypeStruct(s.shape, s.dtype, sharding=sh),
        init_shape,
        carry_sharding,
    )
    chunk_all = functools.partial(
        chunk_body, n_records=n_records, record_every=record_every, layout=layout
    )
    whole = replicated(layout.mesh)
    out_shardings = (carry_sharding[0], history_sharding(layout.mesh), whole, whole)
    chunk_lowered = jax.jit(chunk_all, out_shardings=out_shardings, donate_argnums=(1,)).lower(
        algorithm, carry_shape, keys_shape, *limits
    )
    options = compiler_options(layout.platform)
    # The two programs are independent: XLA compiles them at once, on two cores.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        init_fn = pool.submit(_compile_lowered, init_lowered, options)
        chunk_fn = _compile_lowered(chunk_lowered, options)
        return Programs(init_fn.result(), chunk_fn, 0.0, init_shape)


def compiler_options(platform: str) -> dict:
    """XLA options for the compiled search on ``platform``. On a CPU: the widest vectors
    the CPU has (XLA's default is 256 bits; the forward pass loops over rows). XLA's
    classic loop emitters would compile the default search in 26% less time, but with them
    a climber's float loss (log-loss) could round differently with the population size
    (tests/test_properties.py), so XLA's own fusion emitters stay (benchmarks/README.md,
    "Compile time")."""
    if platform != "cpu":
        return {}
    return {"xla_cpu_prefer_vector_width": widest_vector_bits(), **CPU_EMITTERS}


CPU_EMITTERS: dict = {}
"""Emitter options added on a CPU (none: XLA's default; ``benchmarks/compile_time.py``
sets them to compare)."""


def _compile_lowered(lowered, options: dict):
    """``lowered.compile`` with ``options``, or without them where this XLA lacks one."""
    if options:
        try:
            return lowered.compile(compiler_options=options)
        except jax.errors.JaxRuntimeError as error:
            if "compile option" not in str(error):
                raise
    return lowered.compile()


def trace_counts() -> dict[str, int]:
    """How often the init and chunk bodies have been traced (tests count compilations)."""
    return dict(_TRACES)


def clear_cache() -> None:
    """Forget every compiled program."""
    _CACHE.clear()

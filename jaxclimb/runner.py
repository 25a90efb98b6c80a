"""The population runner: many independent climbers as one compiled computation.

Climber ``i`` draws everything from ``fold_in(key, i)``: its starting weights, and at step
``t`` the key ``fold_in(loop_key_i, t)``. Its trajectory therefore does not depend on the
population size, the chunking or the device it lands on. Steps run in ``lax.scan`` chunks
under one ``jit`` (compiled once per run, ahead of time, so compilation is timed apart); a
host loop between chunks drives the progress bar, the verbose log and early stopping.

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb import MLP, make_score_fn, hill_climb, run
    >>> X = np.random.default_rng(0).normal(size=(100, 3)).astype(np.float32)
    >>> y = (X.sum(axis=1) > 0).astype(int)
    >>> net = MLP((3, 1), output="step")
    >>> score = make_score_fn(net, X, y)
    >>> result = run(jax.random.key(0), hill_climb(score), net.init, population=8, steps=50,
    ...              score_fn=score, progress=False)
    >>> result.best_score.shape
    (8,)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from ._checks import check_int
from ._compile import compile_search
from ._run_checks import as_key, check_shapes
from .algorithms.base import Algorithm, as_pytree, is_improvement, tree_select
from .objectives import ScoreFn
from .results import SearchResult
from .sharding import (
    climber_sharding,
    padded_population,
    population_mesh,
    replicated,
)

_NO_LIMIT = np.iinfo(np.int32).max


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


def _init_body(algorithm: Algorithm, init_params: Callable, key: jax.Array, ids: jax.Array):
    def one(i):
        k_params, k_init, k_loop = jax.random.split(jax.random.fold_in(key, i), 3)
        return algorithm.init(k_init, init_params(k_params)), k_loop

    state, loop_keys = jax.vmap(one)(ids)
    n = ids.shape[0]
    stats = RunStats(
        stale=jnp.zeros(n, jnp.int32),
        n_accepted=jnp.zeros(n, jnp.int32),
        n_evaluations=jnp.full(n, getattr(state, "initial_evaluations", 1), jnp.int32),
        n_nonfinite=(~jnp.isfinite(state.score)).astype(jnp.int32),
        n_steps=jnp.zeros(n, jnp.int32),
    )
    return Carry(state, stats, jnp.zeros((), jnp.int32)), loop_keys


def _finished(state) -> jax.Array:
    """Climbers whose algorithm says they are done (e.g. restarts used up)."""
    return getattr(state, "finished", jnp.zeros(state.best_score.shape, bool))


def _chunk_body(
    algorithm: Algorithm,
    carry: Carry,
    loop_keys: jax.Array,
    real: jax.Array,
    total_steps: jax.Array,
    max_attempts: jax.Array,
    *,
    n_records: int,
    record_every: int,
):
    step_all = jax.vmap(algorithm.step)
    fold_all = jax.vmap(jax.random.fold_in, in_axes=(0, None))

    def one_step(c: Carry, _):
        new_state, info = step_all(fold_all(loop_keys, c.t), c.state)
        active = (c.t < total_steps) & (c.stats.stale < max_attempts) & ~_finished(c.state)
        improved = is_improvement(new_state.best_score, c.state.best_score, strict=True)
        s = c.stats
        stats = RunStats(
            stale=jnp.where(active, jnp.where(improved, 0, s.stale + 1), s.stale),
            n_accepted=s.n_accepted + (active & info.accepted),
            n_evaluations=s.n_evaluations + jnp.where(active, info.n_evaluations, 0),
            n_nonfinite=s.n_nonfinite + jnp.where(active, info.n_nonfinite, 0),
            n_steps=s.n_steps + active,
        )
        return Carry(tree_select(active, new_state, c.state), stats, c.t + 1), None

    def one_record(c: Carry, _):
        c, _ = jax.lax.scan(one_step, c, None, length=record_every)
        return c, c.state.best_score

    carry, history = jax.lax.scan(one_record, carry, None, length=n_records)
    usable = real & jnp.isfinite(history)
    record_best = jnp.max(jnp.where(usable, history, -jnp.inf), axis=1)
    stopped = (carry.stats.stale >= max_attempts) | _finished(carry.state)
    done = (carry.t >= total_steps) | jnp.all(~real | stopped)
    return carry, history, record_best, done


def run(
    key: Any,
    algorithm: Algorithm,
    init_params: Callable[[jax.Array], Any],
    *,
    population: int = 256,
    steps: int = 1000,
    record_every: int = 1,
    chunk_steps: int | None = None,
    max_attempts: int | None = None,
    score_fn: ScoreFn | None = None,
    devices: list[jax.Device] | None = None,
    progress: bool | None = None,
    verbose: bool = False,
    config: dict | None = None,
) -> SearchResult:
    """Run ``population`` independent climbers of ``algorithm`` for ``steps`` steps.

    Args:
        key: a typed key (``jax.random.key(seed)``) or an int seed.
        algorithm: an :class:`~jaxclimb.algorithms.base.Algorithm` (e.g. ``hill_climb(...)``).
        init_params: ``init_params(key) -> params``, the starting weights of one climber
            (e.g. ``MLP.init``); any PyTree of floating arrays.
        population: number of climbers (>= 1).
        steps: steps per climber (>= 1).
        record_every: keep the best score of every climber every this many steps (the
            history has ``1 + ceil(steps / record_every)`` columns, the first at step 0).
        chunk_steps: steps per compiled chunk between host updates (a multiple of
            ``record_every``; default about 100 steps).
        max_attempts: a climber stops once its best score has not strictly improved for
            this many steps (mlrose's meaning); the run ends when every climber has stopped.
        score_fn: the objective the algorithm uses, if built with ``make_score_fn``; it lets
            the result report metrics in their own units and predict.
        devices: devices to shard the population over (default: all of the default backend).
        progress: show a tqdm progress bar (``None``: only on a terminal).
        verbose: print ``>step score`` whenever the population's best score improves.
        config: extra JSON-ready settings recorded in the result.

    Returns:
        A :class:`~jaxclimb.results.SearchResult` of NumPy arrays.
    """
    key = as_key(key)
    if not isinstance(algorithm, Algorithm):
        raise TypeError(f"algorithm must be an Algorithm(init, step); got {type(algorithm)}")
    if not callable(init_params):
        raise TypeError("init_params must be a callable key -> params (e.g. MLP(...).init)")
    if score_fn is not None and not isinstance(score_fn, ScoreFn):
        raise TypeError(
            "score_fn must be the ScoreFn from make_score_fn (or None); a plain objective "
            "belongs inside the algorithm only"
        )
    population = check_int("population", population, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    record_every = check_int("record_every", record_every, minimum=1)
    if max_attempts is not None:
        max_attempts = check_int("max_attempts", max_attempts, minimum=1)
    chunk_steps = _chunk_steps(chunk_steps, steps, record_every)
    check_shapes(algorithm, init_params, key)

    mesh = population_mesh(devices)
    padded = padded_population(population, mesh)
    whole, by_climber = replicated(mesh), climber_sharding(mesh)
    algorithm = jax.device_put(as_pytree(algorithm), whole)
    key = jax.device_put(key, whole)
    ids = jax.device_put(np.arange(padded, dtype=np.int32), by_climber)
    real = jax.device_put(np.arange(padded) < population, by_climber)
    total = jax.device_put(np.int32(steps), whole)
    attempts = jax.device_put(np.int32(max_attempts or _NO_LIMIT), whole)

    compiled = compile_search(
        _init_body,
        _chunk_body,
        algorithm=algorithm,
        init_params=init_params,
        key=key,
        ids=ids,
        real=real,
        total=total,
        attempts=attempts,
        mesh=mesh,
        n_records=chunk_steps // record_every,
        record_every=record_every,
    )
    init_fn, chunk_fn, compile_seconds = compiled
    if verbose:
        tqdm.write(f"compiled in {compile_seconds:.2f} s")

    start = time.perf_counter()
    carry, loop_keys = init_fn(algorithm, key, ids)
    initial_best = jnp.copy(carry.state.best_score)  # the carry is donated to the loop
    blocks, steps_run, stopped_early, interrupted = [], 0, False, False
    bar = tqdm(
        total=steps, disable=None if progress is None else not progress, unit="step", leave=False
    )
    best_seen = -np.inf
    try:
        while steps_run < steps:
            carry, history, record_best, done = chunk_fn(
                algorithm, carry, loop_keys, real, total, attempts
            )
            blocks.append(history)
            record_best, done = jax.device_get((record_best, done))
            first = steps_run
            steps_run = min(steps, steps_run + chunk_steps)
            bar.update(steps_run - first)
            if np.isfinite(record_best.max()) and record_best.max() > best_seen:
                for j, value in enumerate(record_best):
                    if value > best_seen:
                        best_seen = value
                        if verbose:
                            shown = _as_metric(score_fn, value)
                            tqdm.write(f">{min(first + (j + 1) * record_every, steps)} {shown:.5f}")
                bar.set_postfix(best=f"{_as_metric(score_fn, best_seen):.5f}")
            if done and steps_run < steps:
                stopped_early = True
                break
    except KeyboardInterrupt:
        interrupted = True
        if any(leaf.is_deleted() for leaf in jax.tree_util.tree_leaves(carry)):
            raise  # interrupted while handing the state to the next chunk: nothing to keep
    finally:
        bar.close()
    jax.block_until_ready(carry)
    run_seconds = time.perf_counter() - start

    settings = {
        "population": population,
        "steps": steps,
        "record_every": record_every,
        "chunk_steps": chunk_steps,
        "max_attempts": max_attempts,
        "n_devices": mesh.size,
        "platform": mesh.devices.flat[0].platform,
        **(config or {}),
    }
    return SearchResult.from_run(
        carry=carry,
        initial_best=initial_best,
        history_blocks=blocks,
        population=population,
        steps=steps,
        record_every=record_every,
        stopped_early=stopped_early,
        interrupted=interrupted,
        compile_seconds=compile_seconds,
        run_seconds=run_seconds,
        score_fn=score_fn,
        config=settings,
    )


def _as_metric(score_fn: ScoreFn | None, score: float) -> float:
    return float(score_fn.to_metric(score)) if score_fn is not None else float(score)


def _chunk_steps(chunk_steps: int | None, steps: int, record_every: int) -> int:
    if chunk_steps is None:
        target = min(steps, max(100, record_every))
        return -(-target // record_every) * record_every
    chunk_steps = check_int("chunk_steps", chunk_steps, minimum=1)
    if chunk_steps % record_every:
        raise ValueError(
            f"chunk_steps ({chunk_steps}) must be a multiple of record_every ({record_every})"
        )
    return chunk_steps

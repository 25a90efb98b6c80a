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

import os
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from ._checks import check_int
from ._compile import compile_search
from ._layout import bytes_per_evaluation, cache_batch
from ._loop import Loop
from ._loop_body import chunk_body as _chunk_body
from ._loop_body import init_body as _init_body
from ._run_checks import as_key, check_shapes
from .algorithms.base import Algorithm, as_pytree
from .objectives import ScoreFn
from .results import SearchResult
from .sharding import (
    climber_sharding,
    device_list,
    place,
    plan_blocks,
    population_mesh,
    population_shardings,
    replicated,
)

_NO_LIMIT = np.iinfo(np.int32).max


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
    checkpoint: str | None = None,
    checkpoint_every: int | None = None,
    callback: Callable[[int, float], Any] | None = None,
    block_size: int | None = None,
    memory_budget: int | None = None,
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
        checkpoint: a path; the full loop state is saved there atomically every
            ``checkpoint_every`` steps (default: every 10 chunks), at the end, and when the
            run is interrupted. :func:`resume` continues it.
        checkpoint_every: steps between checkpoints (rounded up to whole chunks).
        callback: ``callback(steps_run, best_metric)`` after every chunk; raising
            ``KeyboardInterrupt`` in it stops the run as Ctrl-C does.
        block_size: evaluate at most this many climbers per device at once (the rest wait
            their turn inside the compiled step), bounding memory for huge populations.
        memory_budget: bytes one step may use per device for evaluation temporaries
            (default 2 GiB); with ``score_fn`` given, ``block_size`` is derived from it.

    Ctrl-C stops the run at the next chunk boundary and returns what it has found so far
    (``result.interrupted``), saved to ``checkpoint`` if one is given; a second Ctrl-C
    aborts at once.

    Returns:
        A :class:`~jaxclimb.results.SearchResult` of NumPy arrays.
    """
    key = as_key(key)
    _check_callables(algorithm, init_params, score_fn)
    population = check_int("population", population, minimum=1)
    steps = check_int("steps", steps, minimum=1)
    record_every = check_int("record_every", record_every, minimum=1)
    if max_attempts is not None:
        max_attempts = check_int("max_attempts", max_attempts, minimum=1)
    chunk_steps = _chunk_steps(chunk_steps, steps, record_every)
    _check_checkpointing(checkpoint, checkpoint_every, callback)
    if config is not None and not isinstance(config, dict):
        raise TypeError(f"config must be a dict of JSON-ready settings; got {type(config)}")
    check_shapes(algorithm, init_params, key)
    settings = {
        "population": population,
        "steps": steps,
        "record_every": record_every,
        "chunk_steps": chunk_steps,
        "max_attempts": max_attempts,
        "block_size": None if block_size is None else check_int("block_size", block_size,
                                                                 minimum=1),
        "memory_budget": None if memory_budget is None else check_int(
            "memory_budget", memory_budget, minimum=1),
        "user_config": dict(config or {}),  # kept apart: it must not override the above
    }  # fmt: skip
    session = _Session(algorithm, init_params, settings, devices, score_fn)
    compiled = session.compile(key)
    if verbose:
        tqdm.write(f"compiled in {compiled.seconds:.2f} s")
    start = time.perf_counter()
    carry, loop_keys = compiled.init(session.algorithm, place(key, session.whole),
                                     session.ids)  # fmt: skip
    initial_best = jnp.copy(carry.state.best_score)  # the carry is donated to the loop
    start_seconds = time.perf_counter() - start
    loop = session.loop(compiled, carry, loop_keys, initial_best, [], 0, score_fn,
                        checkpoint, checkpoint_every, callback)  # fmt: skip
    loop.seconds_before = start_seconds
    seconds = start_seconds + loop.run(progress=progress, verbose=verbose)
    return session.result(loop, compiled.seconds, seconds, score_fn)


def resume(
    path: str,
    algorithm: Algorithm,
    init_params: Callable[[jax.Array], Any],
    *,
    score_fn: ScoreFn | None = None,
    devices: list[jax.Device] | None = None,
    progress: bool | None = None,
    verbose: bool = False,
    checkpoint: str | None = None,
    checkpoint_every: int | None = None,
    callback: Callable[[int, float], Any] | None = None,
) -> SearchResult:
    """Continue a run from a checkpoint written by :func:`run` (``checkpoint=path``).

    Pass the same algorithm and ``init_params`` as the interrupted run (they are code, so
    the checkpoint cannot hold them); the result is bitwise identical to a run that was
    never interrupted. It keeps checkpointing to ``path`` unless ``checkpoint`` says
    otherwise. The device count may differ from the interrupted run's.
    """
    from .checkpoint import load_checkpoint, restore_keys

    saved = load_checkpoint(path)
    _check_callables(algorithm, init_params, score_fn)
    _check_checkpointing(checkpoint, checkpoint_every, callback)
    meta, settings = saved["meta"], dict(saved["meta"]["settings"])
    steps_run = settings.pop("steps_run")
    spent = settings.pop("run_seconds_so_far", 0.0)
    session = _Session(algorithm, init_params, settings, devices, score_fn)
    compiled = session.compile(jax.random.key(0))
    leaves, loop_keys = restore_keys(
        meta, [session.repad(x) for x in saved["leaves"]], session.repad(saved["loop_keys"])
    )
    expected, treedef = jax.tree_util.tree_flatten(session.init_shape[0])
    if len(expected) != len(leaves) or any(
        (np.shape(x), str(x.dtype)) != (e.shape, str(e.dtype))
        for x, e in zip(leaves, expected, strict=False)
    ):
        raise ValueError(
            f"checkpoint {path!r} does not fit this algorithm: its state arrays differ in "
            "number, shape or dtype; pass the algorithm and init_params of the saved run"
        )
    carry = jax.tree_util.tree_unflatten(treedef, leaves)
    shardings = population_shardings(session.init_shape, session.mesh)
    carry = place(carry, shardings[0])
    loop_keys = place(loop_keys, shardings[1])
    initial_best = session.repad(saved["initial_best"])
    history = saved["history"]
    blocks = [session.repad(history.T).T] if history.size else []
    loop = session.loop(compiled, carry, loop_keys, initial_best, blocks, steps_run, score_fn,
                        checkpoint or path, checkpoint_every, callback)  # fmt: skip
    loop.seconds_before = spent
    seconds = loop.run(progress=progress, verbose=verbose)
    return session.result(loop, compiled.seconds, spent + seconds, score_fn)


class _Session:
    """A run's devices, placed arrays and compiled programs."""

    def __init__(self, algorithm, init_params, settings: dict, devices, score_fn=None):
        self.settings, self.init_params = settings, init_params
        self.population = settings["population"]
        self.mesh = population_mesh(_enough_devices(devices, self.population))
        self.padded, self.block = plan_blocks(
            self.population,
            self.mesh,
            bytes_per_climber=bytes_per_evaluation(score_fn),
            budget=settings.get("memory_budget") or _MEMORY_BUDGET,
            block_size=settings.get("block_size"),
            cache_block=_cache_block(score_fn, self.mesh),
        )
        self.whole, by_climber = replicated(self.mesh), climber_sharding(self.mesh)
        self.algorithm = place(as_pytree(algorithm), self.whole)
        self.ids = place(np.arange(self.padded, dtype=np.int32), by_climber)
        self.real = place(np.arange(self.padded) < self.population, by_climber)
        self.total = place(np.int32(settings["steps"]), self.whole)
        attempts = settings["max_attempts"] or _NO_LIMIT
        self.attempts = place(np.int32(attempts), self.whole)

    def compile(self, key):
        compiled = compile_search(
            _init_body,
            _chunk_body,
            algorithm=self.algorithm,
            init_params=self.init_params,
            key=place(key, self.whole),
            ids=self.ids,
            real=self.real,
            total=self.total,
            attempts=self.attempts,
            mesh=self.mesh,
            n_records=self.settings["chunk_steps"] // self.settings["record_every"],
            record_every=self.settings["record_every"],
            block=self.block,
        )
        self.init_shape = compiled.init_shape
        return compiled

    def repad(self, x):
        """Cut or pad a saved per-climber array to this session's padded population."""
        x = np.asarray(x)
        if x.ndim == 0:  # the step counter
            return x
        x = x[: self.population]
        if self.padded > self.population:
            x = np.concatenate([x, np.repeat(x[-1:], self.padded - self.population, axis=0)])
        return x

    def loop(self, compiled, carry, loop_keys, initial_best, blocks, steps_run, score_fn,
             checkpoint, checkpoint_every, callback) -> Loop:  # fmt: skip
        return Loop(
            chunk_fn=compiled.chunk,
            algorithm=self.algorithm,
            carry=carry,
            loop_keys=loop_keys,
            real=self.real,
            total=self.total,
            attempts=self.attempts,
            initial_best=initial_best,
            blocks=blocks,
            steps_run=steps_run,
            settings=self.settings,
            to_metric=lambda s: _as_metric(score_fn, s),
            checkpoint=checkpoint,
            checkpoint_every=checkpoint_every,
            callback=callback,
        )

    def result(self, loop: Loop, compile_seconds, run_seconds, score_fn) -> SearchResult:
        settings = dict(self.settings)
        config = {
            **settings.pop("user_config", {}),
            **settings,
            "n_devices": self.mesh.size,
            "block": self.block,
            "platform": self.mesh.devices.flat[0].platform,
        }
        if loop.saved_to:
            config["checkpoint"] = loop.saved_to
        return SearchResult.from_run(
            carry=loop.carry,
            initial_best=loop.initial_best,
            history_blocks=loop.blocks,
            population=self.population,
            steps=self.settings["steps"],
            record_every=self.settings["record_every"],
            stopped_early=loop.stopped_early,
            interrupted=loop.interrupted,
            compile_seconds=compile_seconds,
            run_seconds=run_seconds,
            score_fn=score_fn,
            config=config,
        )


_MEMORY_BUDGET = 2 * 2**30


def _enough_devices(devices, population: int):
    """At most one device per climber in a single-process run: a population smaller than
    the device count would otherwise be padded with climbers that cost as much as real
    ones (population=1 on 2 devices ran at half speed)."""
    devices = device_list(devices)
    if jax.process_count() == 1 and 0 < population < len(devices):
        return devices[:population]
    return devices


def _cache_block(score_fn: ScoreFn | None, mesh) -> int | None:
    """Climbers per block on these devices (see :func:`jaxclimb._layout.cache_batch`)."""
    platforms = {d.platform for d in mesh.devices.flat}
    return cache_batch(score_fn, platforms.pop()) if len(platforms) == 1 else None


def _check_callables(algorithm, init_params, score_fn) -> None:
    if not isinstance(algorithm, Algorithm):
        raise TypeError(f"algorithm must be an Algorithm(init, step); got {type(algorithm)}")
    if not callable(init_params):
        raise TypeError("init_params must be a callable key -> params (e.g. MLP(...).init)")
    if score_fn is not None and not isinstance(score_fn, ScoreFn):
        raise TypeError(
            "score_fn must be the ScoreFn from make_score_fn (or None); a plain objective "
            "belongs inside the algorithm only"
        )


def _check_checkpointing(checkpoint, checkpoint_every, callback) -> None:
    if checkpoint is not None and not isinstance(checkpoint, str | os.PathLike):
        raise TypeError(f"checkpoint must be a path; got {checkpoint!r}")
    if checkpoint is not None:
        folder = os.path.dirname(os.path.abspath(os.fspath(checkpoint)))
        if not os.path.isdir(folder):
            raise ValueError(f"checkpoint folder {folder!r} does not exist")
    if checkpoint_every is not None:
        check_int("checkpoint_every", checkpoint_every, minimum=1)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable(steps_run, best_metric)")


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

"""``run`` and ``resume``: many independent climbers as one compiled computation.

Both are thin: they check their arguments into a :class:`~.config.RunConfig` and
:class:`~.config.HostOptions`, lay the population out (:mod:`.layout`), compile or fetch
the programs (:mod:`.program`), drive the host loop (:mod:`.loop`) and hand the final
state to :class:`~jaxclimb.results.SearchResult`, the one place arrays leave the devices.

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb import MLP, make_score_fn, hill_climb, run
    >>> X = np.random.default_rng(0).normal(size=(100, 3)).astype(np.float32)
    >>> y = (X.sum(axis=1) > 0).astype(int)
    >>> net = MLP((3, 1), output="step")
    >>> score = make_score_fn(net, X, y)
    >>> result = run(jax.random.key(0), hill_climb(score), net.init, population=8, steps=50,
    ...              progress=False)
    >>> result.best_score.shape
    (8,)
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import Any

import jax

from .._checks import check_int
from .._files import json_ready, npz_path
from .._log import tell
from ..algorithms.base import Algorithm
from ..evaluation.objectives import ScoreFn
from ..results import SearchResult
from .caches import chunk_steps_with_cache
from .checkpoint import checkpoint_lock, load_checkpoint, longer_steps, refuse_unfinished
from .config import (
    HostOptions,
    RunConfig,
    as_key,
    check_memory,
    check_parts,
    check_shapes,
    readable,
)
from .selection import choose_solution
from .session import Session


def run(
    key: Any, algorithm: Algorithm, init_params: Callable[[jax.Array], Any], *,
    population: int = 256, steps: int = 1000, record_every: int = 1,
    chunk_steps: int | None = None, max_attempts: int | None = None,
    score_fn: ScoreFn | None = None, devices: list[jax.Device] | None = None,
    progress: bool | None = None, verbose: bool = False, config: dict | None = None,
    checkpoint: str | None = None, checkpoint_every: int | None = None,
    callback: Callable[[int, float], Any] | None = None, block_size: int | None = None,
    memory_budget: int | None = None, max_seconds: float | None = None,
    monitor: Callable[[int, Any], bool] | None = None, racing: int | None = None,
    selection_episodes: int | None = None,
) -> SearchResult:  # fmt: skip
    """Run ``population`` independent climbers of ``algorithm`` for ``steps`` steps.

    Args:
        key: a typed key (``jax.random.key(seed)``) or an int seed.
        algorithm: an :class:`~jaxclimb.algorithms.Algorithm` (``hill_climb(...)``).
        init_params: ``init_params(key) -> params``, the starting weights of one climber
            (e.g. ``MLP.init``); any PyTree of floating arrays.
        score_fn: the ``make_score_fn`` objective (default: the algorithm's), for units, predict.
        devices: devices to shard the population over (default: all of the default backend);
            ``config``: extra JSON-ready settings recorded in the result.
        population, steps: independent climbers, and the steps of each; the run's other
            shape keywords are :class:`~jaxclimb.engine.RunConfig`'s (``racing``, ...).
        progress, verbose, checkpoint, checkpoint_every, callback, max_seconds, monitor:
            what happens between chunks, see :class:`~jaxclimb.engine.HostOptions`.
        selection_episodes: a distribution search (SNES, ES) on a keyed objective: each
            climber's best sample and final mean are flown on this many fresh episodes and
            the better is the solution (``result.best()``; None: 32, 0: the best sample;
            ``choose_solution``).

    Returns:
        A :class:`~jaxclimb.results.SearchResult` of NumPy arrays. Ctrl-C stops the run at
        the next chunk boundary with the best so far (``result.interrupted``, saved to
        ``checkpoint`` if given); a second one aborts at once.
    """
    key = as_key(key)
    algorithm, score_fn = named_once(algorithm, init_params, score_fn)
    if selection_episodes is not None:
        check_int("selection_episodes", selection_episodes, minimum=0)
    run_config = RunConfig(population, steps, record_every, chunk_steps, max_attempts,
                           block_size, memory_budget, racing)  # fmt: skip
    options = HostOptions(progress, verbose, checkpoint, checkpoint_every, callback,
                          max_seconds=max_seconds, monitor=monitor)  # fmt: skip
    config = json_ready("config", _checked_config(config))
    with checkpoint_lock(options.checkpoint):  # no other run may write it meanwhile
        refuse_unfinished(options.checkpoint)
        state = check_shapes(algorithm, init_params, key)
        if chunk_steps is None:
            run_config = chunk_steps_with_cache(run_config, state, score_fn)
        check_memory(state, run_config, devices, score_fn)
        session = Session(algorithm, init_params, run_config, devices, score_fn)
        programs = session.compile(key)
        if verbose:
            tell("compiled in %.2f s", programs.seconds)
        loop = session.start(programs, key, options, config)
        result = session.result(loop, programs.seconds, loop.seconds_before + loop.run())
        return choose_solution(result, score_fn, selection_episodes)


def named_once(algorithm: Any, init_params: Any, score_fn: Any) -> tuple[Any, Any]:
    """``(algorithm, score_fn)`` as the engine takes them, checked: ``score_fn`` as given, else the
    objective the algorithm was built from (``traits.objective``) when the engine can read
    it (a ScoreFn or a KeyedObjective); the algorithm without it, so that no compiled
    program or its cache holds the objective's data twice."""
    carried = getattr(getattr(algorithm, "traits", None), "objective", None)
    if carried is not None:
        algorithm = algorithm._replace(traits=dataclasses.replace(algorithm.traits, objective=None))
        score_fn = carried if score_fn is None and readable(carried) else score_fn
    check_parts(algorithm, init_params, score_fn)
    return algorithm, score_fn


def resume(
    path: str,
    algorithm: Algorithm,
    init_params: Callable[[jax.Array], Any],
    *,
    score_fn: ScoreFn | None = None,
    devices: list[jax.Device] | None = None,
    steps: int | None = None,
    **host_options: Any,
) -> SearchResult:
    """Continue a run from a checkpoint written by :func:`run` (``checkpoint=path``).

    Pass the same algorithm and ``init_params`` as the interrupted run (they are code, so
    the checkpoint cannot hold them); the result is bitwise identical to a run that was
    never interrupted. The device count may differ from the interrupted run's.
    ``score_fn`` and ``devices`` mean what they mean in :func:`run`; ``host_options`` are
    :class:`~jaxclimb.engine.HostOptions` (``progress``, ``verbose``, ``checkpoint``,
    ``checkpoint_every``, ``callback``), and checkpoints keep going to ``path`` unless
    ``checkpoint`` says otherwise. ``steps`` (at least the saved run's) runs it longer:
    the result is that of a run of ``steps`` steps from the start.
    """
    options = HostOptions(**{"checkpoint": path, **host_options})
    with contextlib.ExitStack() as locks:  # the file read and the file written
        for held in sorted({npz_path(path), options.checkpoint} - {None}):
            locks.enter_context(checkpoint_lock(held))
        if options.checkpoint not in (None, npz_path(path)):
            refuse_unfinished(options.checkpoint)
        saved = load_checkpoint(path)
        return _resume(saved, path, algorithm, init_params, score_fn, devices, steps, options)


def _resume(saved, path, algorithm, init_params, score_fn, devices, steps, options):
    algorithm, score_fn = named_once(algorithm, init_params, score_fn)
    settings = dict(saved["meta"]["settings"])
    steps_run = settings.pop("steps_run")
    spent = settings.pop("run_seconds_so_far", 0.0)
    user_config = settings.pop("user_config", {})
    settings.pop("finished", None)
    settings["steps"] = longer_steps(settings, steps_run, steps, path)
    session = Session(algorithm, init_params, RunConfig(**settings), devices, score_fn)
    session.check_fingerprint(saved["meta"].get("fingerprint", {}), path)
    programs = session.compile(jax.random.key(0))
    carry, loop_keys, initial_best, blocks = session.restore(saved, path)
    loop = session.loop(
        programs, carry, loop_keys, initial_best, blocks, steps_run, options, user_config
    )
    loop.seconds_before = spent
    seconds = loop.run()
    return choose_solution(session.result(loop, programs.seconds, spent + seconds), score_fn, None)


def _checked_config(config: Any) -> dict:
    if config is not None and not isinstance(config, dict):
        raise TypeError(f"config must be a dict of JSON-ready settings; got {type(config)}")
    return config or {}

"""A run's configuration, checked once before anything compiles.

:class:`RunConfig` holds what shapes the compiled programs (population, steps, chunking,
recording, memory); :class:`HostOptions` what the host loop does between chunks
(progress, log, checkpoints, callback). ``run`` and ``resume`` both build them here, and a
checkpoint stores the ``RunConfig`` so that ``resume`` rebuilds the same one.

Example:
    >>> RunConfig(population=8, steps=250).chunk_steps
    100
    >>> RunConfig(population=0)
    Traceback (most recent call last):
    ...
    ValueError: population must be >= 1; got 0
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._checks import check_float, check_int
from .._files import check_writable
from ..algorithms.base import Algorithm, SearchState
from ..evaluation.objectives import reporting
from ..evaluation.sampling import KeyedObjective, evaluation_key
from .devices import device_list
from .layout import MEMORY_BUDGET, activation_bytes

NO_LIMIT = int(np.iinfo(np.int32).max)
CHECKPOINT_SECONDS = 60.0
"""With a checkpoint path, a checkpoint is also written at least this often (seconds)."""


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """The settings that shape a run's compiled programs.

    Attributes:
        population: number of climbers (>= 1).
        steps: steps per climber (>= 1).
        record_every: keep the best score of every climber every this many steps (the
            history has ``1 + ceil(steps / record_every)`` columns, the first at step 0).
        chunk_steps: steps per compiled chunk between host updates (a multiple of
            ``record_every``; default about 100 steps).
        max_attempts: a climber stops once its best score has not strictly improved for
            this many steps (mlrose's meaning); the run ends when every climber has stopped.
        block_size: evaluate at most this many climbers per device at once (the rest wait
            their turn inside the compiled step), bounding memory for huge populations.
        memory_budget: bytes one step may use per device for evaluation temporaries
            (default 2 GiB); with ``score_fn`` given, ``block_size`` is derived from it.
        racing: racing restarts (successive halving, ``engine/racing.py``): after ``racing``,
            ``2 * racing``, ``4 * racing``, ... steps the worse half of the running climbers
            (by best score) stop, until one is left. ``None``: no racing.
    """

    population: int = 256
    steps: int = 1000
    record_every: int = 1
    chunk_steps: int | None = None  # None: about 100 steps, a multiple of record_every
    max_attempts: int | None = None
    block_size: int | None = None
    memory_budget: int | None = None
    racing: int | None = None

    def __post_init__(self):
        fix = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        for name in ("population", "steps", "record_every"):
            fix(name, check_int(name, getattr(self, name), minimum=1, maximum=NO_LIMIT))
        for name in ("max_attempts", "block_size", "memory_budget", "racing"):
            if getattr(self, name) is not None:
                fix(name, check_int(name, getattr(self, name), minimum=1))
        fix("chunk_steps", _chunk_steps(self.chunk_steps, self.steps, self.record_every))

    def to_dict(self) -> dict:
        """JSON-ready settings (``RunConfig(**d)`` rebuilds it)."""
        return dataclasses.asdict(self)


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


@dataclasses.dataclass(frozen=True)
class HostOptions:
    """What the host loop does between chunks.

    Attributes:
        progress: show a tqdm progress bar (``None``: only on a terminal).
        verbose: print ``>step score`` whenever the population's best score improves.
        checkpoint: a path; the full loop state is saved there atomically every
            ``checkpoint_every`` steps (default: every 10 chunks), at the end, and when the
            run is interrupted. ``jaxclimb.resume`` continues it.
        checkpoint_every: steps between checkpoints (rounded up to whole chunks).
        checkpoint_seconds: also checkpoint when this many seconds have passed since the
            last one (default ``CHECKPOINT_SECONDS``, 60).
        callback: ``callback(steps_run, best_metric)`` after every chunk; raising
            ``KeyboardInterrupt`` in it stops the run as Ctrl-C does.
        max_seconds: stop at the first chunk boundary after this many seconds of search
            (compilation not counted), keeping the best so far; the result's
            ``config["stopped_by"]`` says ``"max_seconds"``, and a checkpoint of it resumes.
        monitor: ``monitor(steps_run, state) -> bool`` after every chunk, with the
            population's search state (``state.best_params`` has a leading climber axis,
            padded climbers included); True stops the run as finished (``stopped_early``,
            ``config["stopped_by"] == "monitor"``): validation-based early stopping.
    """

    progress: bool | None = None
    verbose: bool = False
    checkpoint: str | None = None
    checkpoint_every: int | None = None
    callback: Callable[[int, float], Any] | None = None
    checkpoint_seconds: float | None = None  # None: CHECKPOINT_SECONDS
    max_seconds: float | None = None
    monitor: Callable[[int, Any], bool] | None = None

    def __post_init__(self):
        if self.checkpoint is not None:
            object.__setattr__(self, "checkpoint", check_writable("checkpoint", self.checkpoint))
        if self.checkpoint_seconds is None:
            object.__setattr__(self, "checkpoint_seconds", CHECKPOINT_SECONDS)
        check_float("checkpoint_seconds", self.checkpoint_seconds, low=0.0)
        if self.checkpoint_every is not None:
            check_int("checkpoint_every", self.checkpoint_every, minimum=1)
        if self.callback is not None and not callable(self.callback):
            raise TypeError("callback must be callable(steps_run, best_metric)")
        if self.max_seconds is not None:
            check_float("max_seconds", self.max_seconds, positive=True)
        if self.monitor is not None and not callable(self.monitor):
            raise TypeError("monitor must be callable(steps_run, state) -> bool")


def as_key(key: Any) -> jax.Array:
    """A typed PRNG key from a typed key, a legacy uint32 key or an int seed."""
    if isinstance(key, jax.Array) and jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        if key.shape != ():
            raise ValueError(f"key must be a single key; got a key array of shape {key.shape}")
        return key
    if isinstance(key, int | np.integer) and not isinstance(key, bool):
        return jax.random.key(check_int("key (seed)", key, minimum=-(2**63), maximum=2**63 - 1))
    arr = np.asarray(key) if not isinstance(key, jax.Array) else key
    if arr.dtype == np.uint32 and arr.shape == (2,):
        return jax.random.wrap_key_data(jnp.asarray(arr))
    raise TypeError(f"key must be a jax.random.key(...) or an int seed; got {key!r}")


def check_parts(algorithm: Any, init_params: Any, score_fn: Any) -> None:
    """The algorithm, the initialiser and the optional objective are what they should be."""
    if not isinstance(algorithm, Algorithm):
        raise TypeError(f"algorithm must be an Algorithm(init, step); got {type(algorithm)}")
    if not callable(init_params):
        raise TypeError("init_params must be a callable key -> params (e.g. MLP(...).init)")
    try:
        hash(init_params)
    except TypeError:
        raise TypeError(
            "init_params must be hashable (a function, or an object that compares by value): "
            "it is part of the compiled program"
        ) from None
    if score_fn is not None and not readable(score_fn):
        raise TypeError(
            "score_fn must be the ScoreFn from make_score_fn, a KeyedObjective (or None); a "
            "plain objective belongs inside the algorithm only"
        )
    scored = reporting(score_fn)
    if scored is not None and scored.outputs_unchecked:  # against output_kind
        scored.check_outputs(init_params(jax.random.key(0)))


def readable(objective: Any) -> bool:
    """The engine can read it: a ScoreFn (:func:`reporting`) or a KeyedObjective."""
    return reporting(objective) is not None or isinstance(objective, KeyedObjective)


def check_shapes(algorithm: Algorithm, init_params: Callable, key: jax.Array) -> None:
    """Trace one climber abstractly to report user errors before anything compiles."""
    params = _initial_shapes(init_params, key)
    for path, leaf in jax.tree_util.tree_leaves_with_path(params):
        if not jnp.issubdtype(leaf.dtype, jnp.floating):
            raise TypeError(
                f"init_params must return floating weights; leaf {jax.tree_util.keystr(path)} "
                f"has dtype {leaf.dtype}"
            )
    try:
        with evaluation_key(key):  # a keyed objective's key, as the engine gives it
            state = jax.eval_shape(algorithm.init, key, params)
    except Exception as exc:
        raise ValueError(
            f"evaluating the objective on the initial weights failed: {type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(state, SearchState):
        raise TypeError(
            "algorithm.init must return a SearchState (params, score, best_params, "
            f"best_score; subclass it for more fields); got {type(state).__name__}"
        )
    score = state.score
    if not isinstance(score, jax.ShapeDtypeStruct):  # a tuple, None, a dict: not one array
        raise ValueError(f"the objective must return a floating scalar per climber; got "
                         f"{type(score).__name__}")  # fmt: skip
    if score.shape != () or not jnp.issubdtype(score.dtype, jnp.floating):
        raise ValueError(
            f"the objective must return a floating scalar per climber; got shape {score.shape} "
            f"and dtype {score.dtype}"
        )
    return state


def _initial_shapes(init_params: Callable, key: jax.Array) -> Any:
    """The shapes of ``init_params(key)``, the same for two keys (it is called once per
    climber, traced, so a structure that changes from call to call cannot be searched)."""
    try:
        first, second = (
            jax.eval_shape(lambda k: init_params(k), k) for k in (key, jax.random.fold_in(key, 1))
        )  # a new lambda each: eval_shape caches traces per function, and init_params may change
    except Exception as exc:
        raise ValueError(f"init_params(key) failed: {type(exc).__name__}: {exc}") from None
    leaves = jax.tree_util.tree_leaves
    same = jax.tree_util.tree_structure(first) == jax.tree_util.tree_structure(second)
    if not same or leaves(first) != leaves(second):
        raise ValueError(
            "init_params must return weights of one structure and shape whatever the key (it "
            "draws every climber's start); two calls returned "
            f"{_structure(first)} and {_structure(second)}"
        )
    return first


def _structure(tree: Any) -> str:
    text = str(jax.tree_util.tree_map(lambda x: f"{x.dtype}{list(x.shape)}", tree))
    return text if len(text) <= 200 else text[:200] + "..."


def check_memory(state: Any, config: RunConfig, devices: Any, score_fn: Any = None) -> None:
    """Refuse, before compiling, a run whose climbers' states and the activations of the
    evaluations made at once (a :class:`ScoreFn`'s network) would not fit in the memory of
    ``devices`` (default: all; the host's RAM for CPUs)."""
    devices = device_list(devices)
    per_climber = sum(x.size * x.dtype.itemsize for x in jax.tree_util.tree_leaves(state))
    records = config.chunk_steps // config.record_every
    states = config.population * (3 * per_climber + 64 + 8 * records)  # carry x3, keys, history
    active = _activations(config, len(devices), score_fn)
    need = states + active
    if devices[0].platform == "cpu":
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    else:
        limits = [(d.memory_stats() or {}).get("bytes_limit", 0) for d in devices]
        have = sum(limits) or need
    if need > have:
        raise ValueError(
            f"population={config.population:,} needs about {need / 2**30:,.1f} GiB "
            f"({states / 2**30:,.1f} GiB for the climbers' states, {active / 2**30:,.1f} GiB "
            f"for the activations of the evaluations made at once), more than the "
            f"{have / 2**30:,.1f} GiB of these devices; run fewer climbers, a smaller network, "
            "fewer rows per evaluation (batch_size), or on more devices"
        )


def _activations(config: RunConfig, n_devices: int, score_fn: Any) -> int:
    """Bytes of activations the evaluations made at once hold, on all devices together: at
    least one climber's per device, as many as the memory block lets through at once."""
    scored = reporting(score_fn)
    if scored is None:
        return 0
    local = -(-config.population // n_devices)
    at_once = config.block_size or max(1, (config.memory_budget or MEMORY_BUDGET)
                                       // max(1, scored.evaluation_bytes))  # fmt: skip
    return min(n_devices, config.population) * min(local, at_once) * activation_bytes(scored)

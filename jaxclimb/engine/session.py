"""One run's placed arrays and compiled programs, shared by ``run`` and ``resume``."""

from __future__ import annotations

import signal
import time
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..algorithms.base import Algorithm, as_pytree
from ..evaluation.objectives import ScoreFn
from ..results import SearchResult
from .caches import state_cache_bytes
from .checkpoint import restore_keys
from .config import NO_LIMIT, HostOptions, RunConfig
from .fingerprint import differences, fingerprint
from .keyed import searched_as
from .layout import (
    climber_sharding,
    plan_layout,
    population_shardings,
    replicated,
)
from .loop import Loop
from .program import Programs, compile_programs
from .signals import deferred_interrupts
from .transfer import place


class Session:
    """The layout of one run, its arrays on the devices, and its programs."""

    def __init__(
        self,
        algorithm: Algorithm,
        init_params,
        config: RunConfig,
        devices,
        score_fn: ScoreFn | None,
    ):
        self.config, self.init_params, self.score_fn = config, init_params, score_fn
        self.layout = plan_layout(
            config.population,
            devices,
            score_fn,
            block_size=config.block_size,
            memory_budget=config.memory_budget,
            racing=config.racing is not None,
            cache_bytes=state_cache_bytes(algorithm, init_params),
        )
        mesh = self.layout.mesh
        self.whole, by_climber = replicated(mesh), climber_sharding(mesh)
        # keyed or reduced precision: the best re-scored at chunk ends (engine/keyed.py)
        algorithm = searched_as(algorithm, score_fn)
        self.algorithm = place(as_pytree(algorithm), self.whole)
        padded = self.layout.padded
        self.ids = place(np.arange(padded, dtype=np.int32), by_climber)
        self.real = place(np.arange(padded) < config.population, by_climber)
        self.total = place(np.int32(config.steps), self.whole)
        self.attempts = place(np.int32(config.max_attempts or NO_LIMIT), self.whole)
        self.racing = place(np.int32(config.racing or NO_LIMIT), self.whole)
        self.init_shape = None
        self.fingerprint = fingerprint(self.algorithm, init_params)

    def check_fingerprint(self, saved: dict, path: str) -> None:
        """Refuse a checkpoint of another search (other data, settings or weights)."""
        differ = differences(saved, self.fingerprint)
        if differ:
            error = ValueError(
                f"checkpoint {path!r} does not fit this search: {' and '.join(differ)} differ "
                "from the saved run's; pass the algorithm, data and init_params it was run with"
            )
            error.differ = differ  # for a front end to say it in its own words
            raise error

    def place_key(self, key: jax.Array) -> jax.Array:
        """The run's key, replicated on the mesh."""
        return place(key, self.whole)

    def compile(self, key: jax.Array) -> Programs:
        """The compiled programs of this configuration (from the cache when it has them).
        A stop signal during compilation is held back until XLA returns."""
        with deferred_interrupts():
            return self._compile(key)

    def _compile(self, key: jax.Array) -> Programs:
        programs = compile_programs(
            self.algorithm,
            self.init_params,
            key=self.place_key(key),
            ids=self.ids,
            real=self.real,
            total=self.total,
            attempts=self.attempts,
            racing=self.racing,
            layout=self.layout,
            n_records=self.config.chunk_steps // self.config.record_every,
            record_every=self.config.record_every,
        )
        self.init_shape = programs.init_shape
        return programs

    def start(self, programs: Programs, key: jax.Array, options: HostOptions,
              user_config: dict) -> Loop:  # fmt: skip
        """Draw and score every climber's start; the host loop that continues from there."""
        start = time.perf_counter()
        carry, loop_keys = programs.init(self.algorithm, self.place_key(key), self.ids)
        initial_best = jnp.copy(carry.state.best_score)  # the carry is donated to the loop
        loop = self.loop(programs, carry, loop_keys, initial_best, [], 0, options, user_config)
        loop.seconds_before = time.perf_counter() - start
        return loop

    def repad(self, x: Any) -> np.ndarray:
        """Cut or pad a saved per-climber array to this session's padded population."""
        x = np.asarray(x)
        if x.ndim == 0:  # the step counter
            return x
        population, padded = self.config.population, self.layout.padded
        x = x[:population]
        if padded > population:
            x = np.concatenate([x, np.repeat(x[-1:], padded - population, axis=0)])
        return x

    def restore(self, saved: dict, path: str) -> tuple:
        """``(carry, loop_keys, initial_best, history blocks)`` of a loaded checkpoint,
        placed on this session's devices."""
        leaves, loop_keys = restore_keys(
            saved["meta"], [self.repad(x) for x in saved["leaves"]], self.repad(saved["loop_keys"])
        )
        expected, treedef = jax.tree_util.tree_flatten(self.init_shape[0])
        if len(expected) != len(leaves) or any(
            (np.shape(x), str(x.dtype)) != (e.shape, str(e.dtype))
            for x, e in zip(leaves, expected, strict=False)
        ):
            raise ValueError(
                f"checkpoint {path!r} does not fit this algorithm: its state arrays differ in "
                "number, shape or dtype; pass the algorithm and init_params of the saved run"
            )
        shardings = population_shardings(self.init_shape, self.layout.mesh)
        carry = place(jax.tree_util.tree_unflatten(treedef, leaves), shardings[0])
        history = saved["history"]
        blocks = [self.repad(history.T).T] if history.size else []
        return carry, place(loop_keys, shardings[1]), self.repad(saved["initial_best"]), blocks

    def loop(
        self,
        programs: Programs,
        carry,
        loop_keys,
        initial_best,
        blocks,
        steps_run: int,
        options: HostOptions,
        user_config: dict,
    ) -> Loop:
        """The host loop that drives ``programs.chunk`` from this state."""
        score_fn = self.score_fn
        to_metric = float if score_fn is None else lambda s: float(score_fn.to_metric(s))
        return Loop(
            chunk_fn=programs.chunk,
            algorithm=self.algorithm,
            carry=carry,
            loop_keys=loop_keys,
            real=self.real,
            total=self.total,
            attempts=self.attempts,
            racing=self.racing,
            initial_best=initial_best,
            blocks=blocks,
            steps_run=steps_run,
            config=self.config,
            options=options,
            user_config=dict(user_config),
            to_metric=to_metric,
            fingerprint=self.fingerprint,
        )

    def result(self, loop: Loop, compile_seconds: float, run_seconds: float) -> SearchResult:
        """The finished (or interrupted) run as NumPy arrays."""
        traits = self.algorithm.traits
        config = {
            **({"algorithm": traits.name} if traits.name else {}),
            **loop.user_config,
            **self.config.to_dict(),
            "n_devices": self.layout.mesh.size,
            "block": self.layout.block,
            "platform": self.layout.platform,
            "initial_evaluations": traits.initial_evaluations,
            "evaluations_per_step": traits.evaluations_per_step,
        }
        config["fingerprint"] = self.fingerprint
        if loop.saved_to:
            config["checkpoint"] = loop.saved_to
        if loop.save_error:
            config["checkpoint_error"] = loop.save_error
        if loop.signal is not None:
            config["signal"] = signal.Signals(loop.signal).name
        if loop.stopped_by is not None:
            config["stopped_by"] = loop.stopped_by
        result = SearchResult.from_run(
            carry=loop.carry,
            initial_best=loop.initial_best,
            history_blocks=loop.blocks,
            population=self.config.population,
            steps=self.config.steps,
            record_every=self.config.record_every,
            stopped_early=loop.stopped_early,
            interrupted=loop.interrupted,
            compile_seconds=compile_seconds,
            run_seconds=run_seconds,
            score_fn=self.score_fn,
            config=config,
        )
        if not np.isfinite(result.best_score).any():  # kept, but never silently
            warnings.warn("no climber has a finite score: every evaluation was NaN or "
                          "infinite; check the data, the initial weights and the objective",
                          RuntimeWarning, stacklevel=3)  # fmt: skip
        return result

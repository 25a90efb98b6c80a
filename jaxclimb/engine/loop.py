"""The host loop between compiled chunks: progress, log, early stop, checkpoints, Ctrl-C.

It runs ``chunk`` programs until the steps are done, every climber has stopped, or the
user interrupts; between chunks it updates the progress bar, logs improvements, calls the
callback and writes checkpoints. It is the only part of a run that waits on the devices.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable
from typing import Any

import jax
import numpy as np
from tqdm.auto import tqdm

from .._log import LOGGER, show_messages
from ..results import to_host
from .checkpoint import save_checkpoint
from .config import HostOptions, RunConfig
from .signals import deferred_interrupts, stop_on_signals


@dataclasses.dataclass
class Loop:
    """Everything the host loop needs; ``carry`` and ``blocks`` change as it runs."""

    chunk_fn: Any
    algorithm: Any
    carry: Any
    loop_keys: Any
    real: Any
    total: Any
    attempts: Any
    racing: Any
    initial_best: Any
    blocks: list
    steps_run: int
    config: RunConfig
    options: HostOptions
    user_config: dict
    to_metric: Callable[[float], float]
    seconds_before: float = 0.0  # run time spent before this loop (a resumed run)
    fingerprint: dict = dataclasses.field(default_factory=dict)
    stopped_early: bool = False
    interrupted: bool = False
    signal: int | None = None  # the stop signal that ended the run, if any
    stopped_by: str | None = None  # "max_seconds" or "monitor" when one of them ended it
    saved_to: str | None = None
    save_error: str | None = None

    def history(self) -> np.ndarray:
        """The history recorded so far, ``(records, padded population)``, on the host."""
        blocks = to_host(self.blocks)
        return np.concatenate(blocks, axis=0) if blocks else np.empty((0, 0), np.float32)

    def save(self) -> None:
        """Write a checkpoint of the current state (no-op without a checkpoint path). A
        failed write is a warning: the run, and its result, go on."""
        if self.options.checkpoint is None:
            return
        history = self.history()
        self.blocks = [history] if history.size else []
        elapsed = time.perf_counter() - self._start if hasattr(self, "_start") else 0.0
        settings = {
            **self.config.to_dict(),
            "user_config": self.user_config,
            "steps_run": self.steps_run,
            "finished": self.steps_run >= self.config.steps or self.stopped_early,
            "run_seconds_so_far": self.seconds_before + elapsed,
        }
        try:
            self.saved_to = save_checkpoint(
                self.options.checkpoint, carry=self.carry, loop_keys=self.loop_keys,
                initial_best=self.initial_best, history=history, settings=settings,
                fingerprint=self.fingerprint,
            )  # fmt: skip
        except OSError as exc:
            self.save_error = f"could not write checkpoint {self.options.checkpoint!r}: {exc}"
            warnings.warn(f"jaxclimb: {self.save_error}", RuntimeWarning, stacklevel=2)
        self._saved_at = time.perf_counter()

    def run(self) -> float:
        """Run chunks until the steps are done, every climber stopped, or a stop signal
        (Ctrl-C, SIGTERM, SIGHUP). Returns the seconds spent."""
        start = self._start = self._saved_at = time.perf_counter()
        progress = self.options.progress
        if self.options.verbose:
            show_messages()
        # disable=None: a bar only on a terminal, never carriage returns in a log file
        bar = tqdm(total=self.config.steps, initial=self.steps_run, unit="step", leave=False,
                   disable=True if progress is False else None)  # fmt: skip
        stop: list[int] = []
        try:
            with stop_on_signals(stop):
                self._chunks(bar, stop)
        except KeyboardInterrupt:  # from a callback, or a second Ctrl-C
            self.interrupted = True
            if any(leaf.is_deleted() for leaf in jax.tree_util.tree_leaves(self.carry)):
                raise  # interrupted while handing the state to the next chunk: nothing to keep
        finally:
            bar.close()
        self.signal = stop[0] if stop else None
        jax.block_until_ready(self.carry)
        with deferred_interrupts():
            self.save()  # at the end, or where a signal stopped it
        return time.perf_counter() - start

    def _chunks(self, bar, stop: list) -> None:
        steps, chunk = self.config.steps, self.config.chunk_steps
        every = self.options.checkpoint_every or 10 * chunk
        last_saved, best_seen = self.steps_run, -np.inf
        while self.steps_run < steps:
            self.carry, history, record_best, done = self.chunk_fn(
                self.algorithm, self.carry, self.loop_keys, self.real, self.total, self.attempts,
                self.racing,
            )  # fmt: skip
            self.blocks.append(history)
            record_best, done = to_host((record_best, done))
            first, self.steps_run = self.steps_run, min(steps, self.steps_run + chunk)
            bar.update(self.steps_run - first)
            best_seen = self._report(bar, first, record_best, best_seen)
            if done and self.steps_run < steps:
                self.stopped_early = True
                return
            if stop:  # a stop signal: stop cleanly at this chunk boundary
                self.interrupted = True
                return
            if self.steps_run < steps and self._limit_reached():
                return
            due = time.perf_counter() - self._saved_at >= self.options.checkpoint_seconds
            if (self.steps_run - last_saved >= every or due) and self.steps_run < steps:
                self.save()
                last_saved = self.steps_run

    def _limit_reached(self) -> bool:
        """The time limit passed or the monitor asks to stop (recorded in ``stopped_by``)."""
        limit, monitor = self.options.max_seconds, self.options.monitor
        if limit is not None and time.perf_counter() - self._start >= limit:
            self.stopped_by = "max_seconds"
        elif monitor is not None and monitor(self.steps_run, self.carry.state):
            self.stopped_by, self.stopped_early = "monitor", True
        return self.stopped_by is not None

    def _report(self, bar, first: int, record_best: np.ndarray, best_seen: float) -> float:
        """Progress bar, verbose log and callback after a chunk; the best score so far."""
        for j, value in enumerate(record_best):
            if np.isfinite(value) and value > best_seen:
                best_seen = value
                if self.options.verbose:
                    at = min(first + (j + 1) * self.config.record_every, self.config.steps)
                    LOGGER.info(">%d %.5f", at, self.to_metric(value))
        if np.isfinite(best_seen):
            bar.set_postfix(best=f"{self.to_metric(best_seen):.5f}")
        if self.options.callback is not None:
            self.options.callback(self.steps_run, self.to_metric(best_seen))
        return best_seen

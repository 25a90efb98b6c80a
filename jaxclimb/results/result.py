"""Search results as NumPy arrays: the single device-to-host boundary of jaxclimb.

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb import MLP, make_score_fn, hill_climb, run
    >>> X = np.random.default_rng(0).normal(size=(60, 2)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> net = MLP((2, 1), output="step")
    >>> score = make_score_fn(net, X, y)
    >>> result = run(0, hill_climb(score), net.init, population=4, steps=20,
    ...              progress=False)
    >>> result.predict(X).shape, type(result.best_score).__name__
    ((60,), 'ndarray')
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from .._files import atomic_savez, read_npz
from .._version import __version__
from ..evaluation.metrics import METRICS, class_predictions
from ..evaluation.objectives import ScoreFn, make_score_fn, reporting
from ..networks import MLP
from ._resultfile import RESULT_ARRAYS as _ARRAYS
from ._resultfile import RESULT_COUNTS as _COUNTS
from ._resultfile import RESULT_SCALARS as _SCALARS
from ._resultfile import IsACheckpointError as IsACheckpointError  # re-exported
from ._resultfile import checked_result, final_arrays, final_entries, header_digest
from ._treeio import from_skeleton, in_blocks, to_host, to_skeleton


@dataclasses.dataclass
class SearchResult:
    """What a population run found, climber by climber (all NumPy).

    Attributes:
        best_params: PyTree of the best weights each climber visited (leading axis P).
        best_score: ``(P,)`` best score per climber (higher is better; see ``best_metric``).
        final_score: ``(P,)`` score of each climber's current point at the end.
        history: ``(P, R)`` best score so far, recorded at ``history_steps`` (step 0 first).
        history_steps: ``(R,)`` the step after which each history column was recorded.
        n_accepted: ``(P,)`` accepted moves per climber; ``n_evaluations``, ``n_nonfinite``
            (non-finite scores) and ``n_steps`` are ``(P,)`` counts too.
        steps_run: steps the run made (fewer than asked when it stopped early).
        stopped_early: every climber reached ``max_attempts`` without improving.
        interrupted: the run was stopped by Ctrl-C; the result holds what it had.
        compile_seconds: time to compile; ``run_seconds`` the time to run after compiling.
        config: the settings of the run (JSON-ready).
        forward: the network or forward function, for ``predict`` (an MLP is rebuilt from
            the config after ``load``; a user function must be passed to ``load``).
        final_params: a distribution search's (SNES, ES) final mean per climber (None for
            others); ``final_sigma`` its ``sigma``, ``(P,)`` or ``(P, n_weights)``.
    """

    best_params: Any
    best_score: np.ndarray
    final_score: np.ndarray
    history: np.ndarray
    history_steps: np.ndarray
    n_accepted: np.ndarray
    n_evaluations: np.ndarray
    n_nonfinite: np.ndarray
    n_steps: np.ndarray
    steps_run: int
    stopped_early: bool
    interrupted: bool
    compile_seconds: float
    run_seconds: float
    config: dict
    forward: Callable | None = None
    final_params: Any = None
    final_sigma: np.ndarray | None = None

    @classmethod
    def from_run(
        cls,
        *,
        carry,
        initial_best,
        history_blocks,
        population: int,
        record_every: int,
        stopped_early: bool,
        interrupted: bool,
        compile_seconds: float,
        run_seconds: float,
        score_fn: Any,
        config: dict,
        steps: int,
    ) -> SearchResult:
        """Bring a finished run to the host (the one place arrays leave the device)."""
        carry, initial_best, blocks = to_host((carry, initial_best, history_blocks))
        cut = slice(0, population)
        steps_run = int(min(carry.t, steps))
        n_records = -(-steps_run // record_every)
        recorded = np.concatenate(blocks, axis=0)[:n_records, cut].T if blocks else None
        recorded = np.empty((population, 0)) if recorded is None else recorded
        history = np.concatenate([initial_best[cut, None], recorded], axis=1)
        history = history.astype(initial_best.dtype)
        history_steps = np.minimum(np.arange(n_records + 1) * record_every, steps_run)
        scored = reporting(score_fn)
        if scored is not None:
            config = {**config, "objective": _objective_config(scored)}
        state, stats = carry.state, carry.stats
        distribution = hasattr(state, "sigma")  # SNES, ES: the final mean is worth keeping
        take = lambda t: jax.tree_util.tree_map(lambda x: np.asarray(x[cut]), t)  # noqa: E731
        return cls(
            best_params=take(state.best_params),
            best_score=np.asarray(state.best_score[cut]),
            final_score=np.asarray(state.score[cut]),
            history=history,
            history_steps=history_steps.astype(np.int64),
            n_accepted=np.asarray(stats.n_accepted[cut]),
            n_evaluations=np.asarray(stats.n_evaluations[cut]),
            n_nonfinite=np.asarray(stats.n_nonfinite[cut]),
            n_steps=np.asarray(stats.n_steps[cut]),
            steps_run=steps_run,
            stopped_early=bool(stopped_early),
            interrupted=bool(interrupted),
            compile_seconds=float(compile_seconds),
            run_seconds=float(run_seconds),
            config=config,
            forward=getattr(scored, "forward", None),
            final_params=take(state.params) if distribution else None,
            final_sigma=take(state.sigma) if distribution else None,
        )

    # ----------------------------------------------------------------- derived numbers
    @property
    def population(self) -> int:
        """Number of climbers."""
        return int(self.best_score.shape[0])

    @property
    def total_evaluations(self) -> int:
        """Objective evaluations made by all climbers together."""
        return int(self.n_evaluations.sum())

    @property
    def evaluations_per_second(self) -> float:
        """Total evaluations divided by the run time (compilation excluded)."""
        return self.total_evaluations / self.run_seconds if self.run_seconds > 0 else float("nan")

    @property
    def evaluations_per_step(self) -> int:
        """Objective evaluations one step of one climber makes (the algorithm's traits)."""
        return int(self.config.get("evaluations_per_step", 1))

    @property
    def initial_evaluations(self) -> int:
        """Objective evaluations one climber's ``init`` made."""
        return int(self.config.get("initial_evaluations", 1))

    @property
    def metric(self) -> str | None:
        """Name of the metric the scores come from, when known."""
        return self.config.get("objective", {}).get("metric")

    @property
    def best_metric(self) -> np.ndarray:
        """``best_score`` in the metric's own units (log-loss and MSE positive again)."""
        if self.metric is not None and not METRICS[self.metric].maximize:
            return -self.best_score
        return self.best_score

    def best_index(self) -> int:
        """Index of the climber with the highest best score (non-finite scores last), or the
        one a front end chose by another metric (``config["chosen"]``); a ValueError when no
        climber has a finite score (nothing to predict with)."""
        if "chosen" in self.config:
            return int(self.config["chosen"])
        finite = np.isfinite(self.best_score)
        if not finite.any():
            raise ValueError(
                "no climber has a finite score (every evaluation was NaN or infinite): there "
                "is no best climber; check the data and the network's outputs"
            )
        return int(np.argmax(np.where(finite, self.best_score, -np.inf)))

    def climber(self, i: int) -> Any:
        """The best weights of climber ``i``."""
        if not -self.population <= i < self.population:
            raise IndexError(f"climber must be in [0, {self.population}); got {i}")
        return jax.tree_util.tree_map(lambda x: x[i], self.best_params)

    def best(self) -> Any:
        """The best climber's best point, or its final mean where the choice on fresh
        episodes took it (``config["chosen_from"]``, :func:`~jaxclimb.run`)."""
        i = self.best_index()
        chosen_from = self.config.get("chosen_from") or [None] * self.population
        if chosen_from[i] == "mean" and self.final_params is not None:
            return jax.tree_util.tree_map(lambda x: x[i], self.final_params)
        return self.climber(i)

    # ------------------------------------------------------------------- prediction
    def _score_fn(self, X, y=None) -> ScoreFn:
        if self.forward is None:
            raise ValueError(
                "this result has no forward function; run with score_fn=... or pass "
                "forward=... to load()"
            )
        objective = self.config.get("objective", {})
        metric = objective.get("metric", "mse")
        if y is None:  # a dummy target of the right kind, for the shapes only
            y = np.zeros(np.shape(X)[0], np.int32 if METRICS[metric].classification else np.float32)
            metric = "mse" if metric == "r2" else metric  # r2 of a constant is undefined
        kind = objective.get("output_kind")
        return make_score_fn(self.forward, X, y, metric=metric, output_kind=kind)

    def predict(self, X, climber: int | None = None) -> np.ndarray:
        """Predictions of one climber (default: the best): class labels for a classification
        metric (0/1, or the argmax class), network outputs otherwise."""
        fn = self._score_fn(X)
        params = self.best() if climber is None else self.climber(climber)
        out = np.asarray(fn.outputs(params))
        if not METRICS[fn.metric].classification:
            return out
        return np.asarray(class_predictions(out, fn.output_kind)).astype(np.int64)

    def evaluate(self, X, y, metric: str | None = None, *, memory_budget: int | None = None
                 ) -> np.ndarray:  # fmt: skip
        """The metric of every climber's best weights on ``(X, y)``, shape ``(P,)``; with
        ``memory_budget`` (bytes), in blocks of climbers whose temporaries fit in it."""
        fn = self._score_fn(X, y)
        if metric is not None and metric != fn.metric:
            fn = make_score_fn(self.forward, X, y, metric=metric, output_kind=fn.output_kind)
        block = None if memory_budget is None else max(1, memory_budget // fn.evaluation_bytes)
        return in_blocks(jax.jit(jax.vmap(fn.metric_value)), self.best_params, block)

    def summary(self, X_test=None, y_test=None, *, X_train=None, y_train=None) -> str:
        """A table of the metric across climbers (train, and test if given) and the costs;
        with ``X_train``, classifiers trained on log-loss also get accuracy rows."""
        from .report import format_run

        return format_run(self, X_test=X_test, y_test=y_test, X_train=X_train, y_train=y_train)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> str:
        """Write the result to ``path`` (``.npz``: arrays plus a JSON header; no pickle)."""
        skeleton, leaves = to_skeleton(self.best_params)
        meta = {field: getattr(self, field) for field in _SCALARS}
        meta.update(config=self.config, params=skeleton, version=__version__)
        if isinstance(self.forward, MLP):
            meta["model"] = self.forward.to_config()
        meta["digest"] = header_digest(meta)
        arrays = {name: getattr(self, name) for name in _ARRAYS + _COUNTS}
        arrays.update({f"params_{i}": leaf for i, leaf in enumerate(leaves)})
        arrays.update(final_entries(self.final_params, self.final_sigma))
        return atomic_savez(path, meta=meta, compressed=True, **arrays)

    @classmethod
    def load(
        cls, path: str | os.PathLike, *, forward: Callable | None = None, params_like: Any = None
    ) -> SearchResult:
        """Read a result written by :meth:`SearchResult.save`; a ValueError naming the file
        and the field for a header that is incomplete, edited or does not match the arrays,
        and an ``IsACheckpointError`` (a ValueError) saying how to resume a checkpoint.

        Args:
            path: the ``.npz`` file.
            forward: the forward function, for results of a user function (an MLP is
                rebuilt from the file).
            params_like: a PyTree of the saved structure, needed only for custom nodes.
        """
        meta, stored = read_npz(path, "saved jaxclimb result")
        arrays, leaves = checked_result(meta, stored, os.fspath(path))
        if forward is None and "model" in meta:
            forward = MLP.from_config(meta["model"])
        best = from_skeleton(meta["params"], leaves, params_like)
        scalars = {field: meta[field] for field in _SCALARS}
        final = final_arrays(stored, best, os.fspath(path))
        return cls(best, **arrays, **scalars, config=meta["config"], forward=forward, **final)


def _objective_config(score_fn: ScoreFn) -> dict:
    return {
        "metric": score_fn.metric,
        "direction": score_fn.direction,
        "output_kind": score_fn.output_kind,
        "precision": score_fn.precision,  # of the search; what is reported is float32
    }

"""The fitting shared by :class:`ClimbingClassifier` and :class:`ClimbingRegressor`.

A fit searches a smooth surrogate (log-loss, MSE) with scikit-learn's L2 penalty and
per-row weights, spends a budget of evaluations split into climbers and steps by the
network's size, and keeps the climber that is best by the user's metric (accuracy, R²).
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .._checks import check_float, check_int, shown, store_params
from ..algorithms.defaults import DEFAULT_BUDGET
from ..algorithms.large import minibatch_for
from ..algorithms.planner import plan_search
from ..datasets.tasks import DEFAULT_ALPHA, Task, choose, make_network, training_objective
from ..engine import diskcache, run
from ..precision import DEFAULT_PRECISION, matmul_precision
from .fitting import (
    EarlyStopping,
    WarmStart,
    check_verbose,
    metric_of_all,
    seed_of,
    validation_split,
)


@functools.partial(jax.jit, static_argnums=0)
def _outputs(net, params, X):
    with matmul_precision(DEFAULT_PRECISION):  # predictions in float32, whatever was searched
        return net.logits(params, X)


def check_weights(sample_weight, X) -> np.ndarray:
    """Per-row weights (ones for None): finite, >= 0, not all zero."""
    w = _check_sample_weight(sample_weight, X, dtype=np.float32, ensure_non_negative=True)
    if not np.any(w > 0):
        raise ValueError("sample_weight must not be all zero: no row would count")
    return w


class ClimbingBase(BaseEstimator):
    """Parameters and ``fit`` of both estimators (see :class:`ClimbingClassifier`)."""

    def __init__(
        self,
        *,
        hidden_layer_sizes=(10,),
        activation="tanh",
        output="auto",
        algorithm="auto",
        algorithm_params=None,
        budget=DEFAULT_BUDGET,
        population_size=None,
        max_steps=None,
        step_size=0.1,
        mutate_fraction="auto",
        max_attempts=None,
        restarts=0,
        clip_max=None,
        objective="auto",
        alpha=DEFAULT_ALPHA,
        init="glorot",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        max_seconds=None,
        batch_size="auto",
        precision=DEFAULT_PRECISION,
        random_state=None,
        verbose=0,
    ):
        store_params(self, locals())

    # ------------------------------------------------------------------ fitting
    def _fit_network(self, X, y, task: Task, sample_weight, report: str):
        """Search, then keep the climber best by ``report`` (accuracy or r2)."""
        diskcache.use_user_folder()  # parallel fits (n_jobs) read what one process compiled
        net = make_network(
            task, X.shape[1], hidden=self.hidden_layer_sizes, activation=self.activation,
            output=self.output, init=self.init,
        )  # fmt: skip
        warm = self.warm_start and hasattr(self, "result_")
        if warm and self.network_ != net:
            raise ValueError(
                f"warm_start=True needs the fitted network {self.network_.layer_sizes}; this "
                f"data and these settings give {net.layer_sizes}: refit with warm_start=False"
            )
        seed = seed_of(self.random_state) + (self.n_fits_ if warm else 0)
        w = check_weights(sample_weight, X)
        X_fit, y_fit, w_fit, X_val, y_val = self._split(X, y, w, seed)
        searched = task.default_metric if self.objective == "auto" else self.objective
        if self.objective == "auto" and task.classification:
            searched = "log_loss" if net.output != "step" else "accuracy"
        objective = dict(net=net, task=task, name="objective", sample_weight=w_fit)
        alpha = check_float("alpha", self.alpha, low=0.0) if searched != "accuracy" else 0.0
        score = training_objective(X=X_fit, y=y_fit, metric=searched, alpha=alpha,
                                   precision=self.precision, **objective)  # fmt: skip
        algorithm, population, steps = self._algorithm(score, net, searched)
        rows = self._batch_rows(X_fit.shape[0], net.n_weights, algorithm.traits.name)
        if rows != score.batch_size:  # minibatches: the objective, then its algorithm, anew
            score = dataclasses.replace(score, batch_size=rows)
            algorithm, population, steps = self._algorithm(score, net, searched)
        init = net.init
        if warm:
            init = WarmStart(jax.random.key(seed), population, self.result_.best_params)
        monitor = None
        if X_val is not None:
            val = training_objective(X=X_val, y=y_val, metric=report, **{**objective,
                                     "sample_weight": None})  # fmt: skip
            monitor = EarlyStopping(val, patience=self.n_iter_no_change, tol=self.tol,
                                    population=population)  # fmt: skip
        result = run(
            seed, algorithm, init, population=population, steps=steps,
            max_attempts=self.max_attempts, score_fn=score, progress=bool(self.verbose),
            verbose=self.verbose > 1, max_seconds=self.max_seconds, monitor=monitor,
        )  # fmt: skip
        result.config["search"] = self.search_  # what was searched, and why
        fit_score = training_objective(X=X_fit, y=y_fit, metric=report, alpha=0.0, **objective)
        values = metric_of_all(fit_score, result.best_params)
        return self._keep(net, result, values if fit_score.maximize else -values, monitor, warm)

    def _keep(self, net, result, fit_metric: np.ndarray, monitor, warm: bool):
        """Store the fitted attributes: the chosen climber, its curve, the counters."""
        chosen = choose(fit_metric, result.best_score)
        self.network_, self.result_, self.best_climber_ = net, result, chosen
        self.coefs_ = result.climber(chosen)
        self.fitness_curve_ = result.history[chosen, 1:]  # after each step, as n_iter_ counts
        loss = -self.fitness_curve_
        self.n_iter_ = result.steps_run + (self.n_iter_ if warm else 0)
        self.loss_curve_ = list(self.loss_curve_) + list(loss) if warm else list(loss)
        self.best_loss_ = float(np.min(self.loss_curve_))
        self.n_fits_ = self.n_fits_ + 1 if warm else 1
        self.validation_scores_ = self.best_validation_score_ = None
        if monitor is not None and monitor.best_params is not None:
            self.coefs_ = monitor.best_params
            self.validation_scores_ = monitor.scores
            self.best_validation_score_ = monitor.best
        return self

    def _algorithm(self, score, net, searched: str) -> tuple:
        """``(algorithm, population, steps)`` from the options and the budget."""
        options = {"clip_max": self.clip_max}
        if isinstance(self.mutate_fraction, str):
            if self.mutate_fraction != "auto":
                raise ValueError(f"mutate_fraction must be 'auto', a number in (0, 1] or None; "
                                 f"got {shown(self.mutate_fraction)}")  # fmt: skip
        else:
            options["mutate_fraction"] = self.mutate_fraction
        options.update(self.algorithm_params or {})
        population, steps = (
            check_int(k, v, minimum=1) if v is not None else None
            for k, v in (("population_size", self.population_size), ("max_steps", self.max_steps))
        )
        restarts = check_int("restarts", self.restarts, minimum=0)
        if restarts:  # mlrose: restarts + 1 rounds, each of max_steps (or max_attempts)
            options.update(restarts=restarts, restart_patience=self.max_attempts)
        searched = plan_search(
            net, lambda name: score, metric=searched, budget=check_int("budget", self.budget,
            minimum=1), algorithm=self.algorithm, options=options, population=population,
            steps=steps, step_size=self.step_size, scaled=self.mutate_fraction == "auto",
            climber_only=None if self.mutate_fraction == "auto" else "mutate_fraction given",
            rounds_of=None if steps is None else steps * (restarts + 1), whole_rounds=True,
        )  # fmt: skip
        self.search_ = {"algorithm": self.algorithm, "reason": "given"}
        if searched.choice is not None:
            self.search_ = {**searched.choice.to_config(), "population": searched.population,
                            "steps": searched.steps}  # fmt: skip
        return searched.algorithm, searched.population, searched.steps

    def _batch_rows(self, n_rows: int, n_weights: int, algorithm: str) -> int | None:
        """Rows per step's minibatch: ``batch_size`` as given (None: all rows), or for
        ``"auto"`` :func:`~jaxclimb.algorithms.large.minibatch_for`'s choice."""
        if isinstance(self.batch_size, str) and self.batch_size == "auto":
            return minibatch_for(n_rows, n_weights, algorithm)
        if self.batch_size is None:
            return None
        rows = check_int("batch_size", self.batch_size, minimum=1)
        return rows if rows < n_rows else None

    def _split(self, X, y, w, seed: int) -> tuple:
        """``(X_fit, y_fit, w_fit, X_val, y_val)``: a validation split for early stopping."""
        fraction = check_float("validation_fraction", self.validation_fraction, low=0.0,
                               high=1.0)  # fmt: skip
        if not 0 < fraction < 1:
            raise ValueError(f"validation_fraction must be in (0, 1); got {fraction}")
        check_int("n_iter_no_change", self.n_iter_no_change, minimum=1)
        check_float("tol", self.tol, low=0.0)
        for name in ("early_stopping", "warm_start"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise TypeError(f"{name} must be True or False; got {getattr(self, name)!r}")
        check_verbose(self.verbose)
        if not self.early_stopping:
            return X, y, w, None, None
        return validation_split(X, y, w, fraction, seed, classes=getattr(self, "classes_", None))

    def _logits(self, X) -> np.ndarray:
        check_is_fitted(self, "coefs_")
        X = validate_data(self, X, reset=False, dtype=np.float32)
        return np.asarray(_outputs(self.network_, self.coefs_, X), dtype=np.float64)

"""Comparing configurations: many climbers per configuration, equal budgets, honest stats.

Example:
    >>> import jaxclimb as jc
    >>> cmp = jc.compare([{"algorithm": "hill-climb", "step_size": 0.1, "population": 10},
    ...                   {"algorithm": "annealing", "step_size": 0.1, "population": 10}],
    ...                  budget=1000, target=0.8)
    >>> [row["name"] for row in cmp.to_records()]
    ['hill-climb step 0.1', 'annealing step 0.1']
"""

from __future__ import annotations

import csv
import dataclasses
import json
import signal
import warnings

import numpy as np
from tqdm.auto import tqdm

from ._checks import check_int
from .algorithms import make
from .datasets import problem_a
from .datasets.tasks import choose, make_network, make_objective, task_of
from .engine import racing_steps, run
from .engine.signals import stop_on_signals
from .evaluation.metrics import METRICS
from .results import SearchResult
from .results import statistics as stats
from .results.report import aligned, number

_SETTINGS = ("algorithm", "population", "name", "racing")
MIN_RUNS = 10
"""Configurations with fewer independent runs (a GA run is one) are warned about and
marked in the plots: their statistics say little."""


@dataclasses.dataclass
class Entry:
    """One configuration's raw material: per-climber arrays the statistics come from."""

    name: str
    result: SearchResult
    train: np.ndarray  # (P,) final training metric per climber
    test: np.ndarray | None  # (P,) test metric per climber
    evals_per_step: float

    @property
    def partial(self) -> bool:
        """Stopped by a signal before its budget was spent: not comparable as complete."""
        return bool(self.result.interrupted)


@dataclasses.dataclass
class Comparison:
    """Statistics per configuration; plain Python and NumPy only (no pandas)."""

    entries: list[Entry]
    metric: str
    target: float | None
    seed: int
    data: str | None = None  # a name for the data, for titles
    budget: int | None = None  # evaluations per configuration
    stopped_by: str | None = None  # the signal that stopped the comparison (e.g. "SIGINT")
    not_run: list = dataclasses.field(default_factory=list)  # configurations never started
    chosen_by: str | None = None  # the metric each run's climber is chosen by (as ``run``)

    def to_records(self) -> list[dict]:
        """One dict per configuration (JSON-ready). ``*_chosen`` is the metric of the climber
        each run keeps (as ``jaxclimb run`` chooses it); a ``partial`` configuration (stopped
        by a signal) gets no p-value, and none is computed against a partial first row."""
        rows, reference = [], self.entries[0]
        maximize = METRICS[self.metric].maximize
        for e in self.entries:
            final = e.test if e.test is not None else e.train
            row = {"name": e.name, "population": e.result.population, "partial": e.partial,
                   "evaluations": e.result.total_evaluations,
                   "evals_per_s": e.result.evaluations_per_second}  # fmt: skip
            for label, v in (("train", e.train), ("test", e.test)):
                if v is not None:
                    q25, q50, q75 = np.quantile(v[np.isfinite(v)], [0.25, 0.5, 0.75])
                    row.update({f"{label}_chosen": float(v[e.result.best_index()]),
                                f"{label}_q25": float(q25), f"{label}_median": float(q50),
                                f"{label}_q75": float(q75)})  # fmt: skip
            low, high = stats.bootstrap_median_interval(final, seed=self.seed)
            row["median_ci_low"], row["median_ci_high"] = low, high
            row["p_vs_first"] = None
            if e is not reference and not (e.partial or reference.partial):
                first = reference.test if e.test is not None else reference.train
                row["p_vs_first"] = stats.mann_whitney(final, first)[1]
            if self.target is not None:
                score_target = self.target if maximize else -self.target
                hits = stats.first_hitting_evaluations(
                    e.result.history, e.result.history_steps, score_target, e.evals_per_step,
                    initial_evaluations=e.result.initial_evaluations,
                )  # fmt: skip
                row["success_rate"] = float(np.isfinite(hits).mean())
                row["ert_evaluations"] = stats.expected_running_time(hits, e.result.n_evaluations)
            rows.append(row)
        return rows

    def to_dict(self) -> dict:
        """Everything: the settings, whether a signal stopped it (``partial``, what was not
        run) and one record per configuration."""
        return {"metric": self.metric, "target": self.target, "seed": self.seed,
                "chosen_by": f"train {self.chosen_by or self.metric}",
                "partial": self.stopped_by is not None, "stopped_by": self.stopped_by,
                "not_run": self.not_run, "configurations": self.to_records()}  # fmt: skip

    def to_json(self, path: str) -> str:
        with open(path, "w") as handle:
            json.dump(self.to_dict(), handle, indent=2, default=_json_default)
        return path

    def to_csv(self, path: str) -> str:
        records = self.to_records()
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for r in records
                                                                          for k in r)))  # fmt: skip
            writer.writeheader()
            writer.writerows(records)
        return path

    def describe(self) -> str:
        """One line naming the data, the budget and the seed (the plots' title)."""
        parts = [self.data, f"{self.budget:,} evaluations per configuration" if self.budget
                 else None, f"seed {self.seed}", f"metric {self.metric}"]  # fmt: skip
        return ", ".join(p for p in parts if p)

    def format_table(self) -> str:
        """One aligned row per configuration (columns never run together), partial rows
        marked, and a line for every column left out or row not comparable."""
        records = self.to_records()
        split = "test" if self.entries[0].test is not None else "train"
        cols = [("name", str, "configuration"), ("population", "{:d}".format, "runs"),
                (f"{split}_chosen", number, "chosen"), (f"{split}_median", number, "median"),
                (f"{split}_q25", number, "q25"), (f"{split}_q75", number, "q75"),
                ("median_ci_low", number, "ci_lo"), ("median_ci_high", number, "ci_hi"),
                ("p_vs_first", "{:.2g}".format, "p"), ("success_rate", "{:.1%}".format, "success"),
                ("ert_evaluations", "{:,.0f}".format, "ERT"),  # evaluations, as evaluations
                ("evals_per_s", "{:,.0f}".format, "evals/s")]  # fmt: skip
        cols = [c for c in cols if c[0] in records[0]]
        body = [[fmt(r[key]) if r[key] is not None else "-" for key, fmt, _ in cols]
                for r in records]  # fmt: skip
        for row, e in zip(body, self.entries, strict=True):
            if e.partial:
                row[0] += f" (partial: {e.result.total_evaluations:,} evaluations)"
        direction = "higher" if METRICS[self.metric].maximize else "lower"
        chosen = f"train {self.chosen_by or self.metric}"
        head = (f"{self.metric} on the {split} data across runs ({direction} is better; chosen: "
                f"the climber each run keeps, the best by {chosen}; ci: 95% bootstrap interval "
                "of the median; p: Mann-Whitney U vs the first row")  # fmt: skip
        if self.target is not None:
            head += (f"; success and ERT (expected evaluations with restarts): reaching "
                     f"{self.target} on the training data")  # fmt: skip
        return "\n".join([head + ")", aligned([title for _, _, title in cols], body),
                          *self._notes()])  # fmt: skip

    def _notes(self) -> list[str]:
        """The lines under the table: columns left out, few runs, a partial comparison."""
        notes = []
        if self.target is None:
            notes.append(f"success and ERT: not shown, no target {self.metric} was given "
                         "(compare --target-score, or target=)")  # fmt: skip
        few = [e.name for e in self.entries if e.result.population < MIN_RUNS]
        if few:
            notes.append(f"warning: fewer than {MIN_RUNS} independent runs: {', '.join(few)}; "
                         "their quantiles, intervals and p-values say little")  # fmt: skip
        if self.stopped_by is not None:
            left = f"; not run: {', '.join(self.not_run)}" if self.not_run else ""
            notes.append(f"PARTIAL: stopped by {self.stopped_by}; a partial row did not spend "
                         f"its budget and is not compared (no p-value){left}")  # fmt: skip
        return notes


def _json_default(x):
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(type(x).__name__)


def compare_results(results: dict[str, SearchResult], *, X_test=None, y_test=None,
                    target: float | None = None, seed: int = 0) -> Comparison:  # fmt: skip
    """Statistics over already-computed results, keyed by configuration name (each result
    records its algorithm's evaluations per step)."""
    if not results:
        raise ValueError("results must hold at least one SearchResult")
    entries = []
    for name, r in results.items():
        test = None if X_test is None else r.evaluate(X_test, y_test)
        entries.append(Entry(name, r, r.best_metric, test, r.evaluations_per_step))
    few = [name for name, r in results.items() if r.population < MIN_RUNS]
    if few:
        warnings.warn(f"{', '.join(few)}: fewer than {MIN_RUNS} independent runs; medians, "
                      "intervals and p-values from so few runs say little (raise the "
                      "population)", stacklevel=2)  # fmt: skip
    metric = entries[0].result.metric or "score"
    return Comparison(entries, metric, target, seed)


def _config_label(config: dict) -> str:
    """``name``, or the algorithm and its options: ``"hill-climb step 0.1 racing 8"``."""
    if config.get("name"):
        return config["name"]
    options = {k: v for k, v in config.items() if k not in _SETTINGS}
    words = [config.get("algorithm")] + [
        f"{k.replace('_size', '')} {v}" for k, v in options.items()
    ]
    racing = config.get("racing")
    return " ".join(words + ([f"racing {racing}"] if racing is not None else []))


def compare(
    configs: list[dict], data=None, *, budget: int = 256_000, seed: int = 0,
    target: float | None = None, metric: str = "accuracy", hidden=(10,),
    activation: str = "sigmoid", progress: bool | None = None,
    data_name: str | None = "given data", chosen_by: str | None = None, model=None,
) -> Comparison:  # fmt: skip
    """Run several configurations on the same data and seed at an equal evaluation budget.

    Args:
        configs: dicts with ``algorithm`` (a ``REGISTRY`` name), ``population`` (default
            256), optional ``name``, optional ``racing`` (racing restarts, as ``run`` takes
            it: the run gets the steps that spend the same budget), and the algorithm's
            options (``step_size``, ...), as :func:`jaxclimb.algorithms.make` takes them.
        data: ``(X_train, X_test, y_train, y_test)``; default problem A.
        budget: evaluations per configuration; each runs ``budget // (population *
            evaluations per step)`` steps.
        seed: the seed of every configuration.
        target: a metric value to reach, for success rates and expected running times.
        metric, hidden, activation: the objective and the network (an MLP), unless
            ``model`` gives them built, ``(net, score_fn)`` (with an L2 penalty, as the CLI's).
        progress: a progress bar over configurations (None: only on a terminal).
        data_name: what to call ``data`` in titles.
        chosen_by: the metric each run's climber is chosen by on the training data, ties
            broken by the searched score (None: the searched score), as ``jaxclimb run``.

    A stop signal (Ctrl-C, SIGTERM) stops it all at the running configuration's next chunk:
    what finished is returned, marked partial (``stopped_by``, ``not_run``, ``Entry.partial``).
    """
    if not configs:
        raise ValueError("configs must name at least one configuration")
    budget = check_int("budget", budget, minimum=1)
    X_train, X_test, y_train, y_test = problem_a() if data is None else data
    if model is None:
        task = task_of(y_train, metric, y_test=y_test)
        net = make_network(task, X_train.shape[1], hidden=hidden, activation=activation)
        model = net, make_objective(net, X_train, y_train, task=task, metric=metric)
    net, score = model
    bar = tqdm(configs, desc="configurations", leave=False,
               disable=True if progress is False else None)  # None: on a terminal only  # fmt: skip
    results, stop = {}, []
    with stop_on_signals(stop):  # a signal between runs; inside one, the run's own handler
        for config in bar:
            going = _run_config(config, net, score, budget, seed, results, stop)
            result = results.get(_config_label(config))
            if chosen_by is not None and result is not None:  # as `jaxclimb run` keeps one
                values = result.evaluate(X_train, y_train, metric=chosen_by)
                result.config["chosen"] = choose(values, result.best_score)
            if not going:
                break
    if stop and not results:
        raise KeyboardInterrupt(stop[0])
    comparison = compare_results(results, X_test=X_test, y_test=y_test, target=target, seed=seed)
    for entry in comparison.entries if getattr(score, "alpha", None) is not None else ():
        entry.train = entry.result.evaluate(X_train, y_train)  # without the L2 penalty
    comparison.data = "problem A" if data is None else data_name
    comparison.budget, comparison.chosen_by = budget, chosen_by
    if stop:
        comparison.stopped_by = signal.Signals(stop[0]).name
        comparison.not_run = [n for n in map(_config_label, configs) if n not in results]
    return comparison


def _run_config(config: dict, net, score, budget: int, seed: int, results: dict, stop: list
                ) -> bool:  # fmt: skip
    """Run one configuration at ``budget`` evaluations into ``results``; False when a stop
    signal came (its number appended to ``stop``): the comparison stops there."""
    options = {k: v for k, v in config.items() if k not in _SETTINGS}
    name = config.get("algorithm")
    algorithm = make(name, score, net.init, **options)
    population = check_int("population", config.get("population", 256), minimum=1)
    racing = config.get("racing")
    each = algorithm.traits.evaluations_per_step
    steps = racing_steps(budget, population, racing, per_step=each, initial=0)
    try:
        result = run(seed, algorithm, net.init, population=population, steps=steps,
                     score_fn=score, progress=False, config={"algorithm": name},
                     racing=racing)  # fmt: skip
    except KeyboardInterrupt as exc:  # a signal while it compiled: nothing to keep
        stop.append(exc.args[0] if exc.args else signal.SIGINT)
        return False
    results[_config_label(config)] = result
    if result.interrupted:  # the signal stops the whole comparison, not this run only
        stop.append(getattr(signal, result.config.get("signal") or "SIGINT"))
    return not stop

"""Networks of realistic size (issue 34): throughput of each evaluation path, and fits.

    python benchmarks/large.py                  # 5,000 rows, 784-64-10 and 784-256-10
    python benchmarks/large.py --rows 5000 60000 # also 60,000 rows (slow)
    python benchmarks/large.py --quick          # a smoke run (the test's)

Stand-ins, never real data: ``make_classification(n_features=784, n_informative=200,
n_redundant=196, n_classes=10, n_clusters_per_class=1, class_sep=2.0)`` (the settings of
benchmarks/standins.py), standardised on the training rows; ``rows`` training rows and
``rows / 5`` test rows. Networks: MLPs 784-64-10 and 784-256-10 (tanh, softmax, Glorot).

Throughput (member evaluations per second, log-loss on all training rows; every time the
best of a few repeats, so that another process's bursts count least):

* ``full forward``: the objective of a population of 32 weight sets, vmapped (timed
  before and after the hill-climbing rows, the faster kept: one burst of another process
  on this machine once halved it);
* ``hill-climb, full forward`` / ``hill-climb, incremental``: the default hill climber's
  step for this network (one unit's fan-in moved, the 1/5 rule) in :func:`jaxclimb.run`,
  32 climbers, with ``evaluation="xla"`` (a full forward pass per move) and
  ``"incremental"``: the step's own rate, the time of a longer run less a shorter one's (a
  run's start, its climbers' first full evaluations and its compilation not counted; the
  2,400-step incremental runs take three default chunks, 800 steps on 784-64-10, the
  200-step runs one, so the chunk ends' full re-scoring of every best is counted at the
  rate a run pays it);
* ``ES full rank`` / ``ES low rank (r=1)``: one step of population 256 of
  :func:`jaxclimb.evolution_strategy` with ``rank=None`` and ``rank=1``;
* ``node perturbation``: one step of population 256 of :func:`jaxclimb.node_perturbation`
  (each member a pass of the layers after the first, from perturbed units).

Fits (5,000 rows, 784-64-10): ``ClimbingClassifier((64,))`` with its defaults, tanh and
``activation="step"``, and the low-rank ES that was the default before node perturbation,
against ``MLPClassifier((64,))`` (Adam; relu, its default, and tanh),
and evosax 0.3.2's Open-ES (population 256) and SNES (the paper's population) at the default
estimator's evaluations on the same objective and minibatches. Test accuracy and seconds.

Writes ``benchmarks/results/large.json`` with the CPU's model and the load averages before
and after (``under_load`` when the 1-minute load exceeded half the cores).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _report import cpu_model, default_path, write_json

import jaxclimb as jc
from jaxclimb.algorithms import defaults, large
from jaxclimb.evaluation.objectives import make_score_fn
from jaxclimb.evaluation.paths import EVALUATIONS
from jaxclimb.evaluation.sampling import evaluation_key


def standin(rows: int, *, seed: int = 0, features: int = 784):
    """``(X_train, y_train, X_test, y_test)``: ``rows`` training and ``rows // 5`` test rows."""
    X, y = make_classification(
        n_samples=rows + rows // 5, n_features=features, n_informative=200,
        n_redundant=196, n_classes=10, n_clusters_per_class=1,
        class_sep=2.0, random_state=seed,
    )  # fmt: skip
    scaler = StandardScaler().fit(X[:rows])
    cast = lambda a: scaler.transform(a).astype(np.float32)  # noqa: E731
    return cast(X[:rows]), y[:rows], cast(X[rows:]), y[rows:]


def timed(fn, *args, repeats: int = 3) -> float:
    """Seconds of the fastest of ``repeats`` calls of the compiled ``fn`` (compiled and
    run once before timing)."""
    jax.block_until_ready(fn(*args))
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        seconds.append(time.perf_counter() - start)
    return min(seconds)


def throughput(net, X, y, *, quick: bool) -> list[dict]:
    """Member evaluations per second of each path on ``net`` and ``(X, y)``."""
    score = make_score_fn(net, X, y, metric="log_loss")
    init = net.init
    population = jax.vmap(init)(jax.random.split(jax.random.key(0), 32))
    full = jax.jit(jax.vmap(score))
    rows = [{"path": "full forward", "evals_per_s": 32 / timed(full, population, repeats=5)}]
    rows += hill_climb_rows(net, X, y, quick=quick)
    again = 32 / timed(full, population, repeats=5)  # after: a burst before counts least
    rows[0]["evals_per_s"] = max(rows[0]["evals_per_s"], again)
    if rows[-1]["evals_per_s"] is not None:
        rows[-1]["vs_full_forward"] = rows[-1]["evals_per_s"] / rows[0]["evals_per_s"]
    pop = 16 if quick else 256
    for rank in (None, 1):
        algo = jc.evolution_strategy(score, pop_size=pop, rank=rank, step_size=0.01)
        state = algo.init(jax.random.key(0), init(jax.random.key(1)))
        step = jax.jit(algo.step)
        seconds = timed(step, jax.random.key(2), state, repeats=3)
        name = "ES full rank" if rank is None else "ES low rank (r=1)"
        rows.append({"path": f"{name}, population {pop}", "evals_per_s": (pop + 1) / seconds})
    ratio = rows[-1]["evals_per_s"] / rows[-2]["evals_per_s"]
    rows[-1]["vs_full_rank_es"] = ratio
    nodes = jc.node_perturbation(score, pop_size=pop)
    step = jax.jit(nodes.step)
    seconds = timed(step, jax.random.key(2), nodes.init(jax.random.key(0), init(jax.random.key(1))))
    rows.append({"path": f"node perturbation, population {pop}", "evals_per_s": (pop + 1) / seconds,
                 "vs_full_rank_es": (pop + 1) / seconds / rows[-2]["evals_per_s"]})  # fmt: skip
    return rows


HILL_POPULATION = 32
"""Climbers of the hill-climbing rows (as many weight sets as the full forward row's)."""


def hill_climb_rows(net, X, y, *, quick: bool) -> list[dict]:
    """The default hill climber's evaluations/s per step with a full forward pass per move
    and with incremental evaluation (where this branch has it)."""
    out = []
    for evaluation, steps in (("xla", (3, 13)), ("incremental", (200, 2400))):
        name = "hill-climb, " + ("full forward" if evaluation == "xla" else "incremental")
        if evaluation not in EVALUATIONS:
            out.append({"path": name, "evals_per_s": None, "note": "not on this branch"})
            continue
        score = make_score_fn(net, X, y, metric="log_loss", evaluation=evaluation)
        options = defaults.scaled_options("hill-climb", net.n_weights)
        algo = jc.algorithms.make("hill-climb", score, net.init, step_size=0.1, **options)
        short, long = (2, 6) if quick else steps
        seconds = step_seconds(algo, net.init, score, short=short, long=long)
        out.append({"path": name, "evals_per_s": HILL_POPULATION / seconds})
    return out


def step_seconds(algo, init, score, *, short: int, long: int, repeats: int = 3) -> float:
    """Seconds per step of :data:`HILL_POPULATION` climbers: the fastest of ``repeats``
    runs of ``long`` steps less the fastest of ``short`` steps, over their difference."""

    def best_of(steps: int) -> float:
        run = lambda: jc.run(0, algo, init, population=HILL_POPULATION, steps=steps,  # noqa: E731
                             score_fn=score, progress=False)  # fmt: skip
        run()  # compiles
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times)

    return (best_of(long) - best_of(short)) / (long - short)


def fit_row(name: str, model, data) -> dict:
    X, y, Xt, yt = data
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    row = {"method": name, "test_accuracy": float(model.score(Xt, yt)), "seconds": seconds}
    search = getattr(model, "search_", None)
    if search is not None:
        row["search"] = {k: search.get(k) for k in ("algorithm", "options", "steps", "reason")}
    return row


def fits(data, hidden: tuple, *, budget: int, quick: bool) -> list[dict]:
    """The default estimator (tanh and step) against Adam, then evosax at equal evaluations."""
    rows = [
        fit_row("ClimbingClassifier, defaults (tanh)",
                jc.ClimbingClassifier(hidden_layer_sizes=hidden, budget=budget, random_state=0),
                data),
        fit_row("ClimbingClassifier, activation='step'",
                jc.ClimbingClassifier(hidden_layer_sizes=hidden, activation="step",
                                      budget=budget, random_state=0), data),
        fit_row("ClimbingClassifier, low-rank ES (the default before node perturbation)",
                jc.ClimbingClassifier(hidden_layer_sizes=hidden, budget=budget, random_state=0,
                                      algorithm="es", step_size=0.01, population_size=1,
                                      algorithm_params=large.LOWRANK_OPTIONS), data),
        fit_row("MLPClassifier (Adam), relu", MLPClassifier(hidden, random_state=0,
                                                             max_iter=20 if quick else 200),
                data),
        fit_row("MLPClassifier (Adam), tanh", MLPClassifier(hidden, activation="tanh",
                                                             random_state=0,
                                                             max_iter=20 if quick else 200),
                data),
    ]  # fmt: skip
    if importlib.util.find_spec("evosax") is None:
        print("evosax not installed: its rows left out (pip install '.[bench]')")
        return rows
    for name in ("Open_ES", "SNES"):
        rows.append(fit_evosax(name, data, hidden, budget=budget))
    return rows


def fit_evosax(name: str, data, hidden: tuple, *, budget: int) -> dict:
    """evosax's ``name`` (defaults; Open-ES population 256, SNES the paper's) for ``budget``
    evaluations of the default estimator's objective on its minibatches (512 rows)."""
    from evosax import algorithms
    from jax.flatten_util import ravel_pytree

    from jaxclimb.datasets.tasks import task_of, training_objective

    X, y, Xt, yt = data
    net = jc.MLP((X.shape[1], *hidden, 10), activation="tanh", output="softmax", init="glorot")
    batch = large.MINIBATCH_ROWS if X.shape[0] > large.MINIBATCH_ROWS else None
    score = training_objective(net, X, y, task=task_of(y, "log_loss"), metric="log_loss",
                               alpha=10.0, batch_size=batch)  # fmt: skip
    flat0, unravel = ravel_pytree(net.init(jax.random.key(0)))
    size = 4 + int(np.floor(3 * np.log(flat0.size))) if name == "SNES" else 256
    strategy = getattr(algorithms, name)(population_size=size, solution=flat0)
    params = strategy.default_params

    def loss(x, key):
        with evaluation_key(key):
            return -jax.vmap(lambda v: score(unravel(v)))(x)

    def search(key):
        state = strategy.init(key, flat0, params)

        def body(state, k):
            x, state = strategy.ask(k, state, params)
            state, _ = strategy.tell(k, x, loss(x, jax.random.fold_in(k, 1)), state, params)
            return state, None

        keys = jax.random.split(key, max(1, budget // size))
        return jax.lax.scan(body, state, keys)[0].mean

    start = time.perf_counter()
    mean = jax.block_until_ready(jax.jit(search)(jax.random.key(0)))
    seconds = time.perf_counter() - start
    logits = net.logits(unravel(mean), jnp.asarray(Xt))
    accuracy = float(jnp.mean(jnp.argmax(logits, -1) == jnp.asarray(yt)))
    return {"method": f"evosax {name} (population {size})", "test_accuracy": accuracy,
            "seconds": seconds, "evaluations": (budget // size) * size}  # fmt: skip


def print_tables(report: dict) -> None:
    for block in report["throughput"]:
        print(f"\n{block['network']}, {block['rows']:,} rows: member evaluations/s")
        for row in block["paths"]:
            value = row["evals_per_s"]
            shown = f"{value:12,.0f}" if value is not None else f"{row['note']:>12}"
            extra = f"  ({row['vs_full_rank_es']:.1f}x full-rank ES)" if "vs_full_rank_es" in row \
                else ""  # fmt: skip
            if "vs_full_forward" in row:
                extra = f"  ({row['vs_full_forward']:.1f}x full forward)"
            print(f"  {row['path']:<38} {shown}{extra}")
    for block in report["fits"]:
        print(f"\nfits: {block['network']}, {block['rows']:,} rows, budget {block['budget']:,}")
        for row in block["rows_"]:
            print(f"  {row['method']:<44} test {row['test_accuracy']:.3f}  {row['seconds']:7.1f} s")
    print(f"\n{report['machine']}; load {report['load_before']} -> {report['load_after']}"
          f"{' (under load)' if report['under_load'] else ''}")  # fmt: skip


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000])
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--budget", type=int, default=defaults.DEFAULT_BUDGET)
    parser.add_argument(
        "--long-budget",
        type=int,
        default=256_000,
        help="also fit the tanh default with this budget (0: not)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run (small and short)")
    parser.add_argument("--out", default=default_path("large.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.hidden, args.budget, args.long_budget = [300], [16], 1_000, None
    load_before = os.getloadavg()
    report = {"machine": f"{os.cpu_count()}-core {cpu_model()}", "throughput": [], "fits": []}
    for rows in args.rows:
        data = standin(rows)
        for h in args.hidden:
            net = jc.MLP((784, h, 10), activation="tanh", output="softmax", init="glorot")
            paths = throughput(net, data[0], data[1], quick=args.quick)
            report["throughput"].append({"network": f"784-{h}-10", "rows": rows, "paths": paths})
        fitted = fits(data, (args.hidden[0],), budget=args.budget, quick=args.quick)
        if args.long_budget:
            model = jc.ClimbingClassifier(
                hidden_layer_sizes=(args.hidden[0],), budget=args.long_budget, random_state=0
            )
            name = f"ClimbingClassifier, defaults (tanh), budget {args.long_budget:,}"
            fitted.insert(1, fit_row(name, model, data))
        report["fits"].append({"network": f"784-{args.hidden[0]}-10", "rows": rows,
                               "budget": args.budget, "rows_": fitted})  # fmt: skip
    load_after = os.getloadavg()
    report.update(load_before=[round(x, 2) for x in load_before],
                  load_after=[round(x, 2) for x in load_after],
                  under_load=max(load_before[0], load_after[0]) > 0.5 * (os.cpu_count() or 1),
                  quick=args.quick)  # fmt: skip
    print_tables(report)
    write_json(args.out, report)
    return report


if __name__ == "__main__":
    main()

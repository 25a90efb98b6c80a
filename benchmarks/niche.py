"""Non-differentiable networks, at equal evaluations: jaxclimb's defaults against evosax.

    python benchmarks/niche.py                 # 5 seeds, 200,000 evaluations (long)
    python benchmarks/niche.py --seeds 1 --budget 20000 --only default "evosax SNES"

Problems (stand-ins built with ``make_classification``, never scikit-learn's real data):

* ``clf30x2``: a 30-16-1 network with step hidden units (513 weights), 570 rows, 2 classes;
* ``clf64x10``: a 64-32-10 network with step hidden units (2,410 weights), 1,800 rows,
  10 classes;
* ``cartpole``: a 4-16-1 tanh policy (97 weights) on jaxclimb's pure-JAX cart-pole
  (:mod:`jaxclimb.evaluation.rollout`), mean return over 8 episodes of at most 200 steps.

Methods, each spending the same ``--budget`` objective evaluations per fit:

* ``default``: ``ClimbingClassifier(hidden_layer_sizes=h, activation="step", budget=B)``,
  as README tells a user to call it (for the control task, :func:`jaxclimb.run` with the
  search :func:`jaxclimb.algorithms.defaults.choose_search` picks);
* ``es``, ``snes``: the same estimator with ``algorithm="es"`` / ``"snes"``;
* evosax 0.3.2's ``SNES``, ``Open_ES``, ``PGPE`` and ``SimpleGA`` with their default
  settings, populations ``4 + floor(3 ln d)`` for SNES (the paper's) and 64 for the others,
  searching the estimator's objective (training log-loss plus its L2 penalty; the return);
  the weights kept are the better by training accuracy of the final mean and the best
  sample (SimpleGA: its best).

The figure is test accuracy (the control task: mean return over 64 fixed test episodes),
median over seeds, with seconds per fit. Writes ``benchmarks/results/niche.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from standins import standin

import jaxclimb as jc

METHODS = ("default", "es", "snes", "evosax SNES", "evosax Open_ES", "evosax PGPE",
           "evosax SimpleGA")  # fmt: skip
PROBLEMS = ("clf30x2", "clf64x10", "cartpole")


def cpu_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        return next(line.split(":", 1)[1].strip() for line in out.splitlines()
                    if line.startswith("Model name"))  # fmt: skip
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def fit_estimator(problem, method, seed, budget):
    X_train, X_test, y_train, y_test, hidden = standin(problem, seed=0)
    extra = {} if method == "default" else {"algorithm": method}
    clf = jc.ClimbingClassifier(hidden_layer_sizes=hidden, activation="step", budget=budget,
                                random_state=seed, **extra)  # fmt: skip
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return clf.score(X_test, y_test), seconds, clf.result_.config.get("search", method)


def classification_problem(problem):
    """``(objective, init, weights -> test accuracy, weights -> train accuracy)`` as the
    estimator builds them (its network, log-loss and L2 penalty)."""
    from jaxclimb.datasets.tasks import classification_task, make_network, training_objective
    from jaxclimb.estimators.base import DEFAULT_ALPHA

    X_train, X_test, y_train, y_test, hidden = standin(problem, seed=0)
    task = classification_task(len(np.unique(y_train)))
    net = make_network(task, X_train.shape[1], hidden=hidden, activation="step",
                       init="glorot")  # fmt: skip
    common = dict(net=net, task=task, name="objective", sample_weight=None)
    score = training_objective(X=X_train, y=y_train, metric="log_loss", alpha=DEFAULT_ALPHA,
                               **common)  # fmt: skip
    test = training_objective(X=X_test, y=y_test, metric="accuracy", alpha=0.0, **common)
    train = training_objective(X=X_train, y=y_train, metric="accuracy", alpha=0.0, **common)
    return score, net.init, test, train


def evosax_strategy(name, flat0):
    from evosax import algorithms

    d = flat0.size
    size = 4 + int(np.floor(3 * np.log(d))) if name == "SNES" else 64
    return getattr(algorithms, name)(population_size=size, solution=flat0), size


def fit_evosax(name, score, init, pick, seed, budget):
    """evosax's ``name`` with its defaults on ``score`` (higher is better) for ``budget``
    evaluations; ``pick(weights) -> the figure``, the better by ``pick`` of mean and best
    is kept (``pick`` is the training metric; returns the weights)."""
    from jax.flatten_util import ravel_pytree

    flat0, unravel = ravel_pytree(init(jax.random.key(seed)))
    strategy, size = evosax_strategy(name, flat0)
    params = strategy.default_params
    loss = lambda x: -jax.vmap(lambda v: score(unravel(v)))(x)  # noqa: E731 - evosax minimises
    generations = budget // size

    def search(key):
        k_init, k_loop = jax.random.split(key)
        if name == "SimpleGA":
            first = flat0 + 0.1 * jax.random.normal(k_init, (size, flat0.size))
            state = strategy.init(k_init, first, loss(first), params)
        else:
            state = strategy.init(k_init, flat0, params)

        def body(state, k):
            k_ask, k_tell = jax.random.split(k)
            x, state = strategy.ask(k_ask, state, params)
            state, _ = strategy.tell(k_tell, x, loss(x), state, params)
            return state, None

        state = jax.lax.scan(body, state, jax.random.split(k_loop, generations))[0]
        mean = getattr(state, "mean", state.best_solution)
        return mean, state.best_solution

    start = time.perf_counter()
    mean, best = jax.block_until_ready(jax.jit(search)(jax.random.key(seed)))
    seconds = time.perf_counter() - start
    candidates = [unravel(mean), unravel(best)]
    return max(candidates, key=lambda w: float(pick(w))), seconds


def classification_row(problem, method, seed, budget):
    if not method.startswith("evosax"):
        return fit_estimator(problem, method, seed, budget)
    score, init, test, train = classification_problem(problem)
    weights, seconds = fit_evosax(method.split()[1], score, init, train, seed, budget)
    return float(test(weights)), seconds, method


def control_row(method, seed, budget):
    from jaxclimb.algorithms.defaults import choose_search
    from jaxclimb.evaluation.rollout import CartPole, rollout_objective

    policy = jc.MLP((4, 16, 1), activation="tanh", output="tanh", init="glorot")
    env = CartPole()
    objective = rollout_objective(env.step, env.reset, policy, episodes=8, max_steps=200)
    test = rollout_objective(env.step, env.reset, policy, episodes=64, max_steps=200)
    fixed = lambda w: test(w, jax.random.key(10_000))  # noqa: E731 - 64 held-out episodes
    if method.startswith("evosax"):
        # evosax's loop hands the objective no key: it searches the seed's 8 fixed episodes
        score = lambda w: objective(w, jax.random.key(seed))  # noqa: E731
        weights, seconds = fit_evosax(method.split()[1], score, policy.init, fixed, seed, budget)
        return float(fixed(weights)), seconds, method
    if method == "default":  # what the estimators' algorithm="auto" would pick
        chosen = choose_search(policy.n_weights, budget, smooth=False)
        name, options, population = chosen.algorithm, chosen.options, chosen.population
        steps, search = chosen.steps, chosen.describe()
    else:  # one run of the algorithm with its defaults
        name, options, population, search = method, {}, 1, method
    algo = jc.algorithms.make(name, objective, policy.init, **options)
    if method != "default":
        steps = budget // algo.traits.evaluations_per_step
    start = time.perf_counter()
    r = jc.run(seed, algo, policy.init, population=population, steps=steps,
               score_fn=objective, progress=False)  # fmt: skip
    seconds = time.perf_counter() - start
    best = jax.tree_util.tree_map(lambda x: x[int(np.argmax(r.best_score))], r.best_params)
    return float(fixed(best)), seconds, search


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--budget", type=int, default=200_000)
    p.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    p.add_argument("--only", nargs="*", default=None, help="methods to run (default: all)")
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                 "niche.json"))  # fmt: skip
    args = p.parse_args(argv)
    rows = []
    for problem in args.problems:
        for method in args.only or METHODS:
            for seed in range(args.seeds):
                if problem == "cartpole":
                    value, seconds, search = control_row(method, seed, args.budget)
                else:
                    value, seconds, search = classification_row(problem, method, seed, args.budget)
                rows.append(dict(problem=problem, method=method, seed=seed, value=float(value),
                                 seconds=seconds, search=str(search)))  # fmt: skip
                print(f"{problem:9s} {method:16s} seed {seed}: {value:8.4f} {seconds:7.1f} s  "
                      f"{search}", flush=True)  # fmt: skip
    table = summarise(rows)
    print(table)
    meta = dict(cpu=cpu_name(), cores=os.cpu_count(), budget=args.budget, seeds=args.seeds,
                jax=jax.__version__, jaxclimb=jc.__version__, note="2 shared cores: timings "
                "noisy while other jobs ran")  # fmt: skip
    with open(args.out, "w") as f:
        json.dump(dict(meta=meta, rows=rows, table=table), f, indent=1)
    print(f"wrote {args.out} ({meta['cpu']})")


def summarise(rows) -> str:
    """Markdown: the median figure and seconds per fit, a row per method, a column pair per
    problem."""
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    head = "| method | " + " | ".join(f"{p} | s/fit" for p in problems) + " |"
    lines = [head, "|---" * (1 + 2 * len(problems)) + "|"]
    for m in methods:
        cells = []
        for p in problems:
            mine = [r for r in rows if r["method"] == m and r["problem"] == p]
            if not mine:
                cells += ["", ""]
                continue
            cells += [f"{np.median([r['value'] for r in mine]):.3f}",
                      f"{np.median([r['seconds'] for r in mine]):.1f}"]  # fmt: skip
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    jnp.zeros(1)  # start JAX before timing anything
    main()

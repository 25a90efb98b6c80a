"""Every registered algorithm on REFERENCE.md problem A at an equal evaluation budget,
next to evosax's SimpleGA and HillClimbing on the same objective and budget.

    pip install ".[bench]"; python benchmarks/algorithms.py [--steps 1000] [--seeds 5]

Budget: 256 x 1000 evaluations (plus the initial ones). The objective is the same compiled
function for every row (training accuracy of the MLP 5-10-1 with sigmoid transfers; the
gradient row trains on log-loss, which accuracy cannot be), so the rows differ only by the
search. Each row is repeated over several seeds: accuracies are means over seeds of the
solution with the best training score (and of the median across climbers); evaluations/s
is the best over seeds (compilation excluded).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from _report import write_json

import jaxclimb as jc


def jaxclimb_configs(net, acc, glorot, logloss, one_device):
    hc = jc.hill_climb(acc, step_size=0.1)
    like_evosax = dict(selection="truncation", crossover="none", mutation_prob=1.0)
    return [
        ("hill-climb", 256, hc, net, acc, None),
        ("hill-climb (1 device)", 256, hc, net, acc, one_device),
        ("hill-climb (1+4)", 64, jc.hill_climb(acc, step_size=0.1, n_candidates=4), net, acc, None),
        (
            "hill-climb 1/5 rule",
            256,
            jc.hill_climb(acc, step_size=0.1, adaptive=True),
            net,
            acc,
            None,
        ),
        (
            "hill-climb + restarts(100)",
            256,
            jc.with_restarts(jc.hill_climb(acc, step_size=0.1), net.init, patience=100),
            net,
            acc,
            None,
        ),
        ("annealing (geometric)", 256, jc.simulated_annealing(acc, step_size=0.1), net, acc, None),
        (
            "genetic defaults, 1 run x 256 (1 dev)",
            1,
            jc.genetic(acc, init_params=net.init, pop_size=256),
            net,
            acc,
            one_device,
        ),
        (
            "genetic as SimpleGA, 1 run x 256 (1 dev)",
            1,
            jc.genetic(acc, init_params=net.init, pop_size=256, n_elites=0, **like_evosax),
            net,
            acc,
            one_device,
        ),
        (
            "genetic as SimpleGA, 2 runs x 128",
            2,
            jc.genetic(acc, init_params=net.init, pop_size=128, n_elites=0, **like_evosax),
            net,
            acc,
            None,
        ),
        (
            "gradient (adam, log-loss)",
            256,
            jc.gradient_descent(logloss, step_size=0.05, optimizer="adam"),
            glorot,
            logloss,
            None,
        ),
    ]


def run_jaxclimb(data, steps, seeds, devices_one, only=None):
    X_train, X_test, y_train, y_test = data
    net = jc.MLP((5, 10, 1))
    acc = jc.make_score_fn(net, X_train, y_train)
    glorot = jc.MLP((5, 10, 1), init="glorot")
    logloss = jc.make_score_fn(glorot, X_train, y_train, metric="log_loss")
    rows = []
    for name, population, algorithm, model, score, devices in jaxclimb_configs(
        net, acc, glorot, logloss, devices_one
    ):
        if only and not any(o in f"jaxclimb {name}" for o in only):
            continue
        per_seed = []
        for seed in range(seeds):
            r = jc.run(
                seed,
                algorithm,
                model.init,
                population=population,
                steps=steps,
                score_fn=score,
                progress=False,
                devices=devices,
            )
            train = r.evaluate(X_train, y_train, metric="accuracy")
            test = r.evaluate(X_test, y_test, metric="accuracy")
            best = r.best_index()
            per_seed.append(
                (
                    train[best],
                    test[best],
                    np.median(test),
                    r.evaluations_per_second,
                    r.compile_seconds,
                    r.total_evaluations,
                    r.config["n_devices"],
                )
            )
        rows.append(_row(f"jaxclimb {name}", per_seed))
    return rows


def _row(name, per_seed):
    a = np.array(per_seed, dtype=float)
    return {
        "name": name,
        "evaluations": int(a[0, 5]),
        "train_best": float(a[:, 0].mean()),
        "test_best": float(a[:, 1].mean()),
        "test_best_sd": float(a[:, 1].std()),
        "test_best_per_seed": [float(v) for v in a[:, 1]],
        "test_median": float(a[:, 2].mean()),
        "evals_per_s": float(a[:, 3].max()),
        "compile_s": float(a[0, 4]),  # the first, cold compilation
        "devices": int(a[0, 6]),
        "seeds": len(per_seed),
    }


def run_evosax(data, steps, seeds, only=None):
    import jax
    from evosax.algorithms import HillClimbing, SimpleGA
    from jax.flatten_util import ravel_pytree

    X_train, X_test, y_train, y_test = data
    net = jc.MLP((5, 10, 1))
    score = jc.make_score_fn(net, X_train, y_train)
    test_score = jc.make_score_fn(net, X_test, y_test)
    flat0, unravel = ravel_pytree(net.init(jax.random.key(0)))
    population = 256
    rows = []
    for name, cls in (("SimpleGA", SimpleGA), ("HillClimbing", HillClimbing)):
        if only and not any(o in f"evosax {name}" for o in only):
            continue
        strategy = cls(population_size=population, solution=flat0, std_schedule=lambda t: 0.1)
        params = strategy.default_params

        def fitness(x):  # evosax minimises
            return -jax.vmap(lambda v: score(unravel(v)))(x)

        def search(key, strategy=strategy, params=params, name=name):
            k_init, k_pop, k_loop = jax.random.split(key, 3)
            first = jax.random.uniform(k_pop, (population, flat0.size))  # U(0, 1) as ours
            if name == "SimpleGA":  # population-based: starts from a scored population
                state = strategy.init(k_init, first, fitness(first), params)
            else:  # distribution-based: starts from a mean
                state = strategy.init(k_init, first[0], params)

            def body(state, k):
                k_ask, k_tell = jax.random.split(k)
                x, state = strategy.ask(k_ask, state, params)
                state, _ = strategy.tell(k_tell, x, fitness(x), state, params)
                return state, None

            return jax.lax.scan(body, state, jax.random.split(k_loop, steps))[0]

        per_seed = []
        for seed in range(seeds):
            start = time.perf_counter()
            compiled = jax.jit(search).lower(jax.random.key(seed)).compile()
            compile_s = time.perf_counter() - start
            start = time.perf_counter()
            state = jax.block_until_ready(compiled(jax.random.key(seed)))
            run_s = time.perf_counter() - start
            best = unravel(state.best_solution)
            final = getattr(state, "population", state.best_solution[None])
            tests = jax.vmap(lambda v: test_score.metric_value(unravel(v)))(final)
            n = population * (steps + 1)
            per_seed.append(
                (
                    score.metric_value(best),
                    test_score.metric_value(best),
                    np.median(np.asarray(tests)),
                    n / run_s,
                    compile_s,
                    n,
                    1,
                )
            )
        rows.append(_row(f"evosax {name}", per_seed))
    return rows


def _versus(rows, ours, theirs):
    """Print each of our rows named ``ours...`` against the row ``theirs``, per seed."""
    from jaxclimb.results.statistics import mann_whitney

    other = next((r for r in rows if r["name"] == theirs), None)
    for r in rows:
        if other is None or not r["name"].startswith(ours):
            continue
        a, b = np.array(r["test_best_per_seed"]), np.array(other["test_best_per_seed"])
        _, p = mann_whitney(a, b)
        se = np.hypot(a.std(ddof=1) / np.sqrt(a.size), b.std(ddof=1) / np.sqrt(b.size))
        print(
            f"{r['name']} - {theirs}: test {a.mean() - b.mean():+.4f} (SE {se:.4f}), "
            f"Mann-Whitney p = {p:.2f}, {a.size} vs {b.size} seeds"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--json", default=os.path.join(os.path.dirname(__file__), "results", "algorithms.json")
    )
    parser.add_argument(
        "--only", nargs="*", help="run only the rows whose name contains one of these strings"
    )
    args = parser.parse_args(argv)
    jc.use_cpu_cores()
    import jax

    data = jc.datasets.problem_a()
    rows = run_jaxclimb(data, args.steps, args.seeds, jax.devices()[:1], args.only)
    try:
        rows += run_evosax(data, args.steps, args.seeds, args.only)
    except ImportError as exc:
        print(f"evosax not installed ({exc}); pip install '.[bench]'")
    print(
        f"{'algorithm (mean over ' + str(args.seeds) + ' seeds)':44s} {'evals':>9} {'train':>6} "
        f"{'test':>6} {'sd':>5} {'med test':>8} {'evals/s':>10} {'compile':>7} dev"
    )
    for r in rows:
        print(
            f"{r['name']:44s} {r['evaluations']:>9,} {r['train_best']:6.3f} {r['test_best']:6.3f}"
            f" {r['test_best_sd']:5.3f} {r['test_median']:8.3f} {r['evals_per_s']:>10,.0f} "
            f"{r['compile_s']:7.2f} {r['devices']:>3}"
        )
    _versus(rows, "jaxclimb genetic", "evosax SimpleGA")
    report = {
        "problem": "REFERENCE.md A, MLP 5-10-1 sigmoid, accuracy (gradient: log-loss)",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "jax": jax.__version__,
        "steps": args.steps,
        "rows": rows,
    }
    write_json(args.json, report)


if __name__ == "__main__":
    main()

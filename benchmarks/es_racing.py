"""jaxclimb's evolution strategy beside evosax's OpenES, and racing restarts beside plain
restarts, at equal evaluations on a make_classification stand-in of realistic size.

    pip install ".[bench]"; python benchmarks/es_racing.py [--seeds 10] [--es-budget 25600]

The stand-in: 1,800 rows x 64 features x 10 classes (make_classification, random_state 0,
32 informative, class_sep 2), stratified 75/25 split, standardised on the training part;
MLP 64-32-10 (tanh, softmax output, Glorot), 2,410 weights; every search minimises the
training log-loss through the same compiled objective and is scored by test accuracy of
the point it reports.

1. ES: ``population=seeds`` independent runs of jaxclimb's ES (one per seed) against
   evosax ``Open_ES`` with the same settings (antithetic, centred ranks, Adam, constant
   sigma), its seeds vmapped and sharded over the same devices, its objective vmapped
   (as its examples do) or in jaxclimb's cache batches. jaxclimb reports its best
   evaluated point (almost always the mean: it evaluates the mean every step, one
   evaluation in pop_size + 1); evosax its final mean. Equal evaluations per run.
2. Racing: hill climbing (log-loss, 1% of the weights per step, 1/5 rule) as
   ``plain`` climbers of equal length against ``2 x plain`` climbers raced by successive
   halving, with the steps that spend the same budget; one run per seed, the climber
   with the best training log-loss scored on the test set.

Evaluations/s exclude compilation; the ES rows are timed in turn ``--repeats`` times
(round robin) and the best time of each is kept. Medians and
interquartile ranges are over seeds.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import jax
import numpy as np
from _report import default_path, write_json
from jax.flatten_util import ravel_pytree
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import jaxclimb as jc


def stand_in():
    """The issue's 64 x 10 x 1,800 stand-in, built as benchmarks/standins.py's "clf64x10"."""
    X, y = make_classification(n_samples=1800, n_features=64, n_informative=32,
                               n_redundant=16, n_classes=10, n_clusters_per_class=1,
                               class_sep=2.0, random_state=0)  # fmt: skip
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)  # fmt: skip
    scaler = StandardScaler().fit(X_train)
    f32 = lambda a: scaler.transform(a).astype(np.float32)  # noqa: E731
    return f32(X_train), f32(X_test), y_train, y_test


def summary(test, evals, seconds) -> dict:
    q25, med, q75 = np.percentile(test, [25, 50, 75])
    return {"test_median": float(med), "test_q25": float(q25), "test_q75": float(q75),
            "evaluations": int(evals), "evaluations_per_s": float(evals / seconds),
            "seconds": float(seconds), "test": [float(v) for v in test]}  # fmt: skip


def es_jaxclimb(net, score, data, args):
    """A timed run of jaxclimb's ES: ``() -> (seconds, test accuracies, evaluations)``."""
    algo = jc.evolution_strategy(score, pop_size=args.pop_size, step_size=args.sigma,
                                 learning_rate=args.learning_rate)  # fmt: skip
    steps = (args.es_budget - 1) // (args.pop_size + 1)

    def go():
        r = jc.run(0, algo, net.init, population=args.seeds, steps=steps, score_fn=score,
                   progress=False)  # fmt: skip
        test = r.evaluate(data[1], data[3], metric="accuracy")
        return r.run_seconds, test, r.n_evaluations.sum()

    return go, steps


def es_evosax(net, score, data, args, batch: int | None):
    """A timed run of evosax's OpenES, compiled first: ``() -> (seconds, test, evals)``."""
    import optax
    from evosax.algorithms import Open_ES

    flat0, unravel = ravel_pytree(net.init(jax.random.key(0)))
    es = Open_ES(population_size=args.pop_size, solution=flat0,
                 optimizer=optax.adam(args.learning_rate),
                 std_schedule=optax.constant_schedule(args.sigma))  # fmt: skip
    params, generations = es.default_params, args.es_budget // args.pop_size
    loss = lambda flat: -score(unravel(flat))  # noqa: E731 - evosax minimises

    def one_run(key):
        k_init, k_es, k_loop = jax.random.split(key, 3)
        state = es.init(k_es, ravel_pytree(net.init(k_init))[0], params)

        def generation(state, k):
            k_ask, k_tell = jax.random.split(k)
            population, state = es.ask(k_ask, state, params)
            fitness = (jax.vmap(loss)(population) if batch is None
                       else jax.lax.map(loss, population, batch_size=batch))  # fmt: skip
            state, _ = es.tell(k_tell, population, fitness, state, params)
            return state, None

        state, _ = jax.lax.scan(generation, state, jax.random.split(k_loop, generations))
        return state.mean

    mesh = jc.population_mesh()
    keys = jax.random.split(jax.random.key(0), -(-args.seeds // mesh.size) * mesh.size)
    sharding = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("population"))
    compiled = jax.jit(jax.vmap(one_run)).lower(jax.device_put(keys, sharding)).compile()

    def go():
        start = time.perf_counter()
        means = jax.block_until_ready(compiled(jax.device_put(keys, sharding)))
        seconds = time.perf_counter() - start
        logits = jax.vmap(lambda m: net(unravel(m), data[1]))(means[: args.seeds])
        test = np.mean(np.argmax(np.asarray(logits), axis=-1) == data[3], axis=1)
        return seconds, test, len(keys) * generations * args.pop_size

    return go, generations


def es_rows(net, score, data, args) -> dict:
    """The ES rows, timed in turn ``--repeats`` times (round robin: a change of load
    between repeats hits every row alike); the best time of each."""
    batch = jc.engine.plan_layout(args.seeds, None, score).candidate_batch
    runners = {
        "jaxclimb ES": es_jaxclimb(net, score, data, args),
        "evosax OpenES (vmap)": es_evosax(net, score, data, args, None),
        f"evosax OpenES (batches of {batch})": es_evosax(net, score, data, args, batch),
    }
    times = {name: [] for name in runners}
    for _ in range(args.repeats):
        for name, (go, _) in runners.items():
            seconds, test, evals = go()
            times[name].append(seconds)
    rows = {}
    for name, (go, steps) in runners.items():
        seconds, test, evals = go()  # results are the same every time: the seed is fixed
        rows[name] = summary(test, evals, min(times[name])) | {
            "steps": steps,
            "seconds_each_repeat": times[name],
        }
    return rows


def racing(net, score, data, args) -> dict:
    algo = jc.hill_climb(score, step_size=0.05, mutate_fraction=0.01, adaptive=True)
    budget = args.climbers * args.climber_steps
    raced_steps = jc.engine.racing_steps(budget, 2 * args.climbers, args.round, initial=0)
    rows = {}
    for name, population, steps, race in [
        ("plain", args.climbers, args.climber_steps, None),
        ("racing", 2 * args.climbers, raced_steps, args.round),
    ]:
        tests, evals, seconds = [], 0, 0.0
        for seed in range(args.seeds):
            r = jc.run(seed, algo, net.init, population=population, steps=steps,
                       score_fn=score, progress=False, racing=race)  # fmt: skip
            tests.append(r.evaluate(data[1], data[3], metric="accuracy")[r.best_index()])
            evals += int(r.n_evaluations.sum())
            seconds += r.run_seconds
        rows[name] = summary(np.array(tests), evals, seconds) | {
            "climbers": population, "steps": steps, "racing": race,
            "evaluations_per_seed": evals // args.seeds,
        }  # fmt: skip
    return rows


def cpu_name() -> str:
    """The CPU's model name (``lscpu``'s), or the platform's guess."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def same_or_not(rows: dict) -> dict:
    """Two-sided Mann-Whitney p-values of the test accuracies over seeds."""
    from jaxclimb.results.statistics import mann_whitney

    pairs = [("jaxclimb ES", "evosax OpenES (vmap)"),
             ("hill-climb, racing restarts", "hill-climb, plain restarts")]  # fmt: skip
    return {f"{a} vs {b}": mann_whitney(rows[a]["test"], rows[b]["test"])[1]
            for a, b in pairs if a in rows and b in rows}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--es-budget", type=int, default=64 * 150, help="evaluations per ES run")
    p.add_argument("--pop-size", type=int, default=64)
    p.add_argument("--sigma", type=float, default=0.05)
    p.add_argument("--learning-rate", type=float, default=0.03)
    p.add_argument("--climbers", type=int, default=8, help="plain restarts: climbers")
    p.add_argument("--climber-steps", type=int, default=2000, help="plain restarts: steps")
    p.add_argument("--round", type=int, default=200, help="racing: first round's steps")
    p.add_argument("--repeats", type=int, default=3, help="ES timings, round robin")
    p.add_argument("--skip", choices=("es", "racing"), default=None)
    p.add_argument("--out", default=default_path("es_racing.json"))
    args = p.parse_args()
    jc.use_cpu_cores()
    data = stand_in()
    net = jc.MLP((64, 32, 10), activation="tanh", output="softmax", init="glorot")
    score = jc.make_score_fn(net, data[0], data[2], metric="log_loss")
    report = {"cpu": cpu_name(), "cores": os.cpu_count(),
              "devices": len(jax.devices()), "settings": vars(args)}  # fmt: skip
    rows = {}
    if args.skip != "es":
        rows.update(es_rows(net, score, data, args))
    if args.skip != "racing":
        raced = racing(net, score, data, args)
        rows["hill-climb, plain restarts"] = raced["plain"]
        rows["hill-climb, racing restarts"] = raced["racing"]
    report["rows"] = rows
    report["tests"] = same_or_not(rows)
    print(f"{'search':34s} {'test median':>11s} {'IQR':>15s} {'evals/run':>10s} {'evals/s':>9s}")
    for name, row in rows.items():
        per_run = row.get("evaluations_per_seed", row["evaluations"] // args.seeds)
        print(f"{name:34s} {row['test_median']:11.4f} "
              f"{row['test_q25']:7.4f}-{row['test_q75']:.4f} {per_run:10,d} "
              f"{row['evaluations_per_s']:9,.0f}")  # fmt: skip
    for name, p_value in report["tests"].items():
        print(f"Mann-Whitney p, {name}: {p_value:.3f}")
    write_json(args.out, report)


if __name__ == "__main__":
    main()

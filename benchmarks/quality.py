"""Test score of the default estimators beside Adam, evosax and mlrose-ky, in one run.

    PYTHONPATH=. python benchmarks/quality.py --seeds 3            # everything (minutes)
    PYTHONPATH=. python benchmarks/quality.py --problems clf30x2 --methods default,adam

Problems: REFERENCE.md problem A (hidden (10,)), iris (REFERENCE.md B's split, hidden (2,))
and the synthetic stand-ins of ``standins.py``. Methods, each given the same layers:

* ``default``: ``ClimbingClassifier`` / ``ClimbingRegressor`` with default settings;
* every algorithm of ``jaxclimb.REGISTRY`` behind the estimator at ``--budget`` evaluations
  (rows named after it; new algorithms join automatically);
* ``adam``: scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` (its defaults, ``max_iter``
  5000, so that it converges; the evaluations column holds its epochs);
* ``evosax-OpenES``, ``evosax-SNES``, ``evosax-SepCMAES``: the same log-loss (MSE) at
  ``--budget`` evaluations (population 64, the final mean kept);
* ``mlrose-ky``: its NeuralNetwork, random hill climbing, iterations capped so it runs
  about ``--mlrose-seconds`` (it refuses continuous targets: no regression row).

Scores are accuracy (classification) or R² (regression) on the held-out rows; the table
gives the median over seeds, the JSON every run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
from _report import default_path, write_json
from standins import STANDINS, standin

EVOSAX = ("OpenES", "SNES", "SepCMAES")


def problems() -> dict:
    """``name: (X_train, X_test, y_train, y_test, hidden, is_classification)``."""
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import MinMaxScaler

    import jaxclimb as jc

    out = {"A": (*jc.datasets.problem_a(), (10,), True)}
    X, y = load_iris(return_X_y=True)
    a, b, ya, yb = train_test_split(X, y, test_size=0.2, random_state=3)
    scaler = MinMaxScaler().fit(a)
    out["iris"] = (scaler.transform(a), scaler.transform(b), ya, yb, (2,), True)
    for name, spec in STANDINS.items():
        out[name] = (*standin(name), spec[1] > 0)
    return out


def estimator(problem, seed: int, **settings):
    import jaxclimb as jc

    X_train, X_test, y_train, y_test, hidden, classify = problem
    cls = jc.ClimbingClassifier if classify else jc.ClimbingRegressor
    model = cls(hidden_layer_sizes=hidden, random_state=seed, **settings).fit(X_train, y_train)
    evaluations = int(model.result_.total_evaluations)
    return model.score(X_test, y_test), evaluations


def adam(problem, seed: int):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    X_train, X_test, y_train, y_test, hidden, classify = problem
    cls = MLPClassifier if classify else MLPRegressor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(hidden_layer_sizes=hidden, max_iter=5000, random_state=seed)
        model.fit(X_train, y_train)
    return model.score(X_test, y_test), int(model.n_iter_)


def evosax_es(problem, seed: int, name: str, budget: int):
    """An evosax strategy on the same MLP and surrogate (log-loss or MSE of standardised y)."""
    import jax
    import optax
    from evosax.algorithms import SNES, Open_ES, Sep_CMA_ES
    from jax.flatten_util import ravel_pytree

    from jaxclimb.datasets.tasks import (
        classification_task,
        make_network,
        make_objective,
        regression_task,
    )

    X_train, X_test, y_train, y_test, hidden, classify = problem
    mean, scale = (0.0, 1.0) if classify else (y_train.mean(), y_train.std())
    task = classification_task(len(np.unique(y_train))) if classify else regression_task(1)
    net = make_network(task, X_train.shape[1], hidden=hidden, activation="tanh", init="glorot")
    metric = "log_loss" if classify else "mse"
    score = make_objective(net, X_train, (y_train - mean) / scale, task=task, metric=metric)
    flat, unravel = ravel_pytree(net.init(jax.random.key(seed)))
    population = 64
    if name == "OpenES":
        es = Open_ES(population, flat, optimizer=optax.adam(0.03),
                     std_schedule=optax.constant_schedule(0.05))  # fmt: skip
    else:
        es = (SNES if name == "SNES" else Sep_CMA_ES)(population, flat)
    params = es.default_params
    if name != "OpenES":
        params = params.replace(std_init=0.1)
    fitness = jax.vmap(lambda v: -score(unravel(v)))  # evosax minimises

    def search(key):
        def body(state, k):
            ka, kt = jax.random.split(k)
            x, state = es.ask(ka, state, params)
            state, _ = es.tell(kt, x, fitness(x), state, params)
            return state, None

        k0, k1 = jax.random.split(key)
        state = es.init(k0, flat, params)
        return jax.lax.scan(body, state, jax.random.split(k1, budget // population))[0].mean

    best = unravel(jax.jit(search)(jax.random.key(seed)))
    out = np.asarray(net.logits(best, X_test))
    if classify:
        predicted = out.argmax(1) if out.shape[1] > 1 else (out[:, 0] > 0).astype(int)
        return float(np.mean(predicted == y_test)), budget // population * population
    from sklearn.metrics import r2_score

    return float(r2_score(y_test, out[:, 0] * scale + mean)), budget // population * population


def mlrose(problem, seed: int, seconds: float, budget: int):
    import mlrose_ky

    X_train, X_test, y_train, y_test, hidden, classify = problem
    y_fit = np.eye(len(np.unique(y_train)))[y_train] if classify else y_train

    def fit(iterations):
        nn = mlrose_ky.NeuralNetwork(hidden_nodes=list(hidden), activation="tanh",
                                     algorithm="random_hill_climb", max_iters=iterations,
                                     is_classifier=classify, learning_rate=0.1,
                                     max_attempts=iterations, random_state=seed)  # fmt: skip
        start = time.perf_counter()
        nn.fit(X_train, y_fit)
        return nn, time.perf_counter() - start

    _, probe = fit(100)
    iterations = int(min(budget, max(100, 100 * seconds / max(probe, 1e-9))))
    nn, _ = fit(iterations)
    pred = nn.predict(X_test)
    if classify:
        return float(np.mean(pred.argmax(1) == y_test)), iterations
    from sklearn.metrics import r2_score

    return float(r2_score(y_test, np.ravel(pred))), iterations


def one(method: str, problem, seed: int, args) -> tuple[float, int]:
    from jaxclimb.algorithms import REGISTRY

    if method == "default":
        return estimator(problem, seed)
    if method in REGISTRY:
        return estimator(problem, seed, algorithm=method, budget=args.budget)
    if method == "adam":
        return adam(problem, seed)
    if method.startswith("evosax-"):
        return evosax_es(problem, seed, method.split("-", 1)[1], args.budget)
    if method == "mlrose-ky":
        return mlrose(problem, seed, args.mlrose_seconds, args.budget)
    raise ValueError(f"unknown method {method!r}")


def table(runs: list[dict], methods: list[str], names: list[str]) -> str:
    """Markdown: per problem and method, median test score, evaluations and seconds."""
    lines = ["| problem | method | test score | evaluations | seconds |"]
    lines.append("|---|---|---:|---:|---:|")
    for name in names:
        for method in methods:
            mine = [r for r in runs if r["problem"] == name and r["method"] == method]
            if not mine:
                continue
            med = {k: statistics.median(r[k] for r in mine) for k in ("test", "evals", "seconds")}
            lines.append(f"| {name} | {method} | {med['test']:.3f} | {med['evals']:,.0f} | "
                         f"{med['seconds']:.1f} |")  # fmt: skip
    return "\n".join(lines)


def main(argv=None) -> None:
    from jaxclimb.algorithms import REGISTRY

    every = ["default", *REGISTRY, "adam", *(f"evosax-{n}" for n in EVOSAX), "mlrose-ky"]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--budget", type=int, default=64_000, help="evaluations of the searches")
    p.add_argument("--problems", default=",".join(["A", "iris", *STANDINS]))
    p.add_argument("--methods", default=",".join(every))
    p.add_argument("--mlrose-seconds", type=float, default=20.0)
    p.add_argument("--out", default=default_path("quality.json"))
    args = p.parse_args(argv)
    data, names, methods = problems(), args.problems.split(","), args.methods.split(",")
    runs = []
    for name in names:
        for method in methods:
            for seed in range(args.seeds):
                start = time.perf_counter()
                try:
                    test, evals = one(method, data[name], seed, args)
                except ValueError as exc:  # mlrose-ky cannot fit continuous targets
                    print(f"{name} {method}: {str(exc)[:60]}")
                    continue
                seconds = time.perf_counter() - start
                runs.append({"problem": name, "method": method, "seed": seed, "test": test,
                             "evals": evals, "seconds": seconds})  # fmt: skip
                print(f"{name:9} {method:16} seed {seed}: test {test:.3f}, {evals:,} "
                      f"evaluations, {seconds:.1f} s", flush=True)  # fmt: skip
    print(table(runs, methods, names))
    write_json(args.out, {"cpu": platform.processor() or platform.machine(),
                          "settings": vars(args), "runs": runs})  # fmt: skip


if __name__ == "__main__":
    main()

"""Incremental evaluation against the full forward pass, on the large-network stand-in.

    python benchmarks/incremental.py [--json PATH] [--fit-budget N] [--skip-before]

Stand-in: make_classification(6,000 rows, 784 features, 200 informative, 10 classes),
5,000 rows searched and 1,000 held out; MLPs 784-64-10 and 784-256-10 (tanh, softmax,
Glorot), log-loss searched. It measures, in one run:

* evaluations/s of a hill-climbing step (4 climbers, the default population for these
  networks, the 1/5 rule): today's default move (1% of the weights, Gaussian), scored by
  a full forward pass, against unit moves scored incrementally (one unit's fan-in; and the
  (1+8) climber, whose eight candidates share one read of the data);
* the default ClimbingClassifier(hidden_layer_sizes=(64,)) fit: wall time, test accuracy,
  against scikit-learn's MLPClassifier((64,)) (Adam); ``--skip-before`` leaves out the fit
  with the previous default move (a full pass per move: minutes).

It prints a table, names the machine (lscpu's model name) and the load average before and
after (the machine is shared: every timing is under that load), and writes JSON (default
benchmarks/results/incremental.json).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _report import cpu_model, default_path, write_json
from sklearn.datasets import make_classification

import jaxclimb as jc
from jaxclimb.algorithms.defaults import mutate_count_for


def data():
    X, y = make_classification(6000, 784, n_informative=200, n_classes=10, random_state=0)
    X = X.astype(np.float32)
    return X[:5000], y[:5000], X[5000:], y[5000:]


def throughput(X, y, hidden: int, name: str, options: dict, steps: int) -> dict:
    """Evaluations/s of ``steps`` steps of 4 climbers, the compiled program reused."""
    net = jc.MLP((784, hidden, 10), activation="tanh", output="softmax", init="glorot")
    score = jc.make_score_fn(net, X, y, metric="log_loss")
    algorithm = jc.hill_climb(score, step_size=0.1, adaptive=True, **options)
    run = lambda: jc.run(0, algorithm, net.init, population=4, steps=steps,  # noqa: E731
                         score_fn=score, progress=False)  # fmt: skip
    run()  # compiles
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    return {
        "network": f"784-{hidden}-10",
        "move": name,
        "incremental": bool(score.incremental and options.get("mutation") == "units"),
        "evaluations": int(result.total_evaluations),
        "seconds": seconds,
        "evals_per_s": float(result.total_evaluations) / seconds,
        "best_log_loss": float(-np.max(result.best_score)),
    }


def fit(X, y, X_test, y_test, label: str, **params) -> dict:
    start = time.perf_counter()
    est = jc.ClimbingClassifier(hidden_layer_sizes=(64,), random_state=0, **params).fit(X, y)
    return {
        "fit": label,
        "seconds": time.perf_counter() - start,
        "test_accuracy": float(est.score(X_test, y_test)),
        "search": est.search_,
    }


def adam(X, y, X_test, y_test) -> dict:
    from sklearn.neural_network import MLPClassifier

    start = time.perf_counter()
    est = MLPClassifier((64,), random_state=0, max_iter=200).fit(X, y)
    return {"fit": "MLPClassifier((64,)), Adam", "seconds": time.perf_counter() - start,
            "test_accuracy": float(est.score(X_test, y_test))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=default_path("incremental.json"))
    parser.add_argument("--fit-budget", type=int, default=None)
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    jc.use_cpu_cores()
    load_before = os.getloadavg()
    X, y, X_test, y_test = data()
    rows = []
    for hidden in (64, 256):
        count = mutate_count_for(jc.MLP((784, hidden, 10)).n_weights)
        rows.append(throughput(X, y, hidden, f"full pass, {count} weights (default)",
                               {"mutate_count": count}, steps=25))  # fmt: skip
        units = {"mutation": "units", "step_scale": "fan-in"}
        rows.append(throughput(X, y, hidden, "incremental, 1 unit", units, steps=500))
        rows.append(throughput(X, y, hidden, "incremental, 1 unit, (1+8)",
                               {**units, "n_candidates": 8}, steps=200))  # fmt: skip
    budget = {} if args.fit_budget is None else {"budget": args.fit_budget}
    fits = [adam(X, y, X_test, y_test), fit(X, y, X_test, y_test, "default", **budget)]
    if not args.skip_before:
        before = {"mutation": "gaussian", "mutate_count": 509, "step_scale": None}
        fits.append(fit(X, y, X_test, y_test, "previous default move (full pass)",
                        algorithm_params=before, **budget))  # fmt: skip
    report = {"machine": cpu_model(), "cores": os.cpu_count(), "load_before": load_before,
              "load_after": os.getloadavg(), "throughput": rows, "fits": fits}  # fmt: skip
    _print(report)
    write_json(args.json, report)


def _print(report: dict) -> None:
    print(f"{report['machine']}, {report['cores']} cores; load average "
          f"{report['load_before'][0]:.1f} before, {report['load_after'][0]:.1f} after "
          "(shared machine: every timing is under that load)")  # fmt: skip
    print(f"{'network':<12} {'move':<40} {'evals/s':>9} {'x full':>7}")
    full = {}
    for r in report["throughput"]:
        full.setdefault(r["network"], r["evals_per_s"])
        ratio = r["evals_per_s"] / full[r["network"]]
        print(f"{r['network']:<12} {r['move']:<40} {r['evals_per_s']:>9.0f} {ratio:>7.1f}")
    print(f"\n{'fit (5,000 rows, 784-64-10)':<44} {'seconds':>8} {'test acc':>9}")
    for f in report["fits"]:
        print(f"{f['fit']:<44} {f['seconds']:>8.1f} {f['test_accuracy']:>9.3f}")


if __name__ == "__main__":
    main()

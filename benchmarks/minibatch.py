"""Minibatch scoring on a large dataset: all rows per evaluation against a fresh batch of
rows per step (the current point and its candidates on the same rows; the best re-scored
on all rows at every chunk boundary), at an equal number of steps.

    python benchmarks/minibatch.py [--rows 200000] [--steps 300] [--json PATH]

make_classification(rows, 20 features, 10 informative), MLP 20-16-1 tanh with Glorot
weights, log-loss searched, 32 hill climbers moving 10% of the weights per step. It
prints a table (wall seconds, evaluations/s, full-data log-loss and accuracy of the chosen
climber on held-out rows) and writes JSON (default benchmarks/results/minibatch.json).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _report import default_path, write_json
from compile_cache import cpu_name
from sklearn.datasets import make_classification

import jaxclimb as jc


def one(X, y, X_test, y_test, batch_size, steps: int) -> dict:
    net = jc.MLP((X.shape[1], 16, 1), activation="tanh", init="glorot")
    score = jc.make_score_fn(net, X, y, metric="log_loss", batch_size=batch_size)
    algorithm = jc.hill_climb(score, step_size=0.1, mutate_fraction=0.1)
    start = time.perf_counter()
    r = jc.run(0, algorithm, net.init, population=32, steps=steps, score_fn=score,
               progress=False)  # fmt: skip
    chosen = r.best_index()
    return {
        "batch_size": score.batch_size or len(X),
        "wall_s": time.perf_counter() - start,
        "compile_s": r.compile_seconds,
        "evals_per_s": r.evaluations_per_second,
        "train_log_loss": float(r.best_metric[chosen]),
        "test_log_loss": float(r.evaluate(X_test, y_test, metric="log_loss")[chosen]),
        "test_accuracy": float(r.evaluate(X_test, y_test, metric="accuracy")[chosen]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--json", default=default_path("minibatch.json"))
    args = parser.parse_args()
    jc.use_cpu_cores()
    X, y = make_classification(args.rows + 10_000, 20, n_informative=10, random_state=0)
    X = X.astype(np.float32)
    X, X_test, y, y_test = X[: args.rows], X[args.rows :], y[: args.rows], y[args.rows :]
    rows = {
        "all rows (batch_size=None)": one(X, y, X_test, y_test, None, args.steps),
        "auto (8,192-row batches)": one(X, y, X_test, y_test, "auto", args.steps),
        "1,024-row batches": one(X, y, X_test, y_test, 1024, args.steps),
    }
    print(f"{args.rows:,} rows, {args.steps} steps x 32 climbers ({cpu_name()}, "
          f"{os.cpu_count()} cores)")  # fmt: skip
    print(f"{'':28}{'wall s':>8}{'evals/s':>10}{'train ll':>10}{'test ll':>9}{'test acc':>9}")
    for name, v in rows.items():
        print(f"{name:28}{v['wall_s']:8.1f}{v['evals_per_s']:10,.0f}{v['train_log_loss']:10.4f}"
              f"{v['test_log_loss']:9.4f}{v['test_accuracy']:9.4f}")  # fmt: skip
    write_json(args.json, {"cpu": cpu_name(), "cores": os.cpu_count(), "rows": args.rows,
                           "steps": args.steps, "results": rows})  # fmt: skip


if __name__ == "__main__":
    main()

"""Fit time of mlrose's iris tutorial fits: mlrose-ky against ``jaxclimb.mlrose``.

    pip install ".[test]"; python benchmarks/mlrose_tutorial.py [--repeats 3] [--genetic]

The tutorial's fits (REFERENCE.md B: the network [2] relu by random hill climbing and by
gradient descent, logistic regression at two learning rates), plus simulated annealing
and (``--genetic``: mlrose-ky needs minutes) the genetic algorithm on the same network,
every one with the tutorial's arguments (max_iters 1000, early stopping after 100
attempts, clip_max 5, random_state 3). jaxclimb's first fit compiles; the fits after it
reuse the compiled program. Times are the best of ``--repeats`` fits (mlrose-ky's slow
genetic fit: one). Then, for the four tutorial fits, the mean loss and train/test accuracy
over ``--seeds`` random states in each library (random streams differ: only the
distributions can agree).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib.metadata import version

import mlrose_ky
import numpy as np
from _report import default_path, write_json
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from jaxclimb import mlrose

SHARED = dict(max_iters=1000, bias=True, early_stopping=True, clip_max=5, max_attempts=100,
              random_state=3)  # fmt: skip
NETWORK = dict(hidden_nodes=[2], activation="relu", learning_rate=0.0001)
FITS = {
    "NeuralNetwork random_hill_climb": ("NeuralNetwork", {"algorithm": "random_hill_climb"}),
    "NeuralNetwork gradient_descent": ("NeuralNetwork", {"algorithm": "gradient_descent"}),
    "LogisticRegression lr 0.0001": ("LogisticRegression", {"learning_rate": 0.0001}),
    "LogisticRegression lr 0.01": ("LogisticRegression", {"learning_rate": 0.01}),
    "NeuralNetwork simulated_annealing": ("NeuralNetwork", {"algorithm": "simulated_annealing"}),
    "NeuralNetwork genetic_alg": ("NeuralNetwork", {"algorithm": "genetic_alg"}),
}


def iris():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3)
    scaler = MinMaxScaler().fit(X_train)
    return scaler.transform(X_train), np.eye(3)[y_train], scaler.transform(X_test), y_test


def timed(make, X, Y, repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        model = make()
        start = time.perf_counter()
        model.fit(X, Y)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--genetic", action="store_true", help="include the genetic algorithm")
    parser.add_argument("--seeds", type=int, default=10, help="seeds of the quality table")
    parser.add_argument("--out", default=default_path("mlrose_tutorial.json"))
    args = parser.parse_args()
    X, Y, X_test, y_test = iris()
    rows = []
    print(f"{'fit':36s} {'mlrose-ky s':>11s} {'first fit s':>11s} {'after s':>8s} {'speed-up':>8s}")
    for name, (model, settings) in FITS.items():
        if "genetic" in name and not args.genetic:
            continue
        kwargs = {**SHARED, **(NETWORK if model == "NeuralNetwork" else {}), **settings}
        ours = timed(lambda m=model, k=kwargs: getattr(mlrose, m)(**k), X, Y, 1 + args.repeats)
        repeats = 1 if "genetic" in name else args.repeats
        theirs = timed(lambda m=model, k=kwargs: getattr(mlrose_ky, m)(**k), X, Y, repeats)
        best = min(ours[1:])
        row = {"fit": name, "mlrose_ky_seconds": min(theirs), "jaxclimb_first_fit_seconds": ours[0],
               "jaxclimb_seconds": best, "speedup": min(theirs) / best}  # fmt: skip
        rows.append(row)
        print(f"{name:36s} {row['mlrose_ky_seconds']:11.3f} {ours[0]:11.2f} "
              f"{row['jaxclimb_seconds']:8.3f} {row['speedup']:7.0f}x")  # fmt: skip
    quality = [same_quality(name, X, Y, X_test, y_test, args.seeds)
               for name in list(FITS)[:4] if args.seeds]  # fmt: skip
    write_json(args.out, {
        "machine": platform.machine(), "cpus": os.cpu_count(),
        "mlrose_ky": version("mlrose-ky"),
        "repeats": args.repeats, "rows": rows, "seeds": args.seeds, "quality": quality,
    })  # fmt: skip


def same_quality(name, X, Y, X_test, y_test, seeds: int) -> dict:
    """Mean loss and accuracies over ``seeds`` random states (1, 2, ...), both libraries."""
    model, settings = FITS[name]
    kwargs = {**SHARED, **(NETWORK if model == "NeuralNetwork" else {}), **settings}
    row = {"fit": name}
    for label, lib in (("mlrose_ky", mlrose_ky), ("jaxclimb", mlrose)):
        runs = []
        for seed in range(1, seeds + 1):
            m = getattr(lib, model)(**{**kwargs, "random_state": seed}).fit(X, Y)
            train = np.mean(m.predict(X).argmax(axis=1) == Y.argmax(axis=1))
            runs.append((m.loss, train, np.mean(m.predict(X_test).argmax(axis=1) == y_test)))
        row[label] = dict(
            zip(("loss", "train", "test"), np.mean(runs, axis=0).tolist(), strict=True)
        )
    print(f"{name:36s} mean over {seeds} seeds, mlrose-ky / jaxclimb: "
          + ", ".join(f"{k} {row['mlrose_ky'][k]:.3f} / {row['jaxclimb'][k]:.3f}"
                      for k in ("loss", "train", "test")))  # fmt: skip
    return row


if __name__ == "__main__":
    main()

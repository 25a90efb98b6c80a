"""The independent check: default estimators beside Adam on scikit-learn's held-out data.

    python benchmarks/heldout.py [--seeds 3]

scikit-learn's bundled real data sets other than iris were never used to choose a default
(the defaults were tuned on the synthetic stand-ins of ``standins.py``, iris and problem A).
This script is the check that they carry over: digits (64 features x 10 classes, hidden
(32,)), breast cancer (30 x 2, hidden (16,)), wine (13 x 3, hidden (8,)) and diabetes
(10 features, regression, hidden (8,)): the shapes the stand-ins imitate. A 75/25 split
(stratified for classes, ``random_state=0``), features standardised on the training rows;
the default ``ClimbingClassifier`` / ``ClimbingRegressor`` and scikit-learn's
``MLPClassifier`` / ``MLPRegressor`` (Adam, ``max_iter=5000``) with the same layers, seeds
0..N-1. Test accuracy (R² for diabetes) and fit seconds; prints a table, writes JSON.
Run it to report, never to tune: a default changed because of it makes it no check.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from _report import cpu_model, default_path, write_json
from quality import adam, estimator

HELD_OUT = {  # name: (loader, hidden, is_classification)
    "digits": ("load_digits", (32,), True),
    "breast_cancer": ("load_breast_cancer", (16,), True),
    "wine": ("load_wine", (8,), True),
    "diabetes": ("load_diabetes", (8,), False),
}
METHODS = {"default": estimator, "adam": adam}


def problem(name: str) -> tuple:
    """``(X_train, X_test, y_train, y_test, hidden, is_classification)``."""
    import sklearn.datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    loader, hidden, classify = HELD_OUT[name]
    X, y = getattr(sklearn.datasets, loader)(return_X_y=True)
    parts = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y if classify else None)
    X_train, X_test, y_train, y_test = parts
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = (scaler.transform(a).astype(np.float32) for a in (X_train, X_test))
    return X_train, X_test, y_train, y_test, hidden, classify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--json", default=default_path("heldout.json"))
    args = parser.parse_args()
    runs = []
    for name in HELD_OUT:
        data = problem(name)
        for method, fit in METHODS.items():
            for seed in range(args.seeds):
                start = time.perf_counter()
                score, _ = fit(data, seed)
                seconds = time.perf_counter() - start
                runs.append({"problem": name, "method": method, "seed": seed,
                             "score": float(score), "seconds": seconds})  # fmt: skip
                print(f"{name:14s} {method:8s} seed {seed}: {score:.3f} ({seconds:.1f} s)",
                      flush=True)  # fmt: skip
    print(f"\nmedian over {args.seeds} seeds, test accuracy (R² for diabetes), fit seconds")
    for method in METHODS:
        cells = []
        for name in HELD_OUT:
            mine = [r for r in runs if r["problem"] == name and r["method"] == method]
            score = statistics.median(r["score"] for r in mine)
            seconds = max(r["seconds"] for r in mine)
            cells.append(f"{name} {score:.3f} (<= {seconds:.1f} s)")
        print(f"{method:8s} " + " | ".join(cells))
    write_json(args.json, {"cpu": cpu_model(), "seeds": args.seeds, "runs": runs})


if __name__ == "__main__":
    main()

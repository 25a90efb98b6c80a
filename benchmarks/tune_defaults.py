"""The experiment behind the estimators' scaled defaults: each default changed alone.

    PYTHONPATH=. python benchmarks/tune_defaults.py --seeds 2

On the synthetic stand-ins of ``standins.py`` (never scikit-learn's bundled real data), at
the default budget of 64,000 evaluations: the defaults, the previous defaults (the
tutorial's: sigmoid, U(0, 1) weights, accuracy searched, every weight moved, 64 x 1000),
and one setting changed at a time. Prints a markdown table of median test scores and
writes every run to ``benchmarks/results/tune_defaults.json``.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import time

from _report import default_path, write_json
from standins import STANDINS, standin

import jaxclimb as jc
from jaxclimb.algorithms.defaults import MOVED_FRACTION, population_for

OLD = dict(activation="sigmoid", init="uniform", objective="accuracy", mutate_fraction=None,
           alpha=0.0, population_size=64, max_steps=1000)  # fmt: skip


def variants(n_weights: int, classify: bool) -> dict:
    """Settings per row, for a network of ``n_weights``."""
    count = lambda f: {"algorithm_params": {"mutate_count": max(1, round(f * n_weights))}}  # noqa: E731
    population = population_for(n_weights)
    return {
        "defaults": {},
        "previous defaults": {**OLD, "objective": "accuracy" if classify else "mse"},
        "alpha 0": {"alpha": 0.0},
        "alpha 1": {"alpha": 1.0},
        "alpha 100": {"alpha": 100.0},
        f"moves {MOVED_FRACTION / 3:.2%}": count(MOVED_FRACTION / 3),
        f"moves {MOVED_FRACTION * 3:.0%}": count(MOVED_FRACTION * 3),
        "no 1/5 rule": {"algorithm_params": {"adaptive": False}},
        "population x2": {"population_size": 2 * population},
        "population / 2": {"population_size": max(1, population // 2)},
        "step scale fan-in": {"algorithm_params": {"step_scale": "fan-in"}},
    }


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--problems", default=",".join(STANDINS))
    p.add_argument("--variants", default=None, help="comma-separated rows (default: all)")
    p.add_argument("--out", default=default_path("tune_defaults.json"))
    args = p.parse_args(argv)
    runs, rows = [], {}
    for name in args.problems.split(","):
        X_train, X_test, y_train, y_test, hidden = standin(name)
        cls = jc.ClimbingClassifier if STANDINS[name][1] else jc.ClimbingRegressor
        features, classes = X_train.shape[1], STANDINS[name][1]
        outputs = 1 if classes in (0, 2) else classes
        sizes = (features, *hidden, outputs)
        n = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
        for label, settings in variants(n, classes > 0).items():
            if args.variants and label not in args.variants.split(","):
                continue
            for seed in range(args.seeds):
                start = time.perf_counter()
                model = cls(hidden_layer_sizes=hidden, random_state=seed, **settings)
                model.fit(X_train, y_train)
                run = {"problem": name, "variant": label, "seed": seed,
                       "test": model.score(X_test, y_test), "train": model.score(X_train, y_train),
                       "seconds": time.perf_counter() - start}  # fmt: skip
                runs.append(run)
                rows.setdefault(label, {}).setdefault(name, []).append(run["test"])
                print(run, flush=True)
    names = args.problems.split(",")
    print("| setting | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label, by in rows.items():
        cells = " | ".join(f"{statistics.median(by[n]):.3f}" for n in names)
        print(f"| {label} | {cells} |")
    write_json(args.out, {"cpu": platform.processor() or platform.machine(), "runs": runs})


if __name__ == "__main__":
    main()

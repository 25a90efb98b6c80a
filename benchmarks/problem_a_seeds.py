"""Problem A across seeds: the climber ``jaxclimb run`` chooses, for several searches.

    python benchmarks/problem_a_seeds.py [--seeds 10] [--configs NAME,...]

The tutorial's MLP 5-10-1 (sigmoid transfers, U(0, 1) weights, step size 0.1) on REFERENCE.md
problem A. Each search runs with seeds 0..N-1 (``jaxclimb run --seed``); the climber chosen
is the best by training accuracy (ties broken by the searched score), as ``jaxclimb run``
chooses. Prints, per search, the chosen climber's train and test accuracy (median and range
over seeds), seed 0's (the default run), and how many seeds reach both 0.89 train and 0.86
test; writes JSON.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _report import cpu_model, default_path, write_json

import jaxclimb as jc
from jaxclimb.datasets.tasks import choose

# name: (searched metric, hill_climb options, population, steps)
CONFIGS = {
    "accuracy (the tutorial's) 256 x 1000: default": ("accuracy", {}, 256, 1000),
    "accuracy (the tutorial's) 256 x 2000": ("accuracy", {}, 256, 2000),
    "accuracy (the tutorial's) 256 x 4000": ("accuracy", {}, 256, 4000),
    "log-loss + 1/5 rule 256 x 1000": ("log_loss", {"adaptive": True}, 256, 1000),
    "log-loss + 1/5 rule 256 x 4000": ("log_loss", {"adaptive": True}, 256, 4000),
    "log-loss + 1/5 rule 128 x 8000": ("log_loss", {"adaptive": True}, 128, 8000),
}
TRAIN_BAR, TEST_BAR = 0.89, 0.86  # issue 13's criterion for the default run


def chosen_scores(config, seeds: int) -> np.ndarray:
    """``(seeds, 2)``: the chosen climber's train and test accuracy for each seed."""
    metric, options, population, steps = config
    X_train, X_test, y_train, y_test = jc.datasets.problem_a()
    net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
    score = jc.make_score_fn(net, X_train, y_train, metric=metric)
    algorithm = jc.hill_climb(score, step_size=0.1, **options)
    rows = []
    for seed in range(seeds):
        result = jc.run(seed, algorithm, net.init, population=population, steps=steps,
                        score_fn=score, progress=False)  # fmt: skip
        train = result.evaluate(X_train, y_train, metric="accuracy")
        test = result.evaluate(X_test, y_test, metric="accuracy")
        best = choose(train, result.best_score)
        rows.append((train[best], test[best]))
    return np.asarray(rows, np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated names")
    parser.add_argument("--json", default=default_path("problem_a_seeds.json"))
    args = parser.parse_args()
    report = {"cpu": cpu_model(), "seeds": args.seeds, "rows": []}
    print(f"{'search':44s} {'train median [range]':>22s} {'test median [range]':>22s} "
          f"{'seed 0':>13s} {'both bars':>9s}")  # fmt: skip
    for name in args.configs.split(","):
        start = time.perf_counter()
        scores = chosen_scores(CONFIGS[name], args.seeds)
        both = int(((scores[:, 0] >= TRAIN_BAR) & (scores[:, 1] >= TEST_BAR)).sum())
        row = {"search": name, "train": scores[:, 0].tolist(), "test": scores[:, 1].tolist(),
               "both_bars": both, "seconds": time.perf_counter() - start}  # fmt: skip
        report["rows"].append(row)
        span = [f"{np.median(s):.4f} [{s.min():.4f}, {s.max():.4f}]" for s in scores.T]
        print(
            f"{name:44s} {span[0]:>22s} {span[1]:>22s} "
            f"{scores[0, 0]:.4f}/{scores[0, 1]:.4f} {both:>4d}/{args.seeds}",
            flush=True,
        )
    write_json(args.json, report)


if __name__ == "__main__":
    main()

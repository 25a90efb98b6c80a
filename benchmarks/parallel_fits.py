"""GridSearchCV over ClimbingClassifier with ``n_jobs=1`` and ``n_jobs=2``: does a second
worker process pay for its own compilation?

    python benchmarks/parallel_fits.py [--repeats 2] [--json PATH]

Every measurement is a fresh Python process, as a user's script would be: it imports
jaxclimb, builds the grid search of ``examples/grid_search.py`` (iris in a Pipeline with a
scaler, 3 step sizes x 2 population sizes x 5 folds, 30 fits and the refit) and times
``grid.fit``. The estimators keep compiled programs in the user's cache folder
(``JAXCLIMB_COMPILE_CACHE``); here each cache state gets a folder of its own:

* ``cache off``: ``JAXCLIMB_COMPILE_CACHE=off``, every process compiles (the old behaviour);
* ``cold cache``: an empty folder, the first grid search a user runs;
* ``warm cache``: the folder a previous grid search filled, every later one.

It prints a table (best and median of ``--repeats`` processes, seconds) and writes JSON
(default benchmarks/results/parallel_fits.json) naming the machine (``lscpu``'s model
name and the core count). On a shared machine the timings are noisy: say the load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _report import cpu_model, default_path, write_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ("cache off", "cold cache", "warm cache")


def child(n_jobs: int) -> None:
    """One grid search in this process; prints ``{"seconds": ..., "best": ...}``."""
    from sklearn.datasets import load_iris
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    import jaxclimb as jc

    X, y = load_iris(return_X_y=True)
    net = jc.ClimbingClassifier(hidden_layer_sizes=(4,), max_steps=500, random_state=0)
    grid = GridSearchCV(
        Pipeline([("scale", StandardScaler()), ("climb", net)]),
        {"climb__step_size": [0.03, 0.1, 0.3], "climb__population_size": [16, 64]},
        cv=5,
        n_jobs=n_jobs,
    )
    start = time.perf_counter()
    grid.fit(X, y)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "best": grid.best_score_}))


def measure(n_jobs: int, cache: str) -> dict:
    """A fresh process's grid search with ``JAXCLIMB_COMPILE_CACHE=cache``."""
    env = dict(os.environ, PYTHONPATH=ROOT, JAXCLIMB_COMPILE_CACHE=cache)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", str(n_jobs)], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    report = json.loads(out.strip().splitlines()[-1])
    return {**report, "process_seconds": time.perf_counter() - start}


def run_all(repeats: int) -> dict:
    """``{mode: {n_jobs: [measurement, ...]}}``."""
    rows: dict = {mode: {1: [], 2: []} for mode in MODES}
    for _ in range(repeats):
        for n_jobs in (1, 2):
            rows["cache off"][n_jobs].append(measure(n_jobs, "off"))
            with tempfile.TemporaryDirectory() as folder:
                rows["cold cache"][n_jobs].append(measure(n_jobs, folder))
                rows["warm cache"][n_jobs].append(measure(n_jobs, folder))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="processes per cell (2)")
    parser.add_argument("--json", default=default_path("parallel_fits.json"))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)
    rows = run_all(args.repeats)
    load = os.getloadavg()[0]
    print(f"GridSearchCV(ClimbingClassifier) fit seconds, 31 fits ({cpu_model()}, "
          f"{os.cpu_count()} cores, load {load:.1f} before the last run)")  # fmt: skip
    print(f"{'':12}{'n_jobs=1 best':>15}{'median':>8}{'n_jobs=2 best':>15}{'median':>8}"
          f"{'ratio 2/1':>11}")  # fmt: skip
    for mode, by_jobs in rows.items():
        one, two = ([m["seconds"] for m in by_jobs[j]] for j in (1, 2))
        print(f"{mode:12}{min(one):15.1f}{statistics.median(one):8.1f}{min(two):15.1f}"
              f"{statistics.median(two):8.1f}{min(two) / min(one):11.2f}")  # fmt: skip
    write_json(args.json, {"cpu": cpu_model(), "cores": os.cpu_count(), "load_1min": load,
                           "repeats": args.repeats, "fits": 31, "rows": rows})  # fmt: skip


if __name__ == "__main__":
    main()

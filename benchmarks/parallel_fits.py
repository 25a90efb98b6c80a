"""GridSearchCV over ClimbingClassifier with ``n_jobs=1`` and ``n_jobs=2``: does a second
worker process pay for its own compilation?

    python benchmarks/parallel_fits.py [--workload example|default] [--repeats 2] [--json PATH]

Every measurement is a fresh Python process, as a user's script would be: it imports
jaxclimb, builds a grid search over iris in a Pipeline with a scaler and times
``grid.fit``. ``--workload example`` is ``examples/grid_search.py``'s (a 4-unit network,
500 steps, 3 step sizes x 2 population sizes x 5 folds: 30 short fits and the refit, two
programs); ``default`` is the default ``ClimbingClassifier()`` (its budget of 64,000
evaluations) over 3 step sizes x 5 folds (15 fits and the refit, one program). The
estimators keep compiled programs in the user's cache folder
(``JAXCLIMB_COMPILE_CACHE``); here each cache state gets a folder of its own:

* ``cache off``: ``JAXCLIMB_COMPILE_CACHE=off``, every process compiles (the old behaviour);
* ``cold cache``: an empty folder, the first grid search a user runs;
* ``warm cache``: the folder a previous grid search filled, every later one;
* ``threads``: warm cache, the fits inside ``joblib.parallel_config(backend="threading")``:
  ``n_jobs=2`` runs two fits at once in the user's process (XLA releases the GIL), so no
  worker process imports scikit-learn and JAX (about 2 s each here) or loads programs.

It prints a table (best and median of ``--repeats`` processes, seconds) and writes JSON
(default benchmarks/results/parallel_fits_WORKLOAD.json) naming the machine (``lscpu``'s model
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
MODES = ("cache off", "cold cache", "warm cache", "threads")


GRIDS = {
    "example": (
        {"hidden_layer_sizes": (4,), "max_steps": 500},
        {"climb__step_size": [0.03, 0.1, 0.3], "climb__population_size": [16, 64]},
    ),
    "default": ({}, {"climb__step_size": [0.03, 0.1, 0.3]}),
}


def child(n_jobs: int, workload: str, backend: str) -> None:
    """One grid search in this process; prints ``{"seconds": ..., "best": ...}``."""
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    import jaxclimb as jc

    X, y = load_iris(return_X_y=True)
    settings, grid_values = GRIDS[workload]
    net = jc.ClimbingClassifier(random_state=0, **settings)
    pipe = Pipeline([("scale", StandardScaler()), ("climb", net)])
    grid = GridSearchCV(pipe, grid_values, cv=5, n_jobs=n_jobs)
    start = time.perf_counter()
    with joblib.parallel_config(backend=backend):
        grid.fit(X, y)
    seconds = time.perf_counter() - start
    fits = len(grid.cv_results_["params"]) * 5 + 1
    print(json.dumps({"seconds": seconds, "best": grid.best_score_, "fits": fits}))


def measure(n_jobs: int, cache: str, workload: str, backend: str = "loky") -> dict:
    """A fresh process's grid search with ``JAXCLIMB_COMPILE_CACHE=cache``."""
    env = dict(os.environ, PYTHONPATH=ROOT, JAXCLIMB_COMPILE_CACHE=cache)
    start = time.perf_counter()
    command = [sys.executable, __file__, "--child", str(n_jobs), "--workload", workload,
               "--backend", backend]  # fmt: skip
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    return {**report, "process_seconds": time.perf_counter() - start}


def run_all(repeats: int, workload: str) -> dict:
    """``{mode: {n_jobs: [measurement, ...]}}``."""
    rows: dict = {mode: {1: [], 2: []} for mode in MODES}
    for _ in range(repeats):
        for n_jobs in (1, 2):
            rows["cache off"][n_jobs].append(measure(n_jobs, "off", workload))
            with tempfile.TemporaryDirectory() as folder:
                rows["cold cache"][n_jobs].append(measure(n_jobs, folder, workload))
                rows["warm cache"][n_jobs].append(measure(n_jobs, folder, workload))
                rows["threads"][n_jobs].append(measure(n_jobs, folder, workload, "threading"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="processes per cell (2)")
    parser.add_argument("--workload", choices=sorted(GRIDS), default="example")
    parser.add_argument("--json", help="default: benchmarks/results/parallel_fits_WORKLOAD.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="loky", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.workload, args.backend)
    load_before = os.getloadavg()[0]
    rows = run_all(args.repeats, args.workload)
    load = os.getloadavg()[0]
    fits = rows["cache off"][1][0]["fits"]
    print(f"GridSearchCV(ClimbingClassifier) fit seconds, {args.workload} grid, {fits} fits "
          f"({cpu_model()}, {os.cpu_count()} cores; 1-min load {load_before:.1f} before, "
          f"{load:.1f} after)")  # fmt: skip
    print(f"{'':12}{'n_jobs=1 best':>15}{'median':>8}{'n_jobs=2 best':>15}{'median':>8}"
          f"{'ratio 2/1':>11}")  # fmt: skip
    for mode, by_jobs in rows.items():
        one, two = ([m["seconds"] for m in by_jobs[j]] for j in (1, 2))
        print(f"{mode:12}{min(one):15.1f}{statistics.median(one):8.1f}{min(two):15.1f}"
              f"{statistics.median(two):8.1f}{min(two) / min(one):11.2f}")  # fmt: skip
    path = args.json or default_path(f"parallel_fits_{args.workload}.json")
    report = {"cpu": cpu_model(), "cores": os.cpu_count(), "workload": args.workload,
              "fits": fits, "load_1min": [load_before, load], "repeats": args.repeats,
              "rows": rows}  # fmt: skip
    write_json(path, report)


if __name__ == "__main__":
    main()

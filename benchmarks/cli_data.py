"""``jaxclimb run --data`` on spreadsheet-written CSVs against the estimator in a pipeline.

Five stand-ins (``make_classification`` / ``make_regression``, never bundled data) are
written as a spreadsheet writes them: a quoted header, quoted text labels, CRLF line
ends. Each is run through the command line (``python -m jaxclimb run --data ... --out``);
the saved result's chosen climber is scored on the CLI's own test split, and
``make_pipeline(StandardScaler(), ClimbingClassifier())`` (or ``ClimbingRegressor``, in
R²) is fitted on the CLI's training split and scored on the same test split. Done when
every CLI score is within 0.01 of the pipeline's (or above it).

Run: ``python benchmarks/cli_data.py [--only NAME ...] [--out FILE.json]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _report import cpu_model, default_path, write_json

TOLERANCE = 0.01
"""How far below the pipeline's test score the CLI's may be."""

CASES = {
    # name: (features, classes (0: regression), rows, text labels, target scale)
    "binary8": (8, 2, 300, False, 1.0),
    "three13": (13, 3, 180, True, 1.0),
    "four10": (10, 4, 500, True, 1.0),
    "reg6": (6, 0, 300, False, 1.0),
    "reg10_big": (10, 0, 400, False, 1e6),
}
"""The stand-ins: ``(n_features, n_classes or 0, n_rows, labels as words, y multiplier)``."""

WORDS = ("alpha", "beta", "gamma", "delta")


def standin(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of stand-in ``name``: raw (unscaled, offset) features, labels or targets."""
    features, classes, rows, words, scale = CASES[name]
    rng = np.random.default_rng(seed)
    if classes:
        X, y = make_data(True, rows, features, classes, seed)
        y = np.asarray(WORDS)[y] if words else y
    else:
        X, y = make_data(False, rows, features, 0, seed)
        y = np.tanh(y / np.std(y)) * np.std(y) * scale  # some curvature for the hidden units
    X = X * rng.uniform(0.5, 20.0, features) + rng.uniform(-50, 50, features)  # raw units
    return X, y


def make_data(classification: bool, rows: int, features: int, classes: int, seed: int):
    """``make_classification`` or ``make_regression`` with the benchmarks' settings."""
    from sklearn.datasets import make_classification, make_regression

    if classification:
        return make_classification(
            n_samples=rows, n_features=features, n_informative=max(2, features // 2),
            n_redundant=features // 4, n_classes=classes, n_clusters_per_class=1,
            class_sep=1.0, flip_y=0.02, random_state=seed,
        )  # fmt: skip
    return make_regression(n_samples=rows, n_features=features, n_informative=features // 2,
                           noise=10.0, random_state=seed)  # fmt: skip


def write_spreadsheet_csv(path: str, X: np.ndarray, y: np.ndarray) -> None:
    """A quoted header, quoted text cells, CRLF line ends: as spreadsheets export."""
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        out.writerow([f"feature {i + 1}" for i in range(X.shape[1])] + ["target"])
        for row, label in zip(X.tolist(), y.tolist(), strict=True):
            out.writerow([*(float(f"{v:.6g}") for v in row), label])


def cli_score(path: str, out: str, extra: list[str]) -> tuple[float, str, float]:
    """``(test score of the chosen climber, how it was chosen, seconds)`` of one CLI run."""
    from jaxclimb import SearchResult

    command = [sys.executable, "-m", "jaxclimb", "run", "--data", path, "--target", "target",
               "--out", out, "--quiet", *extra]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    chosen_line = next(line for line in done.stdout.splitlines() if line.startswith("chosen"))
    result = SearchResult.load(out)
    rows = result.config["rows"]
    test = rows.get("test accuracy", rows.get("test r2"))
    return float(test[0]), chosen_line, seconds


def cli_split(path: str, classification: bool) -> tuple:
    """The CLI's split of ``path`` (its defaults: test_size 0.33, split_seed 1), raw labels."""
    from jaxclimb.datasets import split
    from jaxclimb.datasets.csvfile import load_csv

    X, y, _ = load_csv(path, "target")
    return split(X, y)


def pipeline_score(split_data: tuple, classification: bool, seed: int) -> float:
    """The estimator in a pipeline, fitted on the CLI's training split, on its test split."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from jaxclimb import ClimbingClassifier, ClimbingRegressor

    X_train, X_test, y_train, y_test = split_data
    model = ClimbingClassifier if classification else ClimbingRegressor
    pipe = make_pipeline(StandardScaler(), model(random_state=seed))
    return float(pipe.fit(X_train, y_train).score(X_test, y_test))


def run_case(name: str, folder: str, seed: int, extra: list[str]) -> dict:
    """One stand-in: its CSV written, the CLI run, the pipeline fitted; the row of the table."""
    X, y = standin(name)
    path = os.path.join(folder, f"{name}.csv")
    write_spreadsheet_csv(path, X, y)
    classification = CASES[name][1] > 0
    cli, chosen, seconds = cli_score(path, os.path.join(folder, f"{name}.npz"),
                                     ["--seed", str(seed), *extra])  # fmt: skip
    pipe = pipeline_score(cli_split(path, classification), classification, seed)
    return {"name": name, "metric": "accuracy" if classification else "r2", "cli": cli,
            "pipeline": pipe, "gap": pipe - cli, "ok": cli >= pipe - TOLERANCE,
            "chosen": chosen, "cli_seconds": round(seconds, 1)}  # fmt: skip


def main(argv=None) -> int:
    """Run the cases, print the table, write the JSON; exit 1 if a case misses."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", choices=sorted(CASES), default=sorted(CASES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cli-args", default="", help="extra options for jaxclimb run")
    p.add_argument("--out", default=default_path("cli_data.json"))
    args = p.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.only:
            rows.append(run_case(name, folder, args.seed, args.cli_args.split()))
            r = rows[-1]
            print(f"{r['name']:<10} {r['metric']:<8} cli {r['cli']:.4f}  pipeline "
                  f"{r['pipeline']:.4f}  gap {r['gap']:+.4f}  {'ok' if r['ok'] else 'MISS'}  "
                  f"({r['cli_seconds']} s)", flush=True)  # fmt: skip
    print("\n".join(r["chosen"] for r in rows[:1]))
    write_json(args.out, {"cases": rows, "tolerance": TOLERANCE, "seed": args.seed,
                          "cli_args": args.cli_args, "cpu": cpu_model()})  # fmt: skip
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

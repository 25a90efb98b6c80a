"""README's library snippet with and without ``jc.use_cpu_cores()`` (issue 27).

Each variant runs in a fresh process (the device count is fixed when JAX starts), in
alternation, ``--repeats`` times each; the table gives evaluations per second of the run
(compilation excluded). Prints a table and writes JSON.

    python benchmarks/snippet_cores.py [--repeats 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from _report import cpu_model, default_path, write_json

SNIPPET = """
import json, sys
import jax
import jaxclimb as jc
if sys.argv[1] == "cores":
    jc.use_cpu_cores()
X_train, X_test, y_train, y_test = jc.datasets.problem_a()
net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
score = jc.make_score_fn(net, X_train, y_train, metric="accuracy")
algorithm = jc.hill_climb(score, step_size=0.1)
result = jc.run(jax.random.key(0), algorithm, net.init, population=1024, steps=1000,
                score_fn=score, progress=False)
print(json.dumps({"devices": jax.device_count(), "eps": result.evaluations_per_second}))
"""


def measure(mode: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    done = subprocess.run([sys.executable, "-c", SNIPPET, mode], capture_output=True, text=True,
                          check=True, env=env)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default=default_path("snippet_cores.json"))
    args = parser.parse_args()
    runs = {"plain": [], "cores": []}
    for _ in range(args.repeats):
        for mode in runs:  # alternated: both see the same load
            runs[mode].append(measure(mode))
    rows = {}
    print(f"{'snippet':<28}{'devices':>8}{'median evals/s':>16}")
    for mode, found in runs.items():
        name = "jc.use_cpu_cores()" if mode == "cores" else "as it was (no call)"
        median = statistics.median(r["eps"] for r in found)
        rows[mode] = {"devices": found[0]["devices"], "median": median,
                      "runs": [r["eps"] for r in found]}  # fmt: skip
        print(f"{name:<28}{found[0]['devices']:>8}{median:>16,.0f}")
    ratio = rows["cores"]["median"] / rows["plain"]["median"]
    print(f"ratio {ratio:.2f}; cpu: {cpu_model()}, {os.cpu_count()} cores")
    note = "medians of runs alternated in fresh processes"
    report = {"cpu": cpu_model(), "cores": os.cpu_count(), "rows": rows, "ratio": ratio}
    write_json(args.json, {**report, "note": note})


if __name__ == "__main__":
    main()

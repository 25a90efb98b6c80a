"""Scaling: evaluations/s, compile time and peak memory against the population size P, the
number of data rows N and the number of (host) devices. Each point runs in its own process.

    python benchmarks/scaling.py [--full] [--json PATH] [--plot PATH]

Model: MLP 5-10-1 (sigmoid), accuracy, hill climbing. ``--full`` adds P = 10^6 and
N = 10^6 (several minutes each on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

from _report import write_json

POINT = """
import json, resource, sys, time
import jax
jax.config.update("jax_num_cpu_devices", int(sys.argv[1]))
import numpy as np
from sklearn.datasets import make_classification
import jaxclimb as jc
devices, population, rows, steps = map(int, sys.argv[1:5])
X, y = make_classification(n_samples=rows, n_features=5, n_informative=2, n_redundant=1,
                           random_state=1)
net = jc.MLP((5, 10, 1))
score = jc.make_score_fn(net, X.astype(np.float32), y)
r = jc.run(0, jc.hill_climb(score), net.init, population=population, steps=steps,
           record_every=max(1, steps // 10), score_fn=score, progress=False)
print(json.dumps({"devices": devices, "population": population, "rows": rows, "steps": steps,
                  "evals_per_s": r.evaluations_per_second, "compile_s": r.compile_seconds,
                  "block": r.config["block"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def point(devices, population, rows, steps):
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    out = subprocess.run([sys.executable, "-c", POINT, str(devices), str(population), str(rows),
                          str(steps)], capture_output=True, text=True, env=env)  # fmt: skip
    if out.returncode:
        return {"devices": devices, "population": population, "rows": rows,
                "error": out.stderr.strip().splitlines()[-1][:200]}  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    here = os.path.dirname(__file__)
    parser.add_argument("--json", default=os.path.join(here, "results", "scaling.json"))
    parser.add_argument("--plot", default=os.path.join(here, "results", "scaling.png"))
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    populations = [1, 64, 1024, 16_384, 131_072] + ([1_000_000] if args.full else [])
    row_counts = [1_000, 10_000, 100_000] + ([1_000_000] if args.full else [])
    runs = {"population": [], "rows": [], "devices": []}
    for p in populations:
        runs["population"].append(point(cores, p, 670, 100 if p <= 16_384 else 20))
        print("P", runs["population"][-1], flush=True)
    for n in row_counts:
        runs["rows"].append(point(cores, 64, n, 50 if n <= 100_000 else 10))
        print("N", runs["rows"][-1], flush=True)
    for d in (1, 2, 4):
        runs["devices"].append(point(d, 1024, 670, 300))
        print("devices", runs["devices"][-1], flush=True)
    report = {"machine": f"{platform.machine()}, {cores} cores", "runs": runs}
    write_json(args.json, report)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot (pip install '.[bench]')")
        return
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for ax, (name, points) in zip(axes, runs.items(), strict=True):
        good = [q for q in points if "evals_per_s" in q]
        x = [q[name] for q in good]
        ax.plot(x, [q["evals_per_s"] for q in good], "o-", label="evaluations/s")
        ax.set(xlabel=name, ylabel="evaluations/s", xscale="log" if name != "devices" else "linear",
               yscale="log", title=f"against {name}")  # fmt: skip
        twin = ax.twinx()
        twin.plot(x, [q["peak_rss_mb"] for q in good], "s--", color="tab:red", label="peak MiB")
        twin.set_ylabel("peak RSS (MiB)", color="tab:red")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=100)
    print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()

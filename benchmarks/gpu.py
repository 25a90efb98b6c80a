"""jaxclimb on one GPU beside the peers, problems A and B, several populations, one table.

    python benchmarks/gpu.py [--json PATH] [--smoke]

Made to finish within 5 minutes on one H200 (the project installed with ``pip install
--no-deps``, evosax as a wheel). For each problem (peers.py's A: 670 rows, MLP 5-10-1
sigmoid; B: 10,000 rows, MLP 20-32-32-1 tanh) and population it measures, in evaluations
per second (best of 2 timed runs): jaxclimb's hill climbing with ``evaluation="fused"``
(the Pallas kernel) and ``"xla"`` at each search precision, the bare forward pass, a
hand-written vmapped JAX search, evosax HillClimbing and SimpleGA (skipped if evosax is
missing); the compile seconds of each; and the CLI's wall time at P = 65,536 x 1,000 with
its breakdown (compile, search, the rest on the host). JSON goes to $OUT (if set) and to
benchmarks/results/gpu.json. ``--smoke`` runs tiny sizes on any backend (the kernel in
interpret mode on a CPU) to check the script end to end.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import subprocess
import sys
import time

import numpy as np
from _report import default_path, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = {"A": ((10,), "sigmoid"), "B": ((32, 32), "tanh")}
FULL = {"A": [65_536, 1_048_576], "B": [1_024, 8_192, 32_768]}
EVALS = {"A": 2e8, "B": 1e6}  # evaluations per timed run (at most 1,000 steps)
BUDGET_S = 270.0  # rows not started by then are recorded as skipped, so the run ends in time
SHAPES = [(64, 4), (128, 2), (128, 8), (256, 4)]  # kernel (tile rows, climbers) tried on B
_START = time.perf_counter()
PRECISIONS = ("float32", "tf32", "bfloat16")


def problem(name, smoke):
    sys.path.insert(0, HERE)
    from peers import data

    X, _, y, _ = data(name)
    X, y = np.asarray(X, np.float32), np.asarray(y, np.int32)
    if smoke:
        X, y = X[:100], y[:100]
    return X, y, (X.shape[1], *LAYERS[name][0], 1), LAYERS[name][1]


def best_of(fn, repeats=2):
    return max(fn() for _ in range(repeats))


def jaxclimb_search(X, y, layers, act, population, steps, evaluation, precision):
    import jaxclimb as jc

    net = jc.MLP(layers, activation=act, output="sigmoid")
    score = jc.make_score_fn(net, X, y, evaluation=evaluation, precision=precision)
    results = [jc.run(0, jc.hill_climb(score, step_size=0.1), net.init, population=population,
                      steps=steps, score_fn=score, progress=False) for _ in range(2)]  # fmt: skip
    return {"evals_per_s": max(r.evaluations_per_second for r in results),
            "compile_s": results[0].compile_seconds}  # fmt: skip


def bare_forward(X, y, layers, act, population, steps):
    from core_throughput import bare_forward as bare

    import jaxclimb as jc

    net = jc.MLP(layers, activation=act, output="sigmoid")
    return {"evals_per_s": bare(jc.make_score_fn(net, X, y), net, population, repeats=steps)}


def hand_written(X, y, layers, act, population, steps):
    """What a user would write: vmapped jnp.dot layers, Gaussian moves, >= acceptance."""
    import jax
    import jax.numpy as jnp

    Xj, yj = jnp.asarray(X), jnp.asarray(y)
    f = jax.nn.sigmoid if act == "sigmoid" else jnp.tanh
    shapes = list(itertools.pairwise(layers))

    def accuracy(ws):
        h = Xj
        for i, (w, b) in enumerate(ws):
            h = h @ w + b if i == len(ws) - 1 else f(h @ w + b)
        return jnp.mean((h[:, 0] > 0) == yj)

    def climber(key):
        k0, key = jax.random.split(key)
        ws = [(jax.random.uniform(k0, (a, b)), jnp.zeros(b)) for a, b in shapes]

        def step(carry, k):
            ws, s = carry
            new = jax.tree_util.tree_map(lambda w: w + 0.1 * jax.random.normal(k, w.shape), ws)
            t = accuracy(new)
            keep = t >= s
            return (jax.tree_util.tree_map(lambda a, b: jnp.where(keep, a, b), new, ws),
                    jnp.where(keep, t, s)), None  # fmt: skip

        return jax.lax.scan(step, (ws, accuracy(ws)), jax.random.split(key, steps))[0][1]

    search = jax.jit(lambda k: jax.vmap(climber)(jax.random.split(k, population)))
    start = time.perf_counter()
    compiled = search.lower(jax.random.key(0)).compile()
    compile_s = time.perf_counter() - start

    def timed():
        start = time.perf_counter()
        jax.block_until_ready(compiled(jax.random.key(1)))
        return population * (steps + 1) / (time.perf_counter() - start)

    return {"evals_per_s": best_of(timed), "compile_s": compile_s}


def evosax(X, y, layers, act, population, steps, strategy):
    try:
        import evosax  # noqa: F401
    except ImportError:
        return {"skipped": "evosax is not installed"}
    from peers import evosax_peer

    out = evosax_peer(X, y, layers, act, population, steps, 0.99, strategy)
    return {"evals_per_s": out["evals_per_s"], "compile_s": out["compile_s"]}


def cli_wall(population, steps):
    """The CLI's wall time and its own breakdown (``--verbose``'s timing line)."""
    cmd = [sys.executable, "-m", "jaxclimb", "run", "--population", str(population),
           "--steps", str(steps), "--quiet", "--verbose"]  # fmt: skip
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    timing = [line for line in (out.stdout + out.stderr).splitlines() if "compile" in line]
    return {"wall_s": wall, "returncode": out.returncode, "breakdown": timing[-1:]}


def measure(name, population, smoke):
    X, y, layers, act = problem(name, smoke)
    steps = 3 if smoke else max(2, min(1000, int(EVALS[name] / population)))
    rows = []
    for evaluation in ("fused", "xla"):
        for precision in PRECISIONS:
            rows.append((f"jaxclimb {evaluation} {precision}", lambda e=evaluation, d=precision:
                         jaxclimb_search(X, y, layers, act, population, steps, e, d)))  # fmt: skip
    rows += [
        ("bare forward", lambda: bare_forward(X, y, layers, act, population, steps)),
        ("hand-written JAX", lambda: hand_written(X, y, layers, act, population, steps)),
        ("evosax HillClimbing", lambda: evosax(X, y, layers, act, population, steps,
                                               "hillclimbing")),
        ("evosax SimpleGA", lambda: evosax(X, y, layers, act, population, steps, "simplega")),
    ]  # fmt: skip
    out = []
    for label, fn in rows:
        try:
            over = time.perf_counter() - _START > BUDGET_S
            r = {"skipped": f"over the {BUDGET_S:.0f} s budget"} if over else fn()
        except Exception as error:  # a failing peer is a row, not a lost table
            r = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
        out.append({"problem": name, "population": population, "steps": steps, "what": label, **r})
        rate = r.get("evals_per_s")
        print(f"{name} {population:>9,} {label:<28} "
              + (f"{rate:>12.3g}/s  compile {r.get('compile_s', math.nan):6.2f} s" if rate
                 else str(r.get("skipped") or r.get("error"))), flush=True)  # fmt: skip
    return out


def kernel_shapes(population, smoke):
    """The fused search on B at other (tile rows, climbers per program), time permitting."""
    from jaxclimb.evaluation import paths

    X, y, layers, act = problem("B", smoke)
    steps, out, default = 3 if smoke else 100, [], (paths.GPU_TILE_ROWS, paths.GPU_CLIMBERS)
    for tile, climbers in SHAPES[:1] if smoke else SHAPES:
        if time.perf_counter() - _START > BUDGET_S + 20:
            break
        paths.GPU_TILE_ROWS, paths.GPU_CLIMBERS = tile, climbers
        try:
            r = jaxclimb_search(X, y, layers, act, population, steps, "fused", "float32")
        except Exception as error:
            r = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
        out.append({"problem": "B", "population": population, "steps": steps,
                    "what": f"fused float32 tile {tile} x {climbers} climbers", **r})  # fmt: skip
        print(out[-1]["what"], r.get("evals_per_s", r.get("error")), flush=True)
    paths.GPU_TILE_ROWS, paths.GPU_CLIMBERS = default
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="(benchmarks/results/gpu.json; gpu_smoke.json)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, any backend")
    args = parser.parse_args(argv)
    import jax

    sizes = {"A": [64], "B": [8]} if args.smoke else FULL
    cli = cli_wall(64, 5) if args.smoke else cli_wall(65_536, 1_000)
    rows = [r for name, ps in sizes.items() for p in ps for r in measure(name, p, args.smoke)]
    rows += kernel_shapes(8 if args.smoke else 8_192, args.smoke)
    print(f"CLI: {cli['wall_s']:.1f} s wall; {cli['breakdown']}")
    device = jax.devices()[0]
    report = {"device": getattr(device, "device_kind", str(device)), "backend": device.platform,
              "jax": jax.__version__, "smoke": args.smoke, "rows": rows, "cli": cli}  # fmt: skip
    if os.environ.get("OUT"):
        write_json(os.path.join(os.environ["OUT"], "gpu.json"), report)
    write_json(args.json or default_path("gpu_smoke.json" if args.smoke else "gpu.json"), report)
    return report


if __name__ == "__main__":
    main()

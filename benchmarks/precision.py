"""What each search precision costs and changes: evaluations/s and scores, per problem.

    python benchmarks/precision.py [--rounds 3] [--populations A=1024,B=256] [--json PATH]

For problems A (REFERENCE.md A, MLP 5-10-1 sigmoid, 670 rows) and B (peers.py B: 10,000
rows x 20 features, MLP 20-32-32-1 tanh), and each precision of ``jaxclimb.precision``
(``float32``, ``tf32``, ``bfloat16``): the hill-climbing search's evaluations/s on every
device JAX sees (best of ``--rounds`` interleaved rounds; all CPU cores as host devices on
a CPU), its compile time, and what the precision changes: the relative difference of the
log-loss of 256 random networks from its float32 value (median and largest), the share of
them whose accuracy differs, and the search's chosen accuracy after the same evaluations
(always reported in float32). :func:`compare_precisions` is the measurement, for
``benchmarks/gpu.py`` to call on a GPU.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _report import cpu_model, default_path, write_json

PROBLEMS = {"A": ((5, 10, 1), "sigmoid", 262_144), "B": ((20, 32, 32, 1), "tanh", 8_192)}
"""layer sizes, hidden transfer, evaluations per search measurement"""
POPULATIONS = {"A": 1024, "B": 256}


def _problem(name: str):
    from peers import data

    import jaxclimb as jc

    layers, act, _ = PROBLEMS[name]
    X, _, y, _ = data(name)
    return jc.MLP(layers, activation=act, output="sigmoid"), np.asarray(X, np.float32), y


def score_changes(net, X, y, precision: str, population: int = 256) -> dict:
    """How far ``precision``'s scores of random networks are from float32's."""
    import jax

    import jaxclimb as jc

    params = jax.vmap(net.init)(jax.random.split(jax.random.key(1), population))
    params = jax.tree_util.tree_map(lambda w: 2 * w - 1, params)  # mixed-sign weights
    values = {}
    for p in ("float32", precision):
        for metric in ("log_loss", "accuracy"):
            score = jc.make_score_fn(net, X, y, metric=metric, precision=p)
            values[p, metric] = np.asarray(jax.jit(jax.vmap(score))(params), np.float64)
    rel = np.abs(values[precision, "log_loss"] / values["float32", "log_loss"] - 1)
    differ = values[precision, "accuracy"] != values["float32", "accuracy"]
    return {"log_loss_rel_diff_median": float(np.median(rel)),
            "log_loss_rel_diff_max": float(np.max(rel)),
            "accuracy_differs_share": float(np.mean(differ))}  # fmt: skip


def search(net, X, y, precision: str, population: int, evaluations: int) -> dict:
    """One hill-climbing search of ``evaluations`` (accuracy, the tutorial's search)."""
    import jaxclimb as jc

    score = jc.make_score_fn(net, X, y, precision=precision)
    steps = max(1, evaluations // population)
    r = jc.run(0, jc.hill_climb(score, step_size=0.1), net.init, population=population,
               steps=steps, score_fn=score, progress=False)  # fmt: skip
    return {"evals_per_s": r.evaluations_per_second, "compile_s": r.compile_seconds,
            "chosen_accuracy": float(r.best_metric.max()),
            "platform": r.config["platform"], "n_devices": r.config["n_devices"]}  # fmt: skip


def compare_precisions(problems=("A", "B"), populations=None, rounds: int = 3,
                       precisions=None) -> list[dict]:  # fmt: skip
    """One row per (problem, precision): the best of ``rounds`` interleaved searches and
    the score changes. Runs on whatever devices JAX sees (a GPU in benchmarks/gpu.py)."""
    from jaxclimb.precision import PRECISIONS

    precisions = tuple(precisions or PRECISIONS)
    populations = {**POPULATIONS, **(populations or {})}
    rows = []
    for name in problems:
        net, X, y = _problem(name)
        evaluations = PROBLEMS[name][2]
        best = {p: None for p in precisions}
        for _ in range(rounds):
            for p in precisions:  # interleaved: the host's load hits every precision alike
                run = search(net, X, y, p, populations[name], evaluations)
                if best[p] is not None:  # later rounds reuse the compiled programs
                    run["compile_s"] = best[p]["compile_s"]
                if best[p] is None or run["evals_per_s"] > best[p]["evals_per_s"]:
                    best[p] = run
        for p in precisions:
            rows.append({"problem": name, "precision": p, "population": populations[name],
                         **best[p], **score_changes(net, X, y, p),
                         "speed_vs_float32": best[p]["evals_per_s"]
                         / best["float32"]["evals_per_s"]})  # fmt: skip
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"{'problem':8}{'precision':>10}{'P':>7}{'evals/s':>12}{'x f32':>7}{'compile s':>10}"
          f"{'ll rel med':>11}{'ll rel max':>11}{'acc differ':>11}{'chosen acc':>11}")  # fmt: skip
    for r in rows:
        print(f"{r['problem']:8}{r['precision']:>10}{r['population']:>7}"
              f"{r['evals_per_s']:>12,.0f}{r['speed_vs_float32']:>7.2f}{r['compile_s']:>10.2f}"
              f"{r['log_loss_rel_diff_median']:>11.1e}{r['log_loss_rel_diff_max']:>11.1e}"
              f"{r['accuracy_differs_share']:>11.1%}{r['chosen_accuracy']:>11.4f}")  # fmt: skip


def _populations(text: str) -> dict:
    return {k: int(v) for k, v in (part.split("=") for part in text.split(","))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--populations", type=_populations, default=POPULATIONS)
    parser.add_argument("--problems", default="A,B")
    parser.add_argument("--json", default=default_path("precision.json"))
    args = parser.parse_args(argv)
    import jaxclimb as jc

    jc.use_cpu_cores()  # as the CLI: one host device per core (no effect on a GPU)
    import jax

    start = time.perf_counter()
    rows = compare_precisions(args.problems.split(","), args.populations, args.rounds)
    print_table(rows)
    device = jax.devices()[0]
    write_json(args.json, {
        "machine": cpu_model() if device.platform == "cpu" else device.device_kind,
        "platform": device.platform, "n_devices": len(jax.devices()),
        "jax": jax.__version__, "date": time.strftime("%Y-%m-%d"), "rounds": args.rounds,
        "seconds": time.perf_counter() - start, "rows": rows,
    })  # fmt: skip


if __name__ == "__main__":
    main()

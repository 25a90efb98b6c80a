"""Soak: one long run (10^6 steps by default) with a thinned history; memory must stay flat.

    python benchmarks/soak.py [--steps 1000000] [--population 64] [--json PATH]

Resident memory is sampled after every chunk through the run's callback; the table shows
it at the start, the middle and the end, and the growth between the first and the last
tenth of the run. Also run as ``pytest -m soak`` (kept out of the default test run).
"""

from __future__ import annotations

import argparse
import os
import time

from _report import write_json

import jaxclimb as jc


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def soak(steps: int = 1_000_000, population: int = 64, record_every: int = 1000) -> dict:
    """Run the default network for ``steps`` steps; return memory samples and timings."""
    X, _, y, _ = jc.datasets.problem_a()
    net = jc.MLP((5, 10, 1))
    score = jc.make_score_fn(net, X, y)
    samples: list[tuple[int, float]] = []
    start = time.perf_counter()
    result = jc.run(
        0,
        jc.hill_climb(score),
        net.init,
        population=population,
        steps=steps,
        record_every=record_every,
        chunk_steps=10 * record_every,
        score_fn=score,
        progress=False,
        callback=lambda s, b: samples.append((s, rss_mb())),
    )
    tenth = max(1, len(samples) // 10)
    early = max(m for _, m in samples[:tenth])
    late = max(m for _, m in samples[-tenth:])
    return {
        "steps": steps,
        "population": population,
        "record_every": record_every,
        "history_shape": list(result.history.shape),
        "wall_s": time.perf_counter() - start,
        "evals_per_s": result.evaluations_per_second,
        "rss_mb_first_chunk": samples[0][1],
        "rss_mb_middle": samples[len(samples) // 2][1],
        "rss_mb_end": samples[-1][1],
        "rss_growth_mb_first_to_last_tenth": late - early,
        "best_accuracy": float(result.best_score.max()),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--population", type=int, default=64)
    parser.add_argument(
        "--json", default=os.path.join(os.path.dirname(__file__), "results", "soak.json")
    )
    args = parser.parse_args(argv)
    jc.use_cpu_cores()
    report = soak(args.steps, args.population)
    for name, value in report.items():
        print(f"{name:36s} {value}")
    write_json(args.json, report)


if __name__ == "__main__":
    main()

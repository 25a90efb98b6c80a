"""Where the default run's compile time goes, and what the CPU compiler options cost.

    python benchmarks/compile_time.py [--rounds 3] [--json PATH]

The default run (`jaxclimb run`: problem A, MLP 5-10-1, 256 climbers x 1000 steps, all
cores) compiled from scratch in interleaved rounds with XLA's classic loop emitters (what
compared) and with its newer fusion emitters (what jaxclimb uses): wall and CPU seconds of
the compilation (both programs), the search's evaluations/s, and per program the seconds
spent lowering and compiling (wall seconds; the two programs compile at once, in two
threads, so their compile times overlap). The round with the shortest compilation of
``--rounds``.
"""

from __future__ import annotations

import argparse
import time

from _report import cpu_model, default_path, write_json

import jaxclimb as jc

EMITTERS = {"classic": {"xla_cpu_use_fusion_emitters": False}, "fusion": {}}


def timed_stages(stages: dict):
    """Record the seconds of every ``Traced.lower`` and ``Lowered.compile`` call."""
    import jax.stages as st

    for cls, name in ((st.Traced, "lower"), (st.Lowered, "compile")):
        original = getattr(cls, name)

        def wrapper(self, *a, _original=original, _name=name, **k):
            start = time.perf_counter()
            out = _original(self, *a, **k)
            stages.setdefault(_name, []).append(time.perf_counter() - start)
            return out

        setattr(cls, name, wrapper)


def one_run(program, emitters, stages):
    program.CPU_EMITTERS = EMITTERS[emitters]
    program.clear_cache()
    stages.clear()
    X, _, y, _ = jc.datasets.problem_a()
    net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
    score = jc.make_score_fn(net, X, y)
    cpu = time.process_time()
    result = jc.run(0, jc.hill_climb(score, step_size=0.1), net.init, population=256,
                    steps=1000, score_fn=score, progress=False)  # fmt: skip
    cpu = time.process_time() - cpu
    return {"compile_s": result.compile_seconds, "process_cpu_s": cpu,
            "evals_per_s": result.evaluations_per_second,
            "lower_s": stages.get("lower", []),
            "compile_s_each": stages.get("compile", [])}  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", default=default_path("compile_time.json"))
    args = parser.parse_args(argv)
    jc.use_cpu_cores()
    import jax

    from jaxclimb.engine import program

    stages = {}
    timed_stages(stages)
    rows = {name: [] for name in EMITTERS}
    for r in range(args.rounds):
        for emitters in EMITTERS:
            rows[emitters].append(one_run(program, emitters, stages))
            print(f"round {r + 1} {emitters}: {rows[emitters][-1]}", flush=True)
    best = {}  # the round with the shortest compilation; the fastest search of any round
    for name, runs in rows.items():
        best[name] = dict(min(runs, key=lambda row: row["compile_s"]))
        best[name]["evals_per_s"] = max(row["evals_per_s"] for row in runs)
    print(f"\n{'emitters':10} {'compile s':>10} {'evals/s':>10}  s: lower (init, chunk); "
          "compile (init, chunk)")  # fmt: skip
    for name, row in best.items():
        fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
        print(
            f"{name:10} {row['compile_s']:>10.2f} {row['evals_per_s']:>10,.0f}  "
            f"{fmt(row['lower_s'])}; {fmt(row['compile_s_each'])}"
        )
    report = {"cpu": cpu_model(), "devices": len(jax.devices()), "jax": jax.__version__,
              "rounds": args.rounds, "best": best, "all": rows}  # fmt: skip
    write_json(args.json, report)


if __name__ == "__main__":
    main()

"""jaxclimb against a compiled reference kernel of the same forward pass and accuracy.

    python benchmarks/roofline.py [--rounds 3] [--populations 64,1024,16384] [--json PATH]

The reference is ``roofline_kernel.c``, compiled here with the system C compiler
(``-O3 -march=native -ffast-math -fopenmp``): the data transposed so the row axis is the
vector axis, activations in an L1 tile, transfers vectorised by glibc's libmvec (expf for
the sigmoid; tanhf, or tanh through expf, for tanh). Its tile size, vector width and tanh
form are tuned here, and the fastest variant is used: the fastest reference in the run is
the roofline. Problems: A (REFERENCE.md A, MLP 5-10-1 sigmoid, 670 training rows) and B
(peers.py B: 10,000 rows x 20 features, MLP 20-32-32-1 tanh). For each P the run measures,
in interleaved rounds (best of ``--rounds``): the reference on 1 core and on all cores,
jaxclimb's hill-climbing search and its bare forward pass (core_throughput.py) on all
cores (one host device per core) and on 1 core (a worker process pinned to one CPU, one
device), the bare forward pass with the data baked into the program as constants (all
cores), and the tutorial's plain-Python loop on A.
"""

from __future__ import annotations

import argparse
import ctypes
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
from _report import cpu_model, default_path, write_json

from jaxclimb.engine.devices import widest_vector_bits

HERE = os.path.dirname(os.path.abspath(__file__))
PROBLEMS = {"A": ((5, 10, 1), "sigmoid", 262_144), "B": ((20, 32, 32, 1), "tanh", 4_096)}
"""layer sizes, hidden transfer, evaluations per jaxclimb search measurement (a
population larger than that is measured in the first round only, with one step)"""


def problem_data(problem):
    from peers import data

    X, _, y, _ = data(problem)
    return np.asarray(X, np.float32), np.asarray(y, np.int32)


# ------------------------------------------------------------------ the reference kernel
class Reference:
    """One compiled variant of roofline_kernel.c on one problem's data."""

    def __init__(self, layers, act, block, width, tanh_form, X, y, workdir):
        self.variant = {"block": block, "vector_bits": width, "tanh": tanh_form}
        act_code = 0 if act == "sigmoid" else (1 if tanh_form == "libmvec tanhf" else 2)
        sizes = ",".join(map(str, layers))
        path = os.path.join(workdir, f"k{len(os.listdir(workdir))}.so")
        cmd = [os.environ.get("CC", "cc"), "-O3", "-march=native", f"-mprefer-vector-width={width}",
               "-ffast-math", "-fopenmp", "-shared", "-fPIC", f"-DLAYERS={sizes}",
               f"-DNL={len(layers) - 1}", f"-DACT={act_code}", f"-DBLOCK={block}",
               os.path.join(HERE, "roofline_kernel.c"), "-o", path, "-lmvec", "-lm"]  # fmt: skip
        subprocess.run(cmd, check=True)
        self.lib = ctypes.CDLL(path)
        self.n, self.n_pad = len(X), -(-len(X) // block) * block
        self.xt = np.zeros((X.shape[1], self.n_pad), np.float32)
        self.xt[:, : self.n] = X.T
        self.y = np.full(self.n_pad, -1, np.int32)
        self.y[: self.n] = y
        self.n_weights = self.lib.n_weights()
        self.vector_bytes = self.lib.vector_bytes()

    def scores(self, weights, threads):
        weights = np.ascontiguousarray(weights, np.float32)
        out = np.zeros(len(weights), np.float32)
        ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
        status = self.lib.evaluate(ptr(weights), len(weights), ptr(self.xt), ptr(self.y), self.n,
                                   self.n_pad, ptr(out), threads)  # fmt: skip
        if status:
            raise RuntimeError("reference kernel refused its arguments")
        return out

    def rate(self, population, threads, seconds=0.3):
        """Evaluations/s over at least ``seconds`` of wall time."""
        weights = np.random.default_rng(0).normal(size=(population, self.n_weights))
        weights = weights.astype(np.float32)
        self.scores(weights, threads)
        calls, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            self.scores(weights, threads)
            calls += 1
        return population * calls / elapsed


def fastest_reference(layers, act, X, y, workdir):
    """Compile the variants and keep the fastest on one core (best of 3 short samples)."""
    tanh_forms = ("libmvec tanhf", "expf") if act == "tanh" else ("-",)
    widths = (256, 512) if widest_vector_bits() == 512 else (256,)
    best, best_rate = None, 0.0
    for block, width, form in itertools.product((32, 64, 128), widths, tanh_forms):
        ref = Reference(layers, act, block, width, form, X, y, workdir)
        rate = max(ref.rate(256 if act == "sigmoid" else 8, 1, 0.1) for _ in range(3))
        if rate > best_rate:
            best, best_rate = ref, rate
    return best


def flat_weights(params):
    """jaxclimb's ``[{"w", "b"}, ...]`` (leading population axis) as the kernel's rows."""
    parts = []
    for layer in params:
        w, b = np.asarray(layer["w"]), np.asarray(layer["b"])
        parts += [w.reshape(len(w), -1), b]
    return np.concatenate(parts, axis=1)


# ------------------------------------------------------------------------------ jaxclimb
class Jaxclimb:
    """jaxclimb's search and bare forward pass on both problems, compiled once each."""

    def __init__(self):
        from core_throughput import bare_forward_timer

        import jaxclimb as jc

        self.jc, self.bare_timer, self.cache = jc, bare_forward_timer, {}
        self.problems = {}
        for name, (layers, act, _) in PROBLEMS.items():
            X, y = problem_data(name)
            net = jc.MLP(layers, activation=act, output="sigmoid")
            self.problems[name] = (net, jc.make_score_fn(net, X, y))
            self.problems[name + "-xla"] = (net, jc.make_score_fn(net, X, y, evaluation="xla"))

    def search(self, problem, population, evaluation="auto"):
        net, score = self.problems[problem + ("-xla" if evaluation == "xla" else "")]
        steps = max(1, PROBLEMS[problem][2] // population)
        algorithm = self.jc.hill_climb(score, step_size=0.1)
        result = self.jc.run(0, algorithm, net.init, population=population, steps=steps,
                             score_fn=score, progress=False)  # fmt: skip
        return result.evaluations_per_second

    def bare(self, problem, population, baked=False):
        key = (problem, population, baked)
        if key not in self.cache:
            net, score = self.problems[problem]
            repeats = max(1, PROBLEMS[problem][2] // population // 2)
            self.cache[key] = self.bare_timer(score, net, population, repeats, baked=baked)
        return self.cache[key]()

    def check(self, problem, reference, population=64):
        """Largest difference between the kernel's accuracies and jaxclimb's, in rows."""
        import jax

        net, score = self.problems[problem]
        params = jax.vmap(net.init)(jax.random.split(jax.random.key(1), population))
        params = jax.tree_util.tree_map(lambda w: 2 * w - 1, params)  # mixed-sign weights
        ours = np.asarray(jax.jit(jax.vmap(score))(params))
        theirs = reference.scores(flat_weights(params), 1)
        return round(float(np.max(np.abs(ours - theirs))) * reference.n)

    def serve(self):
        """Worker loop: one JSON request per line in, one rate per line out."""
        for line in sys.stdin:
            req = json.loads(line)
            print(json.dumps(getattr(self, req["what"])(req["problem"], req["population"])),
                  flush=True)  # fmt: skip


class Worker:
    """A jaxclimb process pinned to one CPU with one device."""

    def __init__(self):
        cpu = min(os.sched_getaffinity(0))
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(cpu), sys.executable, __file__, "--worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def __call__(self, what, problem, population):
        self.proc.stdin.write(json.dumps(dict(what=what, problem=problem, population=population)))
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


# ---------------------------------------------------------------------------------- run
COLUMNS = ("ref_1", "ref_all", "search_1", "bare_1", "search_all", "search_xla_all", "bare_all",
           "baked_all")  # fmt: skip


def measure(rounds, populations, jaxclimb, worker, references, threads):
    """Best of ``rounds`` interleaved samples of every column, and the tutorial's loop."""
    from core_throughput import plain_python_loop

    best = {(p, n): dict.fromkeys(COLUMNS, 0.0) for p in PROBLEMS for n in populations}
    X, y = problem_data("A")
    tutorial = 0.0
    for r in range(rounds):
        tutorial = max(tutorial, plain_python_loop(X.astype(np.float64), y, 20))
        for (problem, population), row in best.items():
            if r and population > PROBLEMS[problem][2]:
                continue
            row["samples"] = r + 1
            ref = references[problem]
            sample = {
                "ref_1": ref.rate(population, 1),
                "ref_all": ref.rate(population, threads),
                "search_all": jaxclimb.search(problem, population),
                "search_xla_all": jaxclimb.search(problem, population, "xla"),
                "bare_all": jaxclimb.bare(problem, population),
                "baked_all": jaxclimb.bare(problem, population, baked=True),
                "search_1": worker("search", problem, population),
                "bare_1": worker("bare", problem, population),
            }
            for k, v in sample.items():
                row[k] = max(row[k], v)
            print(f"round {r + 1}: {problem} P={population}: "
                  + ", ".join(f"{k} {v:,.0f}" for k, v in sample.items()), flush=True)  # fmt: skip
    return best, tutorial


def table(best, tutorial):
    rows = []
    for (problem, population), m in best.items():
        roofline = max(m["ref_all"], m["ref_1"])
        rows.append({"problem": problem, "population": population, **m, "roofline": roofline,
                     "search_vs_roofline": m["search_all"] / roofline,
                     "search_xla_vs_roofline": m["search_xla_all"] / roofline,
                     "bare_vs_roofline": m["bare_all"] / roofline,
                     "search_1_vs_ref_1": m["search_1"] / m["ref_1"],
                     "search_vs_tutorial": m["search_all"] / tutorial if problem == "A" else None,
                     })  # fmt: skip
    head = ("prob", "P", "ref 1c", "ref all", "jc 1c", "bare 1c", "jc all", "jc xla", "bare all",
            "baked all", "jc/roof", "bare/roof", "1c jc/ref", "x tutorial")  # fmt: skip
    print(" ".join(f"{h:>10}" for h in head))
    for r in rows:
        vals = [r[c] for c in COLUMNS]
        tut = "-" if r["search_vs_tutorial"] is None else f"{r['search_vs_tutorial']:,.0f}"
        print(f"{r['problem']:>10} {r['population']:>10,} "
              + " ".join(f"{v:>10,.0f}" for v in vals)
              + f" {r['search_vs_roofline']:>10.2f} {r['bare_vs_roofline']:>10.2f}"
              + f" {r['search_1_vs_ref_1']:>10.2f} {tut:>10}")  # fmt: skip
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--populations", default="64,1024,16384")
    parser.add_argument("--json", default=default_path("roofline.json"))
    args = parser.parse_args(argv)
    import jaxclimb as jc

    jc.use_cpu_cores(1 if args.worker else None)
    if args.worker:
        return Jaxclimb().serve()
    import jax

    jaxclimb, worker = Jaxclimb(), Worker()
    threads = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as workdir:
        references, checks = {}, {}
        for name, (layers, act, _) in PROBLEMS.items():
            references[name] = fastest_reference(layers, act, *problem_data(name), workdir)
            checks[name] = jaxclimb.check(name, references[name])
            print(f"{name}: reference {references[name].variant}; largest difference from "
                  f"jaxclimb's accuracy: {checks[name]} rows", flush=True)  # fmt: skip
        populations = [int(p) for p in args.populations.split(",")]
        best, tutorial = measure(args.rounds, populations, jaxclimb, worker, references, threads)
    worker.close()
    print(f"\n{cpu_model()}, {threads} cores, vectors {references['A'].vector_bytes * 8} bits; "
          f"jax {jax.__version__}; best of {args.rounds} rounds; tutorial loop "
          f"{tutorial:,.1f} evals/s")  # fmt: skip
    rows = table(best, tutorial)
    write_json(args.json, {
        "cpu": cpu_model(), "cores": threads, "machine": platform.platform(),
        "vector_bits": references["A"].vector_bytes * 8, "jax": jax.__version__,
        "xla_flags": os.environ.get("XLA_FLAGS", ""), "rounds": args.rounds,
        "reference": {k: r.variant for k, r in references.items()},
        "reference_check_rows": checks, "tutorial_evals_per_s": tutorial,
        "devices_all_cores": len(jax.devices()), "rows": rows,
    })  # fmt: skip


if __name__ == "__main__":
    main()

"""jaxclimb's SNES beside evosax's on a standard function, at equal evaluations.

    python benchmarks/snes_rastrigin.py [--seeds 5] [--budget 100000] [--dim 100]

The 100-d Rastrigin function (minimum 0 at the origin) and the 100-d sphere, both from a
start drawn uniform in [-5, 5]^d (the same start for both libraries, per seed), both with
their defaults: population ``4 + floor(3 ln d)``, ``std_init = 1``, the paper's learning
rates. jaxclimb's SNES also evaluates its mean each step (``pop_size + 1`` evaluations), so
it gets ``budget // (pop_size + 1)`` steps and evosax ``budget // pop_size`` generations.
The figure is the best value found (lower is better), median over seeds.
Writes ``benchmarks/results/snes_rastrigin.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os

import jax
import jax.numpy as jnp
import numpy as np

import jaxclimb as jc


def rastrigin(x):
    return 10 * x.size + jnp.sum(x**2 - 10 * jnp.cos(2 * jnp.pi * x))


def sphere(x):
    return jnp.sum(x**2)


def ours(f, start, seed, budget):
    algo = jc.algorithms.make("snes", lambda p: -f(p), lambda key: start)
    steps = budget // algo.traits.evaluations_per_step
    r = jc.run(seed, algo, lambda key: start, population=1, steps=steps, progress=False)
    return float(-r.best_score[0])


def evosax_snes(f, start, seed, budget):
    from evosax.algorithms import SNES

    size = 4 + math.floor(3 * math.log(start.size))
    es = SNES(population_size=size, solution=start)
    params = es.default_params

    def search(key):
        state = es.init(key, start, params)

        def body(state, k):
            k_ask, k_tell = jax.random.split(k)
            x, state = es.ask(k_ask, state, params)
            state, _ = es.tell(k_tell, x, jax.vmap(f)(x), state, params)
            return state, None

        return jax.lax.scan(body, state, jax.random.split(key, budget // size))[0]

    return float(jax.jit(search)(jax.random.key(seed)).best_fitness)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--budget", type=int, default=100_000)
    p.add_argument("--dim", type=int, default=100)
    args = p.parse_args()
    rows = {}
    for name, f in (("rastrigin", rastrigin), ("sphere", sphere)):
        for seed in range(args.seeds):
            start = jax.random.uniform(jax.random.key(1000 + seed), (args.dim,), minval=-5,
                                       maxval=5)  # fmt: skip
            for lib, fn in (("jaxclimb SNES", ours), ("evosax SNES", evosax_snes)):
                rows.setdefault(f"{name} / {lib}", []).append(fn(f, start, seed, args.budget))
    print(f"{args.dim}-d, {args.budget:,} evaluations, median (min-max) over {args.seeds} seeds")
    for label, values in rows.items():
        print(f"{label:28s} {np.median(values):10.4g} ({min(values):.4g} - {max(values):.4g})")
    out = os.path.join(os.path.dirname(__file__), "results", "snes_rastrigin.json")
    with open(out, "w") as fh:
        json.dump({"dim": args.dim, "budget": args.budget, "seeds": args.seeds, "best": rows,
                   "evosax": "0.3.2", "jax": jax.__version__}, fh, indent=1)  # fmt: skip
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

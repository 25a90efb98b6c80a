"""What a search step's random draws cost: ``jax.random`` against ``jaxclimb.prng``.

    python benchmarks/random_draws.py [--population 512] [--weights 71] [--rounds 5]

One XLA CPU device, a vmapped population, each climber drawing per step what hill
climbing on problem A draws (a ``fold_in`` of its loop key, a ``split``, and a N(0, 1)
vector of one value per weight), plus the raw 32-bit words and ``fold_in`` alone.
Nanoseconds per climber-step, best of ``--rounds`` interleaved rounds; the draws of the two
implementations are checked equal first. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")

import jax
import jax.numpy as jnp
from _report import cpu_model, default_path, write_json

from jaxclimb import prng

IMPLEMENTATIONS = {
    "jax.random": (jax.random.fold_in, jax.random.split, jax.random.normal, jax.random.bits),
    "jaxclimb.prng": (prng.fold_in, prng.split, prng.normal, prng.bits32),
}


def programs(impl, n_weights: int) -> dict:
    """The jitted, vmapped draws of one implementation, by name."""
    fold_in, split, normal, bits = impl

    def step(key, t):
        _, k_noise = split(fold_in(key, t))
        return normal(k_noise, (n_weights,))

    return {
        "step (fold_in, split, normal)": jax.jit(jax.vmap(step, in_axes=(0, None))),
        "32-bit words": jax.jit(
            jax.vmap(lambda k, t: bits(fold_in(k, t), (n_weights,)), in_axes=(0, None))
        ),
        "fold_in": jax.jit(
            jax.vmap(lambda k, t: jax.random.key_data(fold_in(k, t)), in_axes=(0, None))
        ),
    }


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--population", type=int, default=512)
    p.add_argument("--weights", type=int, default=71)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--json", default=default_path("random_draws.json"))
    args = p.parse_args(argv)
    keys = jax.random.split(jax.random.key(0), args.population)
    progs = {name: programs(impl, args.weights) for name, impl in IMPLEMENTATIONS.items()}
    for what in progs["jax.random"]:
        a, b = (jnp.asarray(progs[n][what](keys, 3)) for n in IMPLEMENTATIONS)
        assert bool(jnp.all(a == b)), f"{what}: the draws differ"
    best = {(n, w): float("inf") for n in progs for w in progs[n]}
    for _ in range(args.rounds):
        for (name, what), value in best.items():
            fn = progs[name][what]
            fn(keys, 0).block_until_ready()
            start = time.perf_counter()
            for t in range(args.repeats):
                out = fn(keys, t)
            out.block_until_ready()
            ns = (time.perf_counter() - start) / args.repeats / args.population * 1e9
            best[name, what] = min(value, ns)
    print(f"{cpu_model()}; P={args.population}, {args.weights} weights; ns per climber-step")
    print(f"{'draw':<32}" + "".join(f"{n:>16}" for n in IMPLEMENTATIONS))
    for what in progs["jax.random"]:
        print(f"{what:<32}" + "".join(f"{best[n, what]:>16.1f}" for n in IMPLEMENTATIONS))
    rows = [{"draw": w, **{n: best[n, w] for n in IMPLEMENTATIONS}} for w in progs["jax.random"]]
    write_json(args.json, {"cpu": cpu_model(), "population": args.population,
                           "weights": args.weights, "rows": rows})  # fmt: skip


if __name__ == "__main__":
    main()

"""The engine's cost over a plain ``lax.scan`` for a coupled-population run (issue 35).

    PYTHONPATH=. python benchmarks/engine_tax.py [--steps 20] [--repeats 4] [--json PATH]

One ES step: 64 candidates x 8 CartPole episodes of 200 steps, a 2x32 tanh MLP policy
(4-32-32-1, 1,249 weights). Each way of running it is compiled first, then timed at
``--steps`` and at twice as many steps, the repeats interleaved (best of ``--repeats``);
the cost of a step is the difference over ``--steps`` (what a longer run adds per step,
fixed costs apart), in wall and in CPU seconds (CPU seconds are steadier on a loaded
machine):

* ``scan``: the ES step, with the engine's evaluation keys, inside a plain ``lax.scan``;
* ``scan-vmap1``: that scan vmapped over a population of one run (the engine before
  issue 35);
* ``jaxclimb``: ``jc.run`` of one ES run (population 1);
* ``jaxclimb-x2`` and ``scan-x2``: two independent runs, ``jc.run(population=2)`` and
  the plain scan vmapped over 2 (per run: divided by 2);
* ``evosax``: evosax's Open_ES on the same objective (ask, evaluate, tell in a
  ``lax.scan``), when evosax is installed.

Compile seconds beside each: ``jc.run``'s own (``result.compile_seconds``), the others the
first call's time less a timed call's. ``jaxclimb / scan`` is the engine's tax (target
<= 1.1).
"""

from __future__ import annotations

import argparse
import os
import time

import jax
import jax.numpy as jnp
from _report import cpu_model, default_path, write_json

import jaxclimb as jc
from jaxclimb.engine.keyed import with_evaluation_keys

POP, EPISODES, HORIZON = 64, 8, 200


def objective():
    """The CartPole rollout objective and its policy network."""
    net = jc.MLP((4, 32, 32, 1), activation="tanh", output="tanh", init="glorot")
    env = jc.CartPole(max_steps_in_episode=HORIZON)  # the 200-step episodes
    f = jc.rollout_objective(env.step, env.reset, net, episodes=EPISODES)
    return net, f


def scan_runner(net, f, runs=None):
    """``go(seed, steps)``: the ES step in a plain ``lax.scan`` (vmapped over ``runs``)."""
    algo = with_evaluation_keys(jc.evolution_strategy(f, pop_size=POP), f)

    def one(key, steps):
        state = algo.init(key, net.init(key))

        def body(state, t):
            return algo.step(jax.random.fold_in(key, t), state)[0], None

        return jax.lax.scan(body, state, jnp.arange(steps))[0].best_score

    def go(key, steps):
        if runs is None:
            return one(key, steps)
        return jax.vmap(lambda k: one(k, steps))(jax.random.split(key, runs))

    jitted = jax.jit(go, static_argnums=1)
    return lambda seed, steps: jitted(jax.random.key(seed), steps)


def run_runner(net, f, runs=1):
    """``go(seed, steps)``: ``jc.run`` of ``runs`` ES runs."""
    algo = jc.evolution_strategy(f, pop_size=POP)

    def go(seed, steps):
        return jc.run(seed, algo, net.init, population=runs, steps=steps, score_fn=f,
                      progress=False)  # fmt: skip

    return go


def evosax_runner(net, f):
    """``go(seed, steps)``: evosax's Open_ES (its defaults) on ``f``; None without evosax."""
    try:
        from evosax.algorithms import Open_ES
    except ImportError:
        return None
    params = net.init(jax.random.key(0))
    strategy = Open_ES(population_size=POP, solution=params)
    es_params = strategy.default_params

    def go(key, steps):
        state = strategy.init(key, params, es_params)

        def body(state, t):
            k_ask, k_eval = jax.random.split(jax.random.fold_in(key, t))
            x, state = strategy.ask(k_ask, state, es_params)
            fitness = jax.vmap(f, in_axes=(0, None))(x, k_eval)
            return strategy.tell(k_ask, x, -fitness, state, es_params)[0], None

        return jax.lax.scan(body, state, jnp.arange(steps))[0].best_fitness

    jitted = jax.jit(go, static_argnums=1)
    return lambda seed, steps: jitted(jax.random.key(seed), steps)


def timed(go, seed, steps):
    """``(wall, cpu, compile)`` seconds of ``go(seed, steps)``, its result blocked on;
    ``compile``: a run's own count, else None."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = go(seed, steps)
    jax.block_until_ready(getattr(out, "best_score", out))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, getattr(out, "compile_seconds", None)


def measure(runners: dict, steps: int, repeats: int) -> dict:
    """Per runner: compile seconds and the marginal ms per step (wall, CPU)."""
    rows, best = {}, {}
    for name, (go, runs) in runners.items():
        first = [timed(go, 0, n) for n in (steps, 2 * steps)]
        rows[name] = {"first_call": first[0], "runs": runs}
        best[name] = {n: [float("inf")] * 2 for n in (steps, 2 * steps)}
    for r in range(repeats):  # interleaved: the load moves under every runner alike
        for name, (go, _) in runners.items():
            for n in (steps, 2 * steps):
                pair = timed(go, r + 1, n)[:2]
                best[name][n] = [min(a, b) for a, b in zip(best[name][n], pair, strict=True)]
    for name, row in rows.items():
        short, long = best[name][steps], best[name][2 * steps]
        per = [1e3 * (b - a) / steps / row["runs"] for a, b in zip(short, long, strict=True)]
        row.update(ms_per_step_wall=per[0], ms_per_step_cpu=per[1])
        wall, _, compiled = row.pop("first_call")
        row["compile_seconds"] = wall - short[0] if compiled is None else compiled
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--json", default=default_path("engine_tax.json"))
    args = parser.parse_args(argv)
    net, f = objective()
    runners = {"scan": (scan_runner(net, f), 1), "scan-vmap1": (scan_runner(net, f, 1), 1),
               "jaxclimb": (run_runner(net, f), 1), "scan-x2": (scan_runner(net, f, 2), 2),
               "jaxclimb-x2": (run_runner(net, f, 2), 2)}  # fmt: skip
    if evosax_runner(net, f) is not None:
        runners["evosax"] = (evosax_runner(net, f), 1)
    rows = measure(runners, args.steps, args.repeats)
    for name, row in rows.items():
        print(
            f"{name:12s} {row['ms_per_step_wall']:7.1f} ms/step wall "
            f"{row['ms_per_step_cpu']:7.1f} CPU   compile {row['compile_seconds']:5.2f} s"
        )
    kinds = ("ms_per_step_wall", "ms_per_step_cpu")
    tax = {k: rows["jaxclimb"][k] / rows["scan"][k] for k in kinds}
    print(f"jaxclimb / scan: {tax['ms_per_step_wall']:.2f} wall, {tax['ms_per_step_cpu']:.2f} CPU "
          "(target <= 1.1)")  # fmt: skip
    load = os.getloadavg()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {load[0]:.1f} (shared)")
    write_json(args.json, {
        "setup": {"candidates": POP, "episodes": EPISODES, "horizon": HORIZON,
                  "policy": "MLP 4-32-32-1 tanh", "steps": args.steps, "repeats": args.repeats},
        "machine": cpu_model(), "cores": os.cpu_count(), "load_average": load,
        "rows": rows, "tax": tax,
    })  # fmt: skip


if __name__ == "__main__":
    main()

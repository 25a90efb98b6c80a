"""Control returns: jaxclimb's default search beside evosax's SNES, Open_ES and PGPE (issue 35).

    PYTHONPATH=. python benchmarks/control.py [--seeds 3] [--budget 8192] [--quick]
        [--tasks cartpole,swingup,...] [--methods jaxclimb,evosax-snes,...] [--json PATH]

Tasks: :class:`jaxclimb.CartPole` and our own stand-ins (``control_envs.py``: a pendulum
swing-up, a sparse continuous hill, a two-link swing-up). gymnax's classic-control
environments other than CartPole are held out: never run or tuned on here.

Every method searches the same objective: a 2x32 tanh MLP policy (tanh output, Glorot
start) scored by ``jc.rollout_objective`` over ``--episodes`` episodes per evaluation, each
to the task's own horizon, at an equal budget of evaluations (``--budget``; one evaluation
is ``--episodes`` episodes):

* ``jaxclimb``: the planner's choice for the objective
  (``choose_search(n_weights, budget, objective=f)``: everything it spends, keyed
  re-scoring included, within the budget), run by ``jc.run``; its solution is the one
  ``jc.run`` returns (best sample or final mean, chosen on 32 fresh episodes);
* ``evosax-snes`` / ``evosax-open_es`` / ``evosax-pgpe``: evosax's strategies with their
  default settings, population ``4 + floor(3 ln d)`` for SNES (the paper's; evosax has
  no default) and 64 for Open_ES and PGPE, ``budget // population`` generations, every
  candidate of a generation on the same episodes (as jaxclimb); the solution is the
  better of the final mean and the best sample on the same 32 fresh episodes.

The return reported is the solution's mean return on 64 test episodes no search saw.
Run seconds: the search after compilation; compile seconds: jaxclimb's own count, evosax's
``jit(...).lower(...).compile()``. The machine and its load are printed and written.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import jax
import jax.numpy as jnp
import numpy as np
from _report import cpu_model, default_path, write_json
from control_envs import TASKS

import jaxclimb as jc
from jaxclimb.algorithms import make
from jaxclimb.algorithms.defaults import choose_search
from jaxclimb.engine.selection import selection_score

EPISODES, SELECT, TEST = 8, 32, 64
TEST_SEED = 0x7E57
METHODS = ("jaxclimb", "evosax-snes", "evosax-open_es", "evosax-pgpe")


def task(name: str, episodes: int):
    """``(env, net, objective, return scale)`` of task ``name``."""
    env = TASKS[name] or jc.CartPole()
    sizes = (4, 32, 32, 1) if name == "cartpole" else (env.obs_size, 32, 32, env.act_size)
    net = jc.MLP(sizes, activation="tanh", output="tanh", init="glorot")
    f = jc.rollout_objective(env.step, env.reset, net, episodes=episodes)
    scale = 500.0 if name == "cartpole" else env.return_scale
    return env, net, f, scale


def test_return(f, params) -> float:
    """Mean return of ``params`` on :data:`TEST` episodes no search saw."""
    key = jax.random.key(TEST_SEED)
    import dataclasses

    return float(jax.jit(dataclasses.replace(f.fn, episodes=TEST))(params, key))


def run_jaxclimb(net, f, budget: int, seed: int) -> dict:
    """The planner's choice, run; its returned solution."""
    choice = choose_search(net.n_weights, budget, objective=f)
    algo = make(choice.algorithm, f, net.init, **choice.options)
    r = jc.run(seed, algo, net.init, population=choice.population, steps=choice.steps,
               score_fn=f, progress=False, selection_episodes=SELECT)  # fmt: skip
    return {"params": r.best(), "run_seconds": r.run_seconds,
            "compile_seconds": r.compile_seconds, "search": choice.describe(),
            "chosen_from": r.config.get("chosen_from", ["best"])[r.best_index()]}  # fmt: skip


def evosax_search(name: str, net, f, budget: int):
    """``(compiled search(key, x0) -> (mean, best), compile seconds, population)``."""
    from evosax import algorithms as ev
    from jax.flatten_util import ravel_pytree

    from jaxclimb.algorithms.snes import snes_population

    template = net.init(jax.random.key(0))
    _, unravel = ravel_pytree(template)
    pop = snes_population(net.n_weights) if name == "snes" else 64
    cls = {"snes": ev.SNES, "open_es": ev.Open_ES, "pgpe": ev.PGPE}[name]
    strategy = cls(population_size=pop, solution=template)
    params = strategy.default_params
    generations = budget // pop

    def search(key, x0):
        k_init, k_loop = jax.random.split(key)
        state = strategy.init(k_init, x0, params)

        def body(state, k):
            k_ask, k_eval = jax.random.split(k)
            x, state = strategy.ask(k_ask, state, params)
            fitness = jax.vmap(f.fn, in_axes=(0, None))(x, k_eval)
            return strategy.tell(k_ask, x, -fitness, state, params)[0], None

        state, _ = jax.lax.scan(body, state, jax.random.split(k_loop, generations))
        best = state.best_solution
        best = unravel(best) if jnp.ndim(best) == 1 and not isinstance(best, dict) else best
        return strategy.get_mean(state), best

    start = time.perf_counter()
    key0 = jax.random.key(0)
    compiled = jax.jit(search).lower(key0, template).compile()
    return compiled, time.perf_counter() - start, pop


def run_evosax(compiled, net, f, seed: int) -> dict:
    """One evosax search from ``net``'s start for ``seed``; the better of mean and best."""
    key = jax.random.key(seed)
    x0 = net.init(jax.random.fold_in(key, 1))
    start = time.perf_counter()
    mean, best = jax.block_until_ready(compiled(key, x0))
    seconds = time.perf_counter() - start
    score = jax.jit(selection_score(f, SELECT))
    take_mean = float(score(mean)) > float(score(best))
    return {"params": mean if take_mean else best, "run_seconds": seconds,
            "chosen_from": "mean" if take_mean else "best"}  # fmt: skip


def bench_task(name: str, methods, budget: int, seeds: int, episodes: int) -> dict:
    """Every method on task ``name`` for ``seeds`` seeds: returns and seconds."""
    _, net, f, scale = task(name, episodes)
    out = {"return_scale": scale, "n_weights": net.n_weights, "methods": {}}
    for method in methods:
        runs = []
        if method == "jaxclimb":
            for seed in range(seeds):
                runs.append(run_jaxclimb(net, f, budget, seed))
            compile_seconds = runs[0]["compile_seconds"]
        else:
            compiled, compile_seconds, _ = evosax_search(method.split("-", 1)[1], net, f, budget)
            runs = [run_evosax(compiled, net, f, seed) for seed in range(seeds)]
        returns = [test_return(f, r["params"]) for r in runs]
        row = {"returns": returns, "median_return": float(np.median(returns)),
               "run_seconds": [r["run_seconds"] for r in runs],
               "median_run_seconds": float(np.median([r["run_seconds"] for r in runs])),
               "compile_seconds": compile_seconds,
               "chosen_from": [r["chosen_from"] for r in runs]}  # fmt: skip
        if method == "jaxclimb":
            row["search"] = runs[0]["search"]
        out["methods"][method] = row
        print(f"  {name:12s} {method:15s} median return {row['median_return']:9.1f}  "
              f"run {row['median_run_seconds']:6.2f} s  compile {compile_seconds:5.1f} s  "
              f"{[round(x, 1) for x in returns]}", flush=True)  # fmt: skip
    return out


def verdict(results: dict) -> dict:
    """Per task: jaxclimb's median return against the best evosax median less 5% of the
    scale, and its median run seconds against evosax SNES's."""
    out = {}
    for name, r in results.items():
        m = r["methods"]
        if "jaxclimb" not in m:
            continue
        others = [v["median_return"] for k, v in m.items() if k != "jaxclimb"]
        target = max(others) - 0.05 * r["return_scale"] if others else -math.inf
        snes = m.get("evosax-snes", {}).get("median_run_seconds", math.inf)
        out[name] = {"return_target": target,
                     "return_met": m["jaxclimb"]["median_return"] >= target,
                     "seconds_met": m["jaxclimb"]["median_run_seconds"] <= snes}  # fmt: skip
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=8192, help="evaluations per run")
    parser.add_argument("--episodes", type=int, default=EPISODES)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--quick", action="store_true", help="1 seed, budget 512, 2 tasks")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.budget, args.tasks = 1, 512, "cartpole,swingup"
    path = args.json or default_path("control_quick.json" if args.quick else "control.json")
    load = os.getloadavg()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {load[0]:.1f} "
          f"(shared); budget {args.budget:,} evaluations x {args.episodes} episodes, "
          f"{args.seeds} seeds")  # fmt: skip
    results = {}
    for name in args.tasks.split(","):
        results[name] = bench_task(name, args.methods.split(","), args.budget, args.seeds,
                                   args.episodes)  # fmt: skip
    checks = verdict(results)
    for name, c in checks.items():
        print(f"{name:12s} return target {c['return_target']:9.1f}: "
              f"{'met' if c['return_met'] else 'MISSED'}; run seconds <= evosax SNES: "
              f"{'met' if c['seconds_met'] else 'MISSED'}")  # fmt: skip
    write_json(path, {
        "setup": {"budget": args.budget, "episodes": args.episodes, "seeds": args.seeds,
                  "policy": "MLP obs-32-32-act tanh", "selection_episodes": SELECT,
                  "test_episodes": TEST},
        "machine": cpu_model(), "cores": os.cpu_count(),
        "load_average_start": load, "load_average_end": os.getloadavg(),
        "results": results, "verdict": checks,
    })  # fmt: skip


if __name__ == "__main__":
    main()

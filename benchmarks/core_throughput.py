"""Core throughput on REFERENCE.md problem A (MLP 5-10-1, sigmoid, accuracy objective).

In one process: the tutorial's plain-Python hill-climbing loop, jaxclimb's population runner
at P = 1, 64 and 1024, and a bare forward pass of the same P candidates (vmapped objective
in a compiled loop: no mutation, no acceptance, no bookkeeping) on the same devices.
Prints a table and writes JSON.

    python benchmarks/core_throughput.py [--devices N] [--json PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import sys
import time
from math import exp

from _report import write_json
from numpy.random import rand, randn
from sklearn.metrics import accuracy_score

import jaxclimb as jc

# ------------------------------------------------------------- the tutorial's plain loop
# The tutorial's MLP code as published (REFERENCE.md A): NumPy rows and weight vectors
# walked node by node in Python, sklearn's accuracy_score as the objective, randn steps.


def transfer(activation):
    return 1.0 / (1.0 + exp(-activation))


def activate(row, weights):
    activation = weights[-1]
    for i in range(len(row)):
        activation += weights[i] * row[i]
    return activation


def predict_row(row, network):
    inputs = row
    for layer in network:
        new_inputs = list()
        for node in layer:
            activation = activate(inputs, node)
            output = transfer(activation)
            new_inputs.append(output)
        inputs = new_inputs
    return inputs[0]


def predict_dataset(X, network):
    yhats = list()
    for row in X:
        yhat = predict_row(row, network)
        yhats.append(yhat)
    return yhats


def objective(X, y, network):
    yhat = predict_dataset(X, network)
    yhat = [round(y) for y in yhat]
    score = accuracy_score(y, yhat)
    return score


def step(network, step_size):
    new_net = list()
    for layer in network:
        new_layer = list()
        for node in layer:
            new_node = node.copy() + randn(len(node)) * step_size
            new_layer.append(new_node)
        new_net.append(new_layer)
    return new_net


def hillclimbing(X, y, objective, solution, n_iter, step_size):
    solution_eval = objective(X, y, solution)
    for _ in range(n_iter):
        candidate = step(solution, step_size)
        candidte_eval = objective(X, y, candidate)
        if candidte_eval >= solution_eval:
            solution, solution_eval = candidate, candidte_eval
    return [solution, solution_eval]


def plain_python_loop(X, y, n_iter, step_size=0.1):
    """The tutorial's hillclimbing() on its own data types; returns evaluations per second."""
    n_inputs = X.shape[1]
    network = [[rand(n_inputs + 1) for _ in range(10)], [rand(10 + 1)]]
    start = time.perf_counter()
    hillclimbing(X, y, objective, network, n_iter, step_size)
    return (n_iter + 1) / (time.perf_counter() - start)


def plain_lists_loop(X, y, n_iter, step_size=0.1):
    """The same loop on Python floats and lists (a faster plain-Python variant, for scale)."""
    rows, labels = X.tolist(), y.tolist()
    network = [[rand(6).tolist() for _ in range(10)], [rand(11).tolist()]]

    def score(net):
        hits = 0
        for row, label in zip(rows, labels, strict=True):
            inputs = row
            for layer in net:
                inputs = [transfer(activate(inputs, node)) for node in layer]
            hits += round(inputs[0]) == label
        return hits / len(labels)

    start = time.perf_counter()
    current = score(network)
    for _ in range(n_iter):
        cand = [[[w + random.gauss(0, step_size) for w in n] for n in la] for la in network]
        cand_score = score(cand)
        if cand_score >= current:
            network, current = cand, cand_score
    return (n_iter + 1) / (time.perf_counter() - start)


# ------------------------------------------------------------------------ bare forward
def bare_forward(score, net, population, repeats):
    """Evaluations/s of P fixed candidates: the best of 3 timed runs of
    :func:`bare_forward_timer`."""
    timed = bare_forward_timer(score, net, population, repeats)
    return max(timed() for _ in range(3))


def bare_forward_timer(score, net, population, repeats, *, baked=False):
    """A function that evaluates P fixed candidates ``repeats`` times, perturbed by a
    runtime zero so XLA cannot hoist, and returns evaluations/s (compiled here, once).
    ``baked``: the data are constants of the program instead of arguments.

    The best device layout: the population sharded over every device and, where the
    runner would for a network with matrix products on a CPU, walked in cache-sized blocks.
    """
    import jax
    import jax.numpy as jnp

    from jaxclimb.engine.layout import (
        climber_sharding,
        plan_layout,
        population_map,
        replicated,
    )

    layout = plan_layout(population, None, score)
    if layout.candidate_batch is None:  # a fused network: one vmap per device (in blocks,
        layout = dataclasses.replace(layout, block=None)  # this loop ran 5x slower)
    mesh, padded = layout.mesh, layout.padded
    keys = jax.random.split(jax.random.key(0), padded)
    params = jax.device_put(jax.vmap(net.init)(keys), climber_sharding(mesh))
    score = jax.device_put(score, replicated(mesh))
    evaluate = population_map(lambda f, p: f(p), layout)

    def loop(score, params, eps):
        def body(total, t):
            moved = jax.tree_util.tree_map(lambda w: w * (1 + eps * t), params)
            return total + evaluate(score, moved), None

        return jax.lax.scan(body, jnp.zeros(padded), jnp.arange(repeats, dtype=jnp.float32))[0]

    zero = jnp.float32(0)
    compiled = jax.jit(lambda p, e: loop(score, p, e)) if baked else jax.jit(loop)
    args = (params, zero) if baked else (score, params, zero)
    jax.block_until_ready(compiled(*args))

    def timed():
        start = time.perf_counter()
        jax.block_until_ready(compiled(*args))
        return population * repeats / (time.perf_counter() - start)

    return timed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=None, help="CPU devices (all cores)")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--python-steps", type=int, default=30)
    parser.add_argument(
        "--json", default=os.path.join(os.path.dirname(__file__), "results", "core_throughput.json")
    )
    args = parser.parse_args(argv)
    jc.use_cpu_cores(args.devices)
    import jax

    X_train, _, y_train, _ = jc.datasets.problem_a()
    net = jc.MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
    score = jc.make_score_fn(net, X_train, y_train)

    python_rate = plain_python_loop(X_train.astype("float64"), y_train, args.python_steps)
    lists_rate = plain_lists_loop(X_train.astype("float64"), y_train, args.python_steps)
    rows = []
    for population in (1, 64, 1024):
        result = jc.run(
            0,
            jc.hill_climb(score, step_size=0.1),
            net.init,
            population=population,
            steps=args.steps,
            score_fn=score,
            progress=False,
        )
        rate = result.evaluations_per_second
        bare = bare_forward(score, net, population, repeats=min(args.steps, 200))
        rows.append(
            {
                "population": population,
                "evals_per_s": rate,
                "bare_forward_evals_per_s": bare,
                "vs_python": rate / python_rate,
                "vs_bare_forward": rate / bare,
                "compile_s": result.compile_seconds,
                "run_s": result.run_seconds,
            }
        )
    devices = jax.devices()
    report = {
        "problem": "REFERENCE.md A, MLP 5-10-1 sigmoid, accuracy, 670 training rows",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "devices": f"{len(devices)} x {devices[0].platform} ({devices[0].device_kind})",
        "jax": jax.__version__,
        "python": sys.version.split()[0],
        "steps": args.steps,
        "plain_python_evals_per_s": python_rate,
        "plain_lists_evals_per_s": lists_rate,
        "rows": rows,
    }
    print(
        f"devices: {report['devices']}; the tutorial's plain-Python loop: {python_rate:,.0f} "
        f"evals/s (on lists of floats: {lists_rate:,.0f} evals/s)"
    )
    print(
        f"{'P':>6} {'evals/s':>12} {'bare fwd/s':>12} {'x python':>10} {'x bare':>8} "
        f"{'compile s':>10}"
    )
    for r in rows:
        print(
            f"{r['population']:>6} {r['evals_per_s']:>12,.0f} "
            f"{r['bare_forward_evals_per_s']:>12,.0f} "
            f"{r['vs_python']:>10,.0f} {r['vs_bare_forward']:>8.2f} {r['compile_s']:>10.2f}"
        )
    write_json(args.json, report)


if __name__ == "__main__":
    main()

"""
A plain function: Rastrigin
===========================

A plain-function objective: the 10-dimensional Rastrigin function, no network at all.

    python examples/rastrigin.py

Any ``score(params) -> scalar`` (higher is better) over any PyTree goes into an algorithm;
here hill climbing with restarts on stagnation and simulated annealing, 256 climbers each,
each step moving one coordinate.
"""

import jax
import jax.numpy as jnp

import jaxclimb as jc

DIM = 10


def score(params):
    x = params["x"]
    return -(10.0 * DIM + jnp.sum(x**2 - 10.0 * jnp.cos(2 * jnp.pi * x)))  # max 0 at x = 0


def init_params(key):
    return {"x": jax.random.uniform(key, (DIM,), minval=-5.12, maxval=5.12)}


climb = jc.with_restarts(
    jc.hill_climb(score, step_size=0.5, mutate_count=1), init_params, patience=300
)
anneal = jc.simulated_annealing(score, step_size=0.5, mutate_count=1, init_temp=2.0)
for name, algorithm in (("hill climbing + restarts", climb), ("simulated annealing", anneal)):
    result = jc.run(0, algorithm, init_params, population=256, steps=3000, progress=False)
    print(
        f"{name}: best Rastrigin value {-result.best_score.max():.3f} "
        f"(median over climbers {-jnp.median(result.best_score):.2f}; optimum 0)"
    )

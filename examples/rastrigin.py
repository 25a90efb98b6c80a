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
import matplotlib.pyplot as plt
import numpy as np

import jaxclimb as jc

DIM = 10


def score(params):
    x = params["x"]
    return -(10.0 * DIM + jnp.sum(x**2 - 10.0 * jnp.cos(2 * jnp.pi * x)))  # max 0 at x = 0


def init_params(key):
    return {"x": jax.random.uniform(key, (DIM,), minval=-5.12, maxval=5.12)}


# %%
# Two searches of 256 climbers each: hill climbing with restarts, and simulated annealing.

climb = jc.with_restarts(
    jc.hill_climb(score, step_size=0.5, mutate_count=1), init_params, patience=300
)
anneal = jc.simulated_annealing(score, step_size=0.5, mutate_count=1, init_temp=2.0)
fig, ax = plt.subplots(figsize=(7, 4))
for name, algorithm in (("hill climbing + restarts", climb), ("simulated annealing", anneal)):
    result = jc.run(0, algorithm, init_params, population=256, steps=3000, progress=False)
    values = -result.history  # Rastrigin value of each climber's best, at recorded steps
    line = ax.plot(result.history_steps, np.median(values, axis=0), label=f"{name}: median")
    best = values.min(axis=0)
    ax.plot(result.history_steps, best, "--", color=line[0].get_color(), label=f"{name}: best")
    print(
        f"{name}: best Rastrigin value {-result.best_score.max():.3f} "
        f"(median over climbers {-jnp.median(result.best_score):.2f}; optimum 0)"
    )
ax.set(xlabel="step", ylabel="Rastrigin value (0 is the optimum)", yscale="symlog")
ax.set_title("256 climbers per algorithm")
ax.legend()
plt.show()

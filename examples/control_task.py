"""
A control task with random starts
=================================

A pure-JAX control task with a stochastic objective: each evaluation flies episodes
from random starts, drawn from the key the engine hands the objective every step.

    python examples/control_task.py

A point mass on a line (position, velocity) must be brought to rest at 0 with a bounded
force; the policy is a 2-8-1 tanh network. ``jc.KeyedObjective`` wraps
``return(params, key)``: at every step the climber's current policy and its candidate fly
the same random starts (a fair comparison), and the next step draws new ones.
"""

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt

import jaxclimb as jc

STEPS, EPISODES, DT = 60, 16, 0.1
policy = jc.MLP((2, 8, 1), activation="tanh", output="tanh", init="glorot")


def fly(params, starts):
    """States ``(STEPS, n, 2)`` and costs ``(STEPS, n)`` of episodes from ``starts``."""

    def tick(state, _):
        force = policy(params, state)[:, 0]  # (n,) in [-1, 1]
        position, velocity = state[:, 0], state[:, 1]
        velocity = velocity + DT * force
        position = position + DT * velocity
        cost = position**2 + 0.1 * velocity**2 + 0.01 * force**2
        state = jnp.stack([position, velocity], axis=1)
        return state, (state, cost)

    _, (states, costs) = jax.lax.scan(tick, starts, None, length=STEPS)
    return states, costs


def episode_return(params, key):
    """Mean over EPISODES random starts of minus the summed squared distance and force."""
    starts = jax.random.uniform(key, (EPISODES, 2), minval=-1.0, maxval=1.0)
    return -jnp.mean(jnp.sum(fly(params, starts)[1], axis=0))


objective = jc.KeyedObjective(episode_return)
result = jc.run(0, jc.hill_climb(objective, step_size=0.1), policy.init, population=32,
                steps=400, progress=False)  # fmt: skip
random_policy = policy.init(jax.random.key(0))
start = float(objective.full(random_policy))
print(f"return of a random policy {start:.2f}; after the search {result.best_score.max():.2f} "
      f"(the same 16 fixed starts for both)")  # fmt: skip

starts = jnp.array([[-1.0, 0.0], [0.8, 0.5], [0.3, -1.0], [-0.5, 0.8]])
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, (title, params) in zip(
    axes, (("random policy", random_policy), ("best climber's policy", result.best())), strict=True
):
    ax.plot(DT * jnp.arange(1, STEPS + 1), fly(params, starts)[0][:, :, 0])
    ax.axhline(0.0, color="k", linewidth=0.5)
    ax.set(title=title, xlabel="time")
axes[0].set_ylabel("position")
fig.tight_layout()
plt.show()

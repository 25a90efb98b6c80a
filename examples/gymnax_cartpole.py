"""
A gymnax control task: CartPole-v1
==================================

A gymnax control task as the objective: a policy network flies gymnax's CartPole-v1
(discrete pushes left or right) and its fitness is the mean return over episodes.

    pip install "jaxclimb[control]" && python examples/gymnax_cartpole.py

``jc.rollout_objective`` takes gymnax's ``env.step`` and ``env.reset`` as they are and a
policy ``(params, observation) -> action``; the result is a keyed objective, so every step
of the search flies new random starts, the same ones for a climber's current policy and its
candidates. Racing restarts stop the worse half of the climbers after 10, 20, 40 steps.
"""

import gymnax
import jax
import jax.numpy as jnp

import jaxclimb as jc

STEPS = 60
env, env_params = gymnax.make("CartPole-v1")
net = jc.MLP((4, 8, 1), activation="tanh", output="tanh", init="glorot")


def push(params, observation):
    """Push right when the network's output is positive (gymnax's action 1), else left."""
    return (net(params, observation)[0] > 0).astype(jnp.int32)


objective = jc.rollout_objective(env.step, env.reset, push, episodes=4, max_steps=200)
search = jc.hill_climb(objective, step_size=0.2)
result = jc.run(0, search, net.init, population=16, steps=STEPS, racing=10,
                progress=False)  # fmt: skip
start = float(objective.full(net.init(jax.random.key(0))))
best = float(result.best_score.max())
print(f"gymnax CartPole-v1: mean return of a random policy {start:.1f}, after {STEPS} steps "
      f"{best:.1f} (of 200)")  # fmt: skip

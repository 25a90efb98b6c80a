"""Control tasks as objectives: a policy's mean return over episodes of a JAX environment.

:func:`rollout_objective` turns an environment with gymnax's interface and a policy into
a :class:`~jaxclimb.evaluation.sampling.KeyedObjective`: ``objective(params, key)`` flies
``episodes`` episodes from the starts ``key`` draws, each for at most ``max_steps`` steps
(by default the environment's own horizon, ``env_horizon``; ``lax.scan``; rewards
after an episode's first ``done`` are not counted, so gymnax's automatic resets change
nothing) and returns their mean (discounted) return. Inside
:func:`jaxclimb.run` the engine hands it a fresh key every step, the climber's current policy
and its candidates fly the same starts, and the best so far is re-scored on fixed starts.

The environment: ``reset(key) -> (obs, state)`` and ``step(key, state, action) -> (obs,
state, reward, done, info)``, or gymnasium's ``(obs, state, reward, terminated, truncated,
info)`` (gymnax 1.0's; an episode ends at either): gymnax's bound methods as they are
(``env.reset``, ``env.step``: they take their ``params`` as an optional last argument), or
any pure-JAX environment of one's own such as :class:`CartPole`. The policy:
``policy(params, obs) -> action`` for one observation, e.g. a :class:`~jaxclimb.MLP`
(called on one observation it returns its output vector), or
``lambda p, obs: jnp.argmax(net(p, obs))`` for a discrete action.

Example:
    >>> import jax, jaxclimb as jc
    >>> net = jc.MLP((4, 8, 1), activation="tanh", output="tanh", init="glorot")
    >>> env = CartPole()
    >>> objective = rollout_objective(env.step, env.reset, net, episodes=4)
    >>> objective.fn.max_steps  # CartPole's own horizon
    500
    >>> value = objective(net.init(jax.random.key(0)), jax.random.key(1))
    >>> 0 < float(value) <= 500
    True
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from .._checks import check_float, check_int
from .sampling import KeyedObjective
from .traits import RETURN_TRAITS

DEFAULT_MAX_STEPS = 200
"""Steps per episode of an environment that declares no horizon (said once, with a
``HorizonWarning``)."""


class HorizonWarning(UserWarning):
    """Episodes are cut before the environment's own horizon (or the environment declares
    none): returns count only the first ``max_steps`` steps. Said once per setting."""


@dataclasses.dataclass(frozen=True)
class Rollout:
    """``rollout(params, key)``: the mean return of ``episodes`` episodes (static settings,
    equal by value, so equal rollouts share one compiled search)."""

    env_step: Callable
    env_reset: Callable
    policy: Callable
    episodes: int
    max_steps: int
    discount: float

    def __call__(self, params: Any, key: jax.Array) -> jax.Array:
        keys = jax.random.split(key, self.episodes)
        returns = jax.vmap(self.episode, in_axes=(None, 0))(params, keys)
        return jnp.mean(returns)

    def episode(self, params: Any, key: jax.Array) -> jax.Array:
        """The (discounted) return of one episode from the start ``key`` draws."""
        k_reset, k_steps = jax.random.split(key)
        obs, state = self.env_reset(k_reset)

        def tick(carry, k):
            obs, state, alive, total, weight = carry
            action = self.policy(params, obs)
            obs, state, reward, done = _transition(self.env_step(k, state, action))
            total = total + jnp.where(alive, weight * reward, 0.0)
            return (obs, state, alive & ~done, total, weight * self.discount), None

        carry = (obs, state, jnp.bool_(True), jnp.float32(0.0), jnp.float32(1.0))
        carry, _ = jax.lax.scan(tick, carry, jax.random.split(k_steps, self.max_steps))
        return carry[3]


def _transition(out: tuple) -> tuple:
    """``(obs, state, reward, done)`` of a step's ``(obs, state, reward, done, info)`` or
    gymnasium's (gymnax 1.0's) ``(obs, state, reward, terminated, truncated, info)``."""
    if not isinstance(out, tuple) or len(out) not in (5, 6):
        raise TypeError(
            "env_step must return (obs, state, reward, done, info) or (obs, state, reward, "
            f"terminated, truncated, info); got {type(out).__name__} of {len(out)} items"
            if isinstance(out, tuple)
            else f"env_step must return a tuple; got {type(out)}"
        )
    done = out[3] if len(out) == 5 else jnp.logical_or(out[3], out[4])
    return out[0], out[1], out[2], done


def rollout_objective(
    env_step: Callable,
    env_reset: Callable,
    policy: Callable,
    *,
    episodes: int = 8,
    max_steps: int | None = None,
    discount: float = 1.0,
) -> KeyedObjective:
    """A keyed objective whose value is ``policy``'s mean return over ``episodes`` episodes.

    Args:
        env_step: ``step(key, state, action) -> (obs, state, reward, done, info)`` (or
            ``terminated, truncated`` in place of ``done``).
        env_reset: ``reset(key) -> (obs, state)``.
        policy: ``policy(params, obs) -> action`` (a network called on one observation).
        episodes: episodes per evaluation, from starts drawn from the evaluation's key.
        max_steps: steps per episode at most (the scan's length). None: the environment's
            own horizon (``env_horizon``: gymnax's ``max_steps_in_episode``,
            :class:`CartPole`'s 500), else ``DEFAULT_MAX_STEPS``. Fewer steps than the
            environment's horizon, or a default for an environment that declares none, is
            said once (``HorizonWarning``): episodes that have not ended are cut.
        discount: rewards ``t`` steps in are weighted ``discount ** t`` (1: plain return).

    Returns:
        A :class:`~jaxclimb.evaluation.sampling.KeyedObjective` that declares itself noisy,
        plateau-rich and keyed (its ``traits``, read by the search planner): build the
        algorithm from it (``run`` finds it there); ``objective.full(params)`` flies the
        fixed starts every climber is compared on.
    """
    for name, fn in (("env_step", env_step), ("env_reset", env_reset), ("policy", policy)):
        if not callable(fn):
            raise TypeError(f"{name} must be callable; got {type(fn).__name__}")
    steps = horizon_steps(env_step, max_steps)
    rollout = Rollout(
        env_step, env_reset, policy,
        episodes=check_int("episodes", episodes, minimum=1),
        max_steps=steps,
        discount=check_float("discount", discount, low=0.0, high=1.0),
    )  # fmt: skip
    return KeyedObjective(rollout, traits=RETURN_TRAITS)


def env_horizon(env_step: Callable) -> int | None:
    """The horizon the environment of ``env_step`` declares, or None: a bound method's
    object's ``max_steps_in_episode`` (:class:`CartPole`), or its ``default_params``'s
    (gymnax's environments, whose ``step`` uses those parameters when given none)."""
    env = getattr(env_step, "__self__", None)
    for holder in (env, getattr(env, "default_params", None)):
        value = getattr(holder, "max_steps_in_episode", None)
        if isinstance(value, int | jnp.integer) or (hasattr(value, "shape") and value.shape == ()):
            return int(value)
    return None


def horizon_steps(env_step: Callable, max_steps: int | None) -> int:
    """The episode length a rollout uses: ``max_steps`` or the environment's horizon (see
    :func:`rollout_objective`); a cut short of the horizon is said once."""
    horizon = env_horizon(env_step)
    if max_steps is None:
        if horizon is not None:
            return horizon
        warnings.warn(
            f"the environment declares no horizon (max_steps_in_episode): episodes are cut "
            f"at max_steps={DEFAULT_MAX_STEPS}; pass max_steps to set it",
            HorizonWarning, stacklevel=3,
        )  # fmt: skip
        return DEFAULT_MAX_STEPS
    steps = check_int("max_steps", max_steps, minimum=1)
    if horizon is not None and steps < horizon:
        warnings.warn(
            f"max_steps={steps} is shorter than the environment's horizon of {horizon} "
            "steps: episodes still running are cut there (pass max_steps=None for the "
            "environment's own)",
            HorizonWarning, stacklevel=3,
        )  # fmt: skip
    return steps


@dataclasses.dataclass(frozen=True)
class CartPole:
    """The classic cart-pole (Barto, Sutton & Anderson 1983; gym's ``CartPole-v1``
    constants) in ``jax.numpy``, with a continuous action: a force of ``action * 10`` N,
    ``action`` clipped to ``[-1, 1]`` (a scalar or a 1-vector, e.g. a tanh output).

    Reward 1 for every step the pole stays within 12 degrees and the cart within 2.4 m;
    starts uniform in ``[-0.05, 0.05]`` for every state variable (gym's); episodes of at
    most ``max_steps_in_episode`` steps (``CartPole-v1``'s 500).
    """

    gravity: float = 9.8
    masscart: float = 1.0
    masspole: float = 0.1
    half_length: float = 0.5
    force_mag: float = 10.0
    tau: float = 0.02
    theta_limit: float = 12 * 2 * 3.141592653589793 / 360
    x_limit: float = 2.4
    max_steps_in_episode: int = 500

    def reset(self, key: jax.Array) -> tuple[jax.Array, jax.Array]:
        state = jax.random.uniform(key, (4,), minval=-0.05, maxval=0.05)
        return state, state

    def step(self, key: jax.Array, state: jax.Array, action: Any) -> tuple:
        del key  # deterministic dynamics
        x, x_dot, theta, theta_dot = state
        force = self.force_mag * jnp.clip(jnp.reshape(action, ()), -1.0, 1.0)
        cos, sin = jnp.cos(theta), jnp.sin(theta)
        total = self.masscart + self.masspole
        polemass_length = self.masspole * self.half_length
        temp = (force + polemass_length * theta_dot**2 * sin) / total
        theta_acc = (self.gravity * sin - cos * temp) / (
            self.half_length * (4.0 / 3.0 - self.masspole * cos**2 / total)
        )
        x_acc = temp - polemass_length * theta_acc * cos / total
        tau = self.tau
        new = jnp.stack([x + tau * x_dot, x_dot + tau * x_acc, theta + tau * theta_dot,
                         theta_dot + tau * theta_acc])  # fmt: skip
        done = (jnp.abs(new[0]) > self.x_limit) | (jnp.abs(new[2]) > self.theta_limit)
        return new, new, jnp.float32(1.0), done, {}

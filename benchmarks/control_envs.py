"""Control stand-ins written for jaxclimb's benchmarks, in ``jax.numpy`` (issue 35).

Each has gymnax's interface as :func:`jaxclimb.rollout_objective` takes it
(``reset(key) -> (obs, state)``, ``step(key, state, action) -> (obs, state, reward, done,
info)``), declares its horizon (``max_steps_in_episode``), its observation and action sizes
and the scale of its returns (``return_scale``: the gap between doing nothing useful and
solving it, for "within 5% of the scale"). They are our own tasks, not copies of gymnax's
classic-control environments (held out: never run or tuned on):

* :class:`SwingUp`: a pendulum swung up and held by a bounded continuous torque (dense,
  negative cost of the angle, the speed and the torque);
* :class:`SparseHill`: a cart in a valley that must rock itself up the right-hand slope
  (continuous push; a bonus only at the top, a small cost for every push: doing nothing
  is a wide plateau);
* :class:`TwoLink`: a two-link arm, torque at the elbow only, that must lift its tip
  above a line (-1 a step until it does).
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp


def _action(action, low: float = -1.0, high: float = 1.0):
    return jnp.clip(jnp.reshape(action, ()), low, high)


@dataclasses.dataclass(frozen=True)
class SwingUp:
    """Pendulum swing-up: angle 0 is upright; a torque of at most ``max_torque``."""

    gravity: float = 9.8
    mass: float = 1.1
    length: float = 1.0
    dt: float = 0.05
    max_speed: float = 8.0
    max_torque: float = 2.2
    max_steps_in_episode: int = 200
    obs_size: int = 3
    act_size: int = 1
    return_scale: float = 1000.0  # hanging still for 200 steps costs about -1,900

    def reset(self, key):
        k1, k2 = jax.random.split(key)
        theta = jax.random.uniform(k1, (), minval=-math.pi, maxval=math.pi)
        speed = jax.random.uniform(k2, (), minval=-1.0, maxval=1.0)
        state = jnp.stack([theta, speed])
        return self._obs(state), state

    def _obs(self, state):
        return jnp.stack([jnp.cos(state[0]), jnp.sin(state[0]), state[1] / self.max_speed])

    def step(self, key, state, action):
        del key
        theta, speed = state
        u = self.max_torque * _action(action)
        angle = (theta + math.pi) % (2 * math.pi) - math.pi
        cost = angle**2 + 0.1 * speed**2 + 0.001 * u**2
        acc = 1.5 * self.gravity / self.length * jnp.sin(theta)
        acc = acc + 3.0 / (self.mass * self.length**2) * u
        speed = jnp.clip(speed + acc * self.dt, -self.max_speed, self.max_speed)
        state = jnp.stack([theta + speed * self.dt, speed])
        return self._obs(state), state, -cost, jnp.bool_(False), {}


@dataclasses.dataclass(frozen=True)
class SparseHill:
    """A cart in the valley ``height = sin(3 x)`` that must reach ``x >= goal`` with a weak
    push: +100 at the top, ``-0.1 * push**2`` every step."""

    power: float = 0.0016
    gravity: float = 0.0025
    goal: float = 0.45
    max_steps_in_episode: int = 400
    obs_size: int = 2
    act_size: int = 1
    return_scale: float = 100.0

    def reset(self, key):
        x = jax.random.uniform(key, (), minval=-0.6, maxval=-0.4)
        state = jnp.stack([x, jnp.float32(0.0)])
        return self._obs(state), state

    def _obs(self, state):
        return jnp.stack([state[0] / 0.9, state[1] / 0.07])

    def step(self, key, state, action):
        del key
        x, v = state
        push = _action(action)
        v = jnp.clip(v + push * self.power - self.gravity * jnp.cos(3 * x), -0.07, 0.07)
        x = jnp.clip(x + v, -1.2, 0.6)
        v = jnp.where((x <= -1.2) & (v < 0), 0.0, v)
        done = x >= self.goal
        reward = -0.1 * push**2 + jnp.where(done, 100.0, 0.0)
        state = jnp.stack([x, v])
        return self._obs(state), state, reward, done, {}


@dataclasses.dataclass(frozen=True)
class TwoLink:
    """Two links of unit length and mass hanging down, a torque of at most 1 at the elbow;
    the episode ends when the tip rises above ``height`` (above the shoulder)."""

    dt: float = 0.2
    height: float = 1.0
    max_speed1: float = 4 * math.pi
    max_speed2: float = 9 * math.pi
    max_steps_in_episode: int = 300
    obs_size: int = 6
    act_size: int = 1
    return_scale: float = 300.0

    def reset(self, key):
        state = jax.random.uniform(key, (4,), minval=-0.1, maxval=0.1)
        return self._obs(state), state

    def _obs(self, s):
        return jnp.stack([jnp.cos(s[0]), jnp.sin(s[0]), jnp.cos(s[1]), jnp.sin(s[1]),
                          s[2] / self.max_speed1, s[3] / self.max_speed2])  # fmt: skip

    def _derivatives(self, s, torque):
        t1, t2, w1, w2 = s
        m, lc, inertia, g = 1.0, 0.5, 1.0, 9.8
        d1 = m * lc**2 + m * (1 + lc**2 + 2 * lc * jnp.cos(t2)) + 2 * inertia
        d2 = m * (lc**2 + lc * jnp.cos(t2)) + inertia
        phi2 = m * lc * g * jnp.cos(t1 + t2 - math.pi / 2)
        phi1 = (-m * lc * w2**2 * jnp.sin(t2) - 2 * m * lc * w2 * w1 * jnp.sin(t2)
                + (m * lc + m) * g * jnp.cos(t1 - math.pi / 2) + phi2)  # fmt: skip
        acc2 = (torque + d2 / d1 * phi1 - m * lc * w1**2 * jnp.sin(t2) - phi2) / (
            m * lc**2 + inertia - d2**2 / d1
        )
        acc1 = -(d2 * acc2 + phi1) / d1
        return jnp.stack([w1, w2, acc1, acc2])

    def step(self, key, state, action):
        del key
        torque = _action(action)
        h = self.dt
        k1 = self._derivatives(state, torque)
        k2 = self._derivatives(state + h / 2 * k1, torque)
        k3 = self._derivatives(state + h / 2 * k2, torque)
        k4 = self._derivatives(state + h * k3, torque)
        s = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        wrap = lambda a: (a + math.pi) % (2 * math.pi) - math.pi  # noqa: E731
        s = jnp.stack([wrap(s[0]), wrap(s[1]), jnp.clip(s[2], -self.max_speed1, self.max_speed1),
                       jnp.clip(s[3], -self.max_speed2, self.max_speed2)])  # fmt: skip
        done = -jnp.cos(s[0]) - jnp.cos(s[0] + s[1]) > self.height
        return self._obs(s), s, jnp.where(done, 0.0, -1.0), done, {}


TASKS = {"cartpole": None, "swingup": SwingUp(), "sparse-hill": SparseHill(),
         "two-link": TwoLink()}  # fmt: skip
"""The benchmark's tasks (``cartpole``: :class:`jaxclimb.CartPole`)."""

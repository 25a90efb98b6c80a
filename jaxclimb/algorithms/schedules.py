"""Temperature schedules for simulated annealing, with mlrose's names and meanings.

A schedule is a PyTree whose numbers are array leaves: a new temperature or decay is new
data for the compiled search, not a new program, so a refit with other settings compiles
nothing. Each has ``evaluate(t)`` (mlrose's method) and can be called as ``schedule(t)``
inside a compiled step. Arguments are checked when the schedule is built.

Example:
    >>> s = GeomDecay(init_temp=2.0, decay=0.5, min_temp=0.1)
    >>> [round(float(s.evaluate(t)), 3) for t in (0, 1, 2, 10)]
    [2.0, 1.0, 0.5, 0.1]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from .._checks import check_choice, check_float

SCHEDULES = ("geometric", "arithmetic", "exponential")


def _checked(init_temp: Any, rate: Any, min_temp: Any, rate_name: str) -> tuple:
    init_temp = check_float("init_temp", init_temp, positive=True)
    min_temp = check_float("min_temp", min_temp, positive=True)
    rate = check_float(rate_name, rate, positive=True)
    if min_temp > init_temp:
        raise ValueError(f"min_temp ({min_temp}) must not exceed init_temp ({init_temp})")
    return init_temp, rate, min_temp


class _Schedule:
    """Shared behaviour: a PyTree of three float32 leaves, ``evaluate(t)``, calling.

    ``__init__`` checks the numbers; rebuilding from leaves (inside a trace) does not.
    """

    kind = "custom"
    _fields: tuple[str, str, str] = ("init_temp", "decay", "min_temp")

    def _set(self, values: tuple) -> None:
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, jnp.asarray(value, jnp.float32))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; build a new one")

    def tree_flatten(self) -> tuple[tuple, None]:
        return tuple(getattr(self, name) for name in self._fields), None

    @classmethod
    def tree_unflatten(cls, aux: None, children: tuple) -> _Schedule:
        obj = object.__new__(cls)
        for name, value in zip(cls._fields, children, strict=True):
            object.__setattr__(obj, name, value)
        return obj

    def __call__(self, t: ArrayLike) -> jax.Array:
        return self.evaluate(t)

    def settings(self) -> dict:
        """The schedule's numbers as plain floats (JSON-ready)."""
        return {name: float(getattr(self, name)) for name in self._fields}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"


@jax.tree_util.register_pytree_node_class
class GeomDecay(_Schedule):
    """Geometric decay: ``max(init_temp * decay**t, min_temp)`` (``0 < decay < 1``)."""

    kind = "geometric"

    def __init__(self, init_temp: float = 1.0, decay: float = 0.99, min_temp: float = 0.001):
        values = _checked(init_temp, decay, min_temp, "decay")
        if values[1] >= 1:
            raise ValueError(f"decay must be < 1 for a geometric schedule; got {decay}")
        self._set(values)

    def evaluate(self, t: ArrayLike) -> jax.Array:
        """The temperature at step ``t``."""
        t = jnp.asarray(t, jnp.float32)
        return jnp.maximum(self.init_temp * self.decay**t, self.min_temp)


@jax.tree_util.register_pytree_node_class
class ArithDecay(_Schedule):
    """Arithmetic decay: ``max(init_temp - decay * t, min_temp)``."""

    kind = "arithmetic"

    def __init__(self, init_temp: float = 1.0, decay: float = 0.0001, min_temp: float = 0.001):
        self._set(_checked(init_temp, decay, min_temp, "decay"))

    def evaluate(self, t: ArrayLike) -> jax.Array:
        """The temperature at step ``t``."""
        t = jnp.asarray(t, jnp.float32)
        return jnp.maximum(self.init_temp - self.decay * t, self.min_temp)


@jax.tree_util.register_pytree_node_class
class ExpDecay(_Schedule):
    """Exponential decay: ``max(init_temp * exp(-exp_const * t), min_temp)``."""

    kind = "exponential"
    _fields = ("init_temp", "exp_const", "min_temp")

    def __init__(self, init_temp: float = 1.0, exp_const: float = 0.005, min_temp: float = 0.001):
        self._set(_checked(init_temp, exp_const, min_temp, "exp_const"))

    def evaluate(self, t: ArrayLike) -> jax.Array:
        """The temperature at step ``t``."""
        t = jnp.asarray(t, jnp.float32)
        return jnp.maximum(self.init_temp * jnp.exp(-self.exp_const * t), self.min_temp)


Schedule = GeomDecay | ArithDecay | ExpDecay
_BY_KIND = {"geometric": GeomDecay, "arithmetic": ArithDecay, "exponential": ExpDecay}


def temperature_schedule(
    schedule: str | Schedule | Callable = "geometric",
    *,
    init_temp: float = 1.0,
    decay: float | None = None,
    min_temp: float = 0.001,
) -> Schedule | Callable:
    """A schedule ``t -> temperature`` from a name and mlrose's parameters.

    * ``geometric``: :class:`GeomDecay`, decay 0.99 by default.
    * ``arithmetic``: :class:`ArithDecay`, decay 0.0001 by default.
    * ``exponential``: :class:`ExpDecay`, ``decay`` is its ``exp_const``, 0.005 by default.
    * a schedule object, or any hashable callable of a traced integer ``t``: used as it is
      (a plain function is part of the program: a new one compiles anew).
    """
    if isinstance(schedule, _Schedule):
        return schedule
    if callable(schedule):
        return schedule
    check_choice("schedule", schedule, SCHEDULES)
    cls = _BY_KIND[schedule]
    if decay is None:
        return cls(init_temp=init_temp, min_temp=min_temp)
    rate = "exp_const" if schedule == "exponential" else "decay"
    return cls(init_temp=init_temp, min_temp=min_temp, **{rate: decay})

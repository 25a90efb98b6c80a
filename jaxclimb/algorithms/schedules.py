"""Temperature schedules for simulated annealing, with mlrose's names, meanings and checks.

A schedule is a PyTree whose numbers are array leaves: a new temperature or decay is new
data for the compiled search, not a new program, so a refit with other settings compiles
nothing. Each has ``evaluate(t)`` (mlrose's method: a Python float, computed in float64 as
mlrose computes it, when ``t`` is a number; a JAX array inside a compiled step) and can be
called as ``schedule(t)``. Arguments are checked when the schedule is built, with mlrose's
rules: ``init_temp > 0``, ``0 < min_temp < init_temp``, ``0 < decay <= 1``.

Example:
    >>> s = GeomDecay(init_temp=2.0, decay=0.5, min_temp=0.1)
    >>> [s.evaluate(t) for t in (0, 1, 2, 10)]
    [2.0, 1.0, 0.5, 0.1]
    >>> CustomSchedule(lambda t, k: k / (1 + t), k=3.0).evaluate(2)
    1.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .._checks import check_choice, check_float, shown

SCHEDULES = ("geometric", "arithmetic", "exponential")


def _checked(init_temp: Any, rate: Any, min_temp: Any, rate_name: str, most: float | None):
    init_temp = check_float("init_temp", init_temp, positive=True)
    min_temp = check_float("min_temp", min_temp, positive=True)
    rate = check_float(rate_name, rate, positive=True, high=most)
    if min_temp >= init_temp:
        raise ValueError(f"min_temp ({min_temp}) must be less than init_temp ({init_temp})")
    return init_temp, rate, min_temp


def _on_host(*values: Any) -> bool:
    """True when every value is a plain number or NumPy array (not traced, not on a device)."""
    return not any(isinstance(v, jax.Array) for v in values)


class _Schedule:
    """Shared behaviour: a PyTree of three float leaves, ``evaluate(t)``, calling, equality.

    ``__init__`` checks the numbers; rebuilding from leaves (inside a trace) does not.
    """

    kind = "custom"
    _fields: tuple[str, str, str] = ("init_temp", "decay", "min_temp")
    _joint = ""  # between get_info__'s prefix and its keys (mlrose-ky's GeomDecay: "__")

    def _set(self, values: tuple, given: tuple) -> None:
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, np.float64(value))
        # the numbers as given, for repr (mlrose's: GeomDecay(init_temp=10, ..., min_temp=1))
        shown = tuple(v.item() if isinstance(v, np.generic) else v for v in given)
        object.__setattr__(self, "_given", dict(zip(self._fields, shown, strict=True)))

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

    def evaluate(self, t: ArrayLike) -> float | jax.Array:
        """The temperature at step ``t`` (a float on the host, an array when traced)."""
        a, rate, low = self.tree_flatten()[0]
        if _on_host(t, a, rate, low):
            value = self._formula(np, np.float64(a), np.float64(rate), np.float64(low), t)
            return float(value) if np.ndim(value) == 0 else value
        return self._formula(jnp, a, rate, low, jnp.asarray(t, jnp.float32))

    def __call__(self, t: ArrayLike) -> float | jax.Array:
        return self.evaluate(t)

    def settings(self) -> dict:
        """The schedule's numbers as plain floats (JSON-ready)."""
        return {name: float(getattr(self, name)) for name in self._fields}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.settings() == other.settings()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.settings().values()))

    def __repr__(self) -> str:  # str() too, as mlrose-ky's: the numbers as they were given
        values = getattr(self, "_given", None) or self.settings()
        args = ", ".join(f"{k}={v}" for k, v in values.items())
        return f"{type(self).__name__}({args})"

    def get_info__(self, t: int | None = None, prefix: str = "") -> dict:
        """mlrose-ky's description of the schedule (its runners' columns), with the
        temperature at step ``t`` if given."""
        joint = f"{prefix}{self._joint}schedule_" if prefix else "schedule_"
        values = getattr(self, "_given", None) or self.settings()
        info = {f"{joint}type": self.kind, **{f"{joint}{k}": v for k, v in values.items()}}
        if t is not None:
            info[f"{joint}current_value"] = self.evaluate(t)
        return info


@jax.tree_util.register_pytree_node_class
class GeomDecay(_Schedule):
    """Geometric decay: ``max(init_temp * decay**t, min_temp)`` (``0 < decay <= 1``)."""

    kind = "geometric"
    _joint = "__"

    def __init__(self, init_temp: float = 1.0, decay: float = 0.99, min_temp: float = 0.001):
        given = (init_temp, decay, min_temp)
        self._set(_checked(init_temp, decay, min_temp, "decay", 1.0), given)

    @staticmethod
    def _formula(xp, init_temp, decay, min_temp, t):
        return xp.maximum(init_temp * (decay**t), min_temp)


@jax.tree_util.register_pytree_node_class
class ArithDecay(_Schedule):
    """Arithmetic decay: ``max(init_temp - decay * t, min_temp)`` (``0 < decay <= 1``)."""

    kind = "arithmetic"

    def __init__(self, init_temp: float = 1.0, decay: float = 0.0001, min_temp: float = 0.001):
        given = (init_temp, decay, min_temp)
        self._set(_checked(init_temp, decay, min_temp, "decay", 1.0), given)

    @staticmethod
    def _formula(xp, init_temp, decay, min_temp, t):
        return xp.maximum(init_temp - (decay * t), min_temp)


@jax.tree_util.register_pytree_node_class
class ExpDecay(_Schedule):
    """Exponential decay: ``max(init_temp * exp(-exp_const * t), min_temp)``."""

    kind = "exponential"
    _fields = ("init_temp", "exp_const", "min_temp")

    def __init__(self, init_temp: float = 1.0, exp_const: float = 0.005, min_temp: float = 0.001):
        given = (init_temp, exp_const, min_temp)
        self._set(_checked(init_temp, exp_const, min_temp, "exp_const", None), given)

    @staticmethod
    def _formula(xp, init_temp, exp_const, min_temp, t):
        return xp.maximum(init_temp * xp.exp(-exp_const * t), min_temp)


@jax.tree_util.register_pytree_node_class
class TemperatureTable:
    """Temperatures listed step by step (``temps[t]``; the last one after the end): how a
    :class:`CustomSchedule` of any Python function becomes data for the compiled search."""

    def __init__(self, temps: ArrayLike):
        self.temps = temps

    def tree_flatten(self) -> tuple[tuple, None]:
        return (self.temps,), None

    @classmethod
    def tree_unflatten(cls, aux: None, children: tuple) -> TemperatureTable:
        return cls(*children)

    def evaluate(self, t: ArrayLike) -> float | jax.Array:
        """The temperature at step ``t``."""
        last = np.shape(self.temps)[0] - 1
        if _on_host(t, self.temps):
            return float(np.asarray(self.temps)[np.clip(t, 0, last)])
        return jnp.asarray(self.temps)[jnp.clip(t, 0, last)]

    __call__ = evaluate


class CustomSchedule:
    """mlrose's custom schedule: ``evaluate(t) = schedule(t, **kwargs)``.

    Inside jaxclimb's own annealing it is called with a traced ``t`` (so ``schedule`` must
    use ``jax.numpy``, and each distinct schedule compiles its own program); the mlrose
    front instead lists its temperatures for the fit's steps (:meth:`table`), so any Python
    function works and another one compiles nothing.
    """

    def __init__(self, schedule: Callable[..., float], **kwargs: Any):
        if not callable(schedule) or isinstance(schedule, type):
            raise TypeError(f"'schedule' must be a function; got {type(schedule).__name__}")
        self.schedule, self.kwargs = schedule, kwargs

    def evaluate(self, t: ArrayLike) -> Any:
        """The temperature at step ``t``: ``schedule(t, **kwargs)``."""
        return self.schedule(t, **self.kwargs)

    __call__ = evaluate

    def table(self, n_steps: int) -> TemperatureTable:
        """The temperatures of steps ``0 .. n_steps - 1`` (see :func:`schedule_table`)."""
        return schedule_table(self, n_steps)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CustomSchedule)
            and self.schedule == other.schedule
            and self.kwargs == other.kwargs
        )

    def __hash__(self) -> int:
        return hash((self.schedule, tuple(sorted(self.kwargs.items()))))

    def __repr__(self) -> str:
        return f"CustomSchedule(schedule={self._name()}, kwargs={self.kwargs})"

    def _name(self) -> str:
        return getattr(self.schedule, "__name__", type(self.schedule).__name__)

    def get_info__(self, t: int | None = None, prefix: str = "") -> dict:
        """mlrose-ky's description of the schedule, with the temperature at ``t`` if given."""
        joint = f"{prefix}schedule_" if prefix else "schedule_"
        info = {f"{joint}type": "custom", f"{joint}schedule": self._name(),
                **{f"{joint}param_{k}": v for k, v in self.kwargs.items()}}  # fmt: skip
        if t is not None:
            info[f"{joint}current_value"] = self.evaluate(t)
        return info


def schedule_table(schedule: Any, n_steps: int) -> TemperatureTable:
    """The temperatures ``schedule.evaluate(t)`` of steps ``0 .. n_steps - 1`` as a
    :class:`TemperatureTable` (float32), refused unless each is a finite number >= 0."""
    try:
        temps = np.array([schedule.evaluate(t) for t in range(n_steps)], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        message = f"schedule {schedule!r}: evaluate(t) must return a number ({exc})"
        raise TypeError(message) from None
    bad = ~np.isfinite(temps) | (temps < 0)
    if temps.ndim != 1 or np.any(bad):
        first = int(np.argmax(bad)) if temps.ndim == 1 else 0
        raise ValueError(
            f"schedule {schedule!r} must give one finite temperature >= 0 per step; step "
            f"{first} gave {shown(temps.ravel()[first])}"
        )
    return TemperatureTable(temps.astype(np.float32))


Schedule = GeomDecay | ArithDecay | ExpDecay | TemperatureTable
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
    if isinstance(schedule, _Schedule | TemperatureTable):
        return schedule
    if callable(schedule):
        return schedule
    check_choice("schedule", schedule, SCHEDULES)
    cls = _BY_KIND[schedule]
    if decay is None:
        return cls(init_temp=init_temp, min_temp=min_temp)
    rate = "exp_const" if schedule == "exponential" else "decay"
    return cls(init_temp=init_temp, min_temp=min_temp, **{rate: decay})

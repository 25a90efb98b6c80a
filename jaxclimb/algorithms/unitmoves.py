"""Structured moves of an MLP's weights whose evaluation cost is small and known.

A *unit move* changes the fan-in (weights and bias) of a few units of one layer; a
neighbour move (mlrose's) changes one weight, hence the fan-in of one unit. Both return,
besides the moved weights, a :class:`UnitMove` saying which units changed, so that an
objective with cached activations (:mod:`jaxclimb.evaluation.incremental`) recomputes only
those units' columns and the layers after them. Each unit of the network is equally
likely to be the first one drawn; its layer is the move's layer, and the other units are
drawn without replacement from that layer.

The weights must be an MLP's (a list of ``{"w": (n_in, n_out), "b": (n_out,)}`` layers,
:class:`~jaxclimb.networks.MLP`): elsewhere a ValueError says so while tracing.

Example:
    >>> import jax
    >>> from jaxclimb.networks import MLP
    >>> params = MLP((3, 4, 2)).init(jax.random.key(0))
    >>> moved, which = unit_move(jax.random.key(1), params, step_size=0.1, n_units=2)
    >>> [u.shape for u in which.units]
    [(2,), (2,)]
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree
from jax.typing import ArrayLike

from ..mutation import neighbour_draw
from ..prng import normal, split, uniform


class UnitMove(NamedTuple):
    """Which units a move changed: ``layer`` (a scalar index into the network's layers) and,
    for every layer, the indices of its moved units (``min(n_units, layer width)`` of them;
    only ``units[layer]`` is meaningful)."""

    layer: jax.Array
    units: tuple[jax.Array, ...]


def layer_shapes(params: Any) -> list[tuple[int, int]]:
    """``[(n_in, n_out), ...]`` of an MLP's weights, or a ValueError for any other PyTree."""
    ok = isinstance(params, list | tuple) and len(params) > 0
    ok = ok and all(isinstance(p, dict) and set(p) == {"w", "b"} for p in params)
    if ok:
        shapes = [tuple(np.shape(p["w"])) for p in params]
        pairs = zip(shapes, params, strict=True)
        ok = all(len(s) == 2 and np.shape(p["b"]) == s[1:] for s, p in pairs)
    if not ok:
        raise ValueError(
            "mutation='units' needs the weights of the built-in network (jaxclimb.MLP: a list "
            "of {'w': (n_in, n_out), 'b': (n_out,)} layers); use mutation='gaussian'"
        )
    return shapes


def fan_in_scales(params: Any) -> list[float]:
    """Per-layer step multipliers ``1 / sqrt(fan_in + 1)``, rescaled so that the units
    of the network move by ``step_size`` on average (root mean square over units)."""
    shapes = layer_shapes(params)
    per_unit = [(1 / math.sqrt(n_in + 1), n_out) for n_in, n_out in shapes]
    rms = math.sqrt(sum(s * s * n for s, n in per_unit) / sum(n for _, n in per_unit))
    return [s / rms for s, _ in per_unit]


def draw_units(key: jax.Array, shapes: list[tuple[int, int]], n_units: int) -> UnitMove:
    """A layer (each unit of the network equally likely) and ``n_units`` distinct units of
    every layer (at most its width)."""
    k_layer, k_units = split(key)
    widths = np.array([n_out for _, n_out in shapes])
    first = jax.random.randint(k_layer, (), 0, int(widths.sum()))
    layer = jnp.searchsorted(jnp.asarray(np.cumsum(widths)), first, side="right")
    keys = split(k_units, len(shapes))
    units = tuple(
        jax.lax.top_k(uniform(k, (n,)), min(n_units, n))[1].astype(jnp.int32)
        for k, n in zip(keys, widths.tolist(), strict=True)
    )
    return UnitMove(layer.astype(jnp.int32), units)


def unit_move(
    key: jax.Array,
    params: Any,
    *,
    step_size: ArrayLike,
    n_units: int = 1,
    scaled: bool = True,
) -> tuple[Any, UnitMove]:
    """Add N(0, step_size) noise to the whole fan-in of ``n_units`` units of one layer.

    ``scaled``: a layer's noise multiplied by :func:`fan_in_scales` (a unit's
    pre-activation then moves by about the same amount whatever its fan-in).

    Returns:
        ``(moved params, UnitMove)``.
    """
    shapes = layer_shapes(params)
    k_units, k_noise = split(key)
    which = draw_units(k_units, shapes, n_units)
    scales = fan_in_scales(params) if scaled else [1.0] * len(shapes)
    keys = split(k_noise, len(shapes))
    moved = []
    layers = zip(keys, params, which.units, scales, shapes, strict=True)
    for k, p, units, scale, (n_in, _) in layers:
        on = (which.layer == len(moved)).astype(p["w"].dtype)
        noise = (step_size * scale) * on * normal(k, (n_in + 1, units.shape[0]), p["w"].dtype)
        moved.append({"w": p["w"].at[:, units].add(noise[:n_in]),
                      "b": p["b"].at[units].add(noise[n_in])})  # fmt: skip
    return moved, which


def neighbour_units(params: Any, index: jax.Array) -> UnitMove:
    """The unit of weight ``index`` of ``ravel_pytree(params)`` (mlrose's neighbour move)."""
    shapes = layer_shapes(params)
    layers, units = [], []
    for k, (n_in, n_out) in enumerate(shapes):  # ravel order per layer: "b", then "w"
        unit = np.concatenate([np.arange(n_out), np.tile(np.arange(n_out), n_in)])
        layers.append(np.full(unit.size, k))
        units.append(unit)
    layer = jnp.asarray(np.concatenate(layers), jnp.int32)[index]
    unit = jnp.asarray(np.concatenate(units), jnp.int32)[index]
    return UnitMove(layer, tuple(jnp.where(layer == k, unit, 0)[None] for k in range(len(shapes))))


def neighbour_move(key: jax.Array, params: Any, *, step_size: ArrayLike) -> tuple[Any, UnitMove]:
    """mlrose's neighbour (one weight +/- step_size, as :func:`jaxclimb.mutation.neighbour`
    draws it) and the unit it belongs to."""
    flat, unravel = ravel_pytree(params)
    i, sign = neighbour_draw(key, flat.size)
    moved = unravel(flat.at[i].add((sign * step_size).astype(flat.dtype)))
    return moved, neighbour_units(params, i)

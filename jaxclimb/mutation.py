"""Mutations: random moves of a PyTree of weights.

Example:
    >>> import jax, jax.numpy as jnp
    >>> params = {"w": jnp.zeros(10), "b": jnp.zeros(2)}
    >>> moved = gaussian(jax.random.key(0), params, step_size=0.1, count=3)
    >>> int(sum((leaf != 0).sum() for leaf in jax.tree_util.tree_leaves(moved)))
    3
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree
from jax.typing import ArrayLike

from ._checks import check_choice, check_float, check_int
from .prng import normal, split, uniform

MUTATIONS = ("gaussian", "neighbour", "units")
"""Move kinds: Gaussian noise, mlrose's neighbour (one weight moved by +/- step_size), or
Gaussian noise on the whole fan-in of a few units of an MLP
(:mod:`jaxclimb.algorithms.unitmoves`)."""

STEP_SCALES = ("fan-in",)
"""Per-layer step scales (``step_scale=``); None moves every weight by the same step."""


def check_clip(clip_max: float | None) -> float | None:
    """Validate ``clip_max`` (None, or a finite number > 0)."""
    return None if clip_max is None else check_float("clip_max", clip_max, positive=True)


def clip(params: Any, clip_max: float | None) -> Any:
    """Clip every weight to ``[-clip_max, clip_max]`` (no-op for None), as mlrose does."""
    if clip_max is None:
        return params
    return jax.tree_util.tree_map(lambda w: jnp.clip(w, -clip_max, clip_max), params)


def check_step_scale(step_scale: str | None, mutation: str = "gaussian") -> str | None:
    """Validate ``step_scale`` (None or one of :data:`STEP_SCALES`; Gaussian moves only)."""
    if step_scale is None:
        return None
    check_choice("step_scale", step_scale, STEP_SCALES)
    if mutation == "neighbour":
        raise ValueError("step_scale applies to mutation='gaussian' or 'units'; got 'neighbour'")
    return step_scale


def check_move(
    *,
    mutation: str,
    mutate_fraction: float | None,
    mutate_count: int | None,
    clip_max: float | None,
    step_scale: str | None,
) -> dict:
    """A climber's move options, validated on the host and named as :func:`move` takes
    them (``kind``, ``fraction``, ``count``, ``clip_max``, ``step_scale``)."""
    check_choice("mutation", mutation, MUTATIONS)
    fraction, count = check_subset(mutate_fraction, mutate_count)
    if mutation == "units" and fraction is not None:
        raise ValueError("mutation='units' moves mutate_count units; mutate_fraction is not used")
    return {
        "kind": mutation,
        "fraction": fraction,
        "count": count,
        "clip_max": check_clip(clip_max),
        "step_scale": check_step_scale(step_scale, mutation),
    }


def step_scales(params: Any, step_scale: str | None) -> np.ndarray | None:
    """Per-weight multipliers of the step, flattened as ``ravel_pytree`` flattens ``params``;
    None for ``step_scale=None``.

    ``"fan-in"``: a weight of an array whose last axis is its outputs (a dense or
    convolution kernel, ``(..., fan_in, fan_out)``) moves by ``1 / sqrt(fan_in)``, a vector
    or scalar (a bias: one constant input) by 1, all scaled so that their root mean square
    over the network is 1: ``step_size`` keeps its size on average and layers with many
    inputs move less. Computed from the shapes alone, at trace time.

    Example:
        >>> import jax.numpy as jnp
        >>> s = step_scales({"b": jnp.zeros(1), "w": jnp.zeros((4, 1))}, "fan-in")
        >>> [round(float(x), 3) for x in s]
        [1.581, 0.791, 0.791, 0.791, 0.791]
    """
    if step_scale is None:
        return None
    parts = []
    for leaf in jax.tree_util.tree_leaves(params):
        shape = np.shape(leaf)
        fan_in = math.prod(shape[:-1]) if len(shape) >= 2 else 1
        parts.append(np.full(math.prod(shape), 1 / math.sqrt(max(fan_in, 1)), np.float32))
    scales = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    return scales / np.sqrt(np.mean(scales.astype(np.float64) ** 2)).astype(np.float32)


def neighbour(key: jax.Array, params: Any, *, step_size: ArrayLike) -> Any:
    """mlrose's continuous neighbour: one weight, chosen uniformly, moved by +/- step_size.

    Example:
        >>> import jax, jax.numpy as jnp
        >>> moved = neighbour(jax.random.key(0), {"w": jnp.zeros(5)}, step_size=0.5)
        >>> sorted(set(abs(x) for x in moved["w"].tolist()))
        [0.0, 0.5]
    """
    flat, unravel = ravel_pytree(params)
    i, sign = neighbour_draw(key, flat.size)
    return unravel(flat.at[i].add((sign * step_size).astype(flat.dtype)))


def neighbour_draw(key: jax.Array, n_weights: int) -> tuple[jax.Array, jax.Array]:
    """``(index, sign)`` of a neighbour move among ``n_weights`` weights."""
    k_index, k_sign = split(key)
    i = jax.random.randint(k_index, (), 0, n_weights)
    return i, jnp.where(jax.random.bernoulli(k_sign), 1.0, -1.0)


def move(
    key: jax.Array,
    params: Any,
    *,
    kind: str,
    step_size: ArrayLike,
    fraction: float | None = None,
    count: int | None = None,
    clip_max: float | None = None,
    step_scale: str | None = None,
) -> Any:
    """One move of ``kind`` (``"gaussian"`` or ``"neighbour"``), then clipping."""
    if kind == "neighbour":
        moved = neighbour(key, params, step_size=step_size)
    else:
        moved = gaussian(key, params, step_size=step_size, fraction=fraction, count=count,
                         step_scale=step_scale)  # fmt: skip
    return clip(moved, clip_max)


def check_subset(fraction: float | None, count: int | None) -> tuple[float | None, int | None]:
    """Validate the subset options of :func:`gaussian` (on the host, before tracing)."""
    if fraction is not None and count is not None:
        raise ValueError("give mutate_fraction or mutate_count, not both")
    if fraction is not None:
        fraction = check_float("mutate_fraction", fraction, low=0.0, high=1.0)
        if fraction == 0.0:
            raise ValueError("mutate_fraction must be > 0 (no weight would ever move)")
    if count is not None:
        count = check_int("mutate_count", count, minimum=1)
    return fraction, count


def subset_size(n_weights: int, fraction: float | None, count: int | None) -> int | None:
    """How many of ``n_weights`` a subset mutation moves; None means all of them."""
    if count is not None:
        if count > n_weights:
            raise ValueError(f"mutate_count={count} exceeds the number of weights ({n_weights})")
        return None if count == n_weights else count
    if fraction is not None and fraction < 1.0:
        return max(1, round(fraction * n_weights))
    return None


def gaussian(
    key: jax.Array,
    params: Any,
    *,
    step_size: ArrayLike,
    fraction: float | None = None,
    count: int | None = None,
    step_scale: str | None = None,
) -> Any:
    """Add N(0, step_size) noise to every weight, or to a random subset of them.

    Args:
        key: typed PRNG key.
        params: any PyTree of floating arrays.
        step_size: standard deviation of the noise (a scalar, possibly traced).
        fraction: move ``round(fraction * n_weights)`` weights (at least one), chosen
            uniformly without replacement; ``None`` or ``1.0`` moves all of them.
        count: move exactly ``count`` weights instead.
        step_scale: None (one step for every weight) or ``"fan-in"``: each weight's
            noise multiplied by its layer's scale (:func:`~jaxclimb.mutation.step_scales`).

    Returns:
        A PyTree with the same structure, shapes and dtypes as ``params``.
    """
    flat, unravel = ravel_pytree(params)
    n_weights = flat.size
    k = subset_size(n_weights, fraction, count)
    scales = step_scales(params, check_step_scale(step_scale))
    if k is None:  # one draw for all weights: one random kernel however many leaves
        noise = step_size * normal(key, flat.shape, flat.dtype)
        noise = unravel(noise if scales is None else noise * scales)
        return jax.tree_util.tree_map(lambda p, e: p + e.astype(p.dtype), params, noise)
    k_pick, k_noise = split(key)
    _, idx = jax.lax.top_k(uniform(k_pick, (n_weights,)), k)
    noise = step_size * normal(k_noise, (k,), flat.dtype)
    noise = noise if scales is None else noise * jnp.asarray(scales)[idx]
    return unravel(flat.at[idx].add(noise.astype(flat.dtype)))

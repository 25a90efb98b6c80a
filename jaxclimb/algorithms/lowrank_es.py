"""The low-rank step of :func:`~jaxclimb.algorithms.evolution_strategy` (``rank=r``).

EGGROLL (arXiv 2511.16652): every weight matrix ``W`` (a 2-D leaf, ``(n_in, n_out)``) of
member ``i`` is ``W + sigma * A_i B_i^T / sqrt(r)`` with ``A_i`` ``(n_in, r)`` and ``B_i``
``(n_out, r)`` standard normal, so each entry of the perturbation has unit variance as in
the full-rank ES; every other leaf (biases) gets a full-rank Gaussian perturbation.
Members come in antithetic pairs (``-A_i`` for the second half). The gradient estimate
``sum_i rank_i * A_i B_i^T / (pop * sigma)`` is formed from the factors, and the members
are scored by the objective's low-rank path where it offers one (the built-in MLP:
:mod:`jaxclimb.evaluation.lowrank`), else on their formed weights.

SNES takes no ``rank``: it adapts one sigma per weight from each weight's squared
standard-normal draws, ``sum_i u_i (e_i^2 - 1)``. The entries of ``A B^T / sqrt(r)`` are
sums of products of normals, not independent standard normals, so that natural-gradient
update no longer holds; and ``sigma * (A B^T)`` with a per-weight sigma is no longer of
rank ``r``, so the shared product would be lost as well.

Example:
    >>> import jax, jax.numpy as jnp
    >>> f = draw_factors(jax.random.key(0), {"w": jnp.zeros((3, 2)), "b": jnp.zeros(2)}, 4, 1)
    >>> [tuple(x.shape for x in fi) if isinstance(fi, tuple) else fi.shape for fi in f]
    [(4, 2), ((4, 3, 1), (4, 2, 1))]
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from ..evaluation.batching import evaluate_many
from ..evaluation.lowrank import (
    is_matrix_factor,
    lowrank_scores,
    materialise,
    offers_lowrank,
    perturbation,
)
from ..prng import fold_in, normal


def draw_factors(key: jax.Array, params: Any, pop_size: int, rank: int) -> list:
    """The members' factors in ``params``' leaf order, antithetic pairs included: ``(A, B)``
    (``B`` already divided by ``sqrt(rank)``) for a 2-D leaf, ``e`` for any other leaf."""
    half = pop_size // 2
    factors = []
    for i, leaf in enumerate(jax.tree_util.tree_leaves(params)):
        k = fold_in(key, i)
        if leaf.ndim == 2:
            a = normal(fold_in(k, 0), (half, leaf.shape[0], rank), leaf.dtype)
            b = normal(fold_in(k, 1), (half, leaf.shape[1], rank), leaf.dtype) / math.sqrt(rank)
            factors.append((jnp.concatenate([a, -a]), jnp.concatenate([b, b])))
        else:
            e = normal(k, (half, *leaf.shape), leaf.dtype)
            factors.append(jnp.concatenate([e, -e]))
    return factors


def flat_noise(factors: list) -> jax.Array:
    """The members' perturbations formed and flattened, ``(pop, n_weights)``, in
    ``ravel_pytree``'s order: what a full-rank ES fed the same perturbations uses."""
    return jnp.concatenate(
        [perturbation(f).reshape(perturbation(f).shape[0], -1) for f in factors], axis=1
    )


def weighted_sum(weights: jax.Array, factors: list) -> jax.Array:
    """``sum_i weights_i * perturbation_i``, flat, formed from the factors (no member's
    perturbation is formed)."""
    parts = []
    for f in factors:
        if is_matrix_factor(f):
            a, b = f
            parts.append(jnp.einsum("p,pir,por->io", weights, a, b).reshape(-1))
        else:
            parts.append(jnp.tensordot(weights, f, axes=1).reshape(-1))
    return jnp.concatenate(parts)


def member_scores(score_fn, params: Any, factors: list, sigma: jax.Array) -> jax.Array:
    """The score of every member: along the objective's low-rank path where it offers one,
    else on the members' formed weights."""
    if offers_lowrank(score_fn):
        return lowrank_scores(score_fn, params, factors, sigma)
    return evaluate_many(score_fn, materialise(params, factors, sigma))


def member_point(params: Any, factors: list, sigma: jax.Array, i: jax.Array) -> jax.Array:
    """Member ``i``'s weights, flat (the best member enters the best point visited)."""
    one = [jax.tree_util.tree_map(lambda x: x[i][None], f) for f in factors]
    return ravel_pytree(jax.tree_util.tree_map(lambda x: x[0], materialise(params, one, sigma)))[0]

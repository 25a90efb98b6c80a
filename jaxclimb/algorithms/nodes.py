"""Node perturbation: an evolution strategy in the units' pre-activations, for built-in MLPs.

A weight-space ES estimates a direction for ``d`` weights from ``pop_size`` scores: on a
784-64-10 network (50,890 weights) the estimate is mostly noise, its random part walks the
weights away from anything the data support, and the search overfits
(``benchmarks/large.py``). Node perturbation (:mod:`jaxclimb.evaluation.nodes`) perturbs
every layer's pre-activations instead, row by row, and reads every row's score: each row's
direction has ``units`` entries, estimated from ``pop_size / 2`` antithetic pairs, and the
rows' estimates are combined through the linear layers (``h^T delta``). Nothing is
differentiated: step units and accuracy are searched as tanh and log-loss are.

A step: the minibatch's (or all rows') clean forward pass; ``pop_size`` members, each the
layers after the first recomputed from perturbed units (``pop_size`` evaluations); the
direction, less the gradient of the objective's own L2 penalty (a known quadratic); Adam
or SGD on the mean; the moved mean scored (one more evaluation). The state and what a run
reports are the evolution strategy's (:class:`~jaxclimb.algorithms.es.ESState`).

Example:
    >>> import jax, numpy as np
    >>> from jaxclimb import MLP, make_score_fn
    >>> X = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
    >>> net = MLP((3, 8, 1), activation="step", output="sigmoid")
    >>> score = make_score_fn(net, X, (X[:, 0] > 0).astype(int), metric="log_loss")
    >>> algo = node_perturbation(score, pop_size=16, learning_rate=0.05)
    >>> state = algo.init(jax.random.key(0), net.init(jax.random.key(1)))
    >>> start = float(state.score)
    >>> step = jax.jit(algo.step)
    >>> for t in range(100):
    ...     state, info = step(jax.random.key(t), state)
    >>> bool(state.score > start), int(info.n_evaluations)
    (True, 17)
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from .._checks import check_choice, check_float, check_int
from ..evaluation.nodes import clean_pass, offers_nodes, perturbed_row_scores, step_rows
from ..precision import matmul_precision
from ..prng import fold_in, normal
from .acceptance import distribution_step
from .base import Algorithm, Traits, bind
from .es import OPTIMIZERS, ESState, _ascent, _init


def node_perturbation(
    score_fn: Any,
    *,
    pop_size: int = 64,
    step_size: float = 0.1,
    learning_rate: float = 0.003,
    optimizer: str = "adam",
) -> Algorithm:
    """An evolution strategy in the pre-activations of a built-in MLP's units.

    Args:
        score_fn: an objective of the built-in :class:`~jaxclimb.networks.MLP` whose
            metric is a mean over rows (:func:`~jaxclimb.make_score_fn`, the estimators';
            accuracy, log-loss or MSE), higher is better. Any other objective:
            :func:`~jaxclimb.evolution_strategy`.
        pop_size: perturbed passes per step (even: ``pop_size / 2`` antithetic pairs).
        step_size: ``sigma``, the standard deviation of the units' perturbations.
        learning_rate: the optimiser's step on the weights.
        optimizer: ``"adam"`` or ``"sgd"``.

    Every number is data: changing it compiles nothing.
    """
    if not offers_nodes(score_fn):
        raise ValueError(
            "node_perturbation needs an objective of the built-in MLP whose metric is a mean "
            "over rows (make_score_fn(MLP(...), X, y, metric='accuracy' | 'log_loss' | "
            "'mse')); for any other objective use evolution_strategy"
        )
    pop_size = check_int("pop_size", pop_size, minimum=2)
    if pop_size % 2:
        raise ValueError(f"pop_size must be even (antithetic pairs); got {pop_size}")
    check_choice("optimizer", optimizer, OPTIMIZERS)
    sigma = check_float("step_size", step_size, positive=True)
    rate = check_float("learning_rate", learning_rate, positive=True)
    adam = optimizer == "adam"
    return Algorithm(
        init=bind(_init, score_fn, jnp.asarray(sigma, jnp.float32), adam=adam),
        step=bind(_step, score_fn, jnp.asarray(rate, jnp.float32), pop_size=pop_size, adam=adam),
        traits=Traits(initial_evaluations=1, evaluations_per_step=pop_size + 1,
                      name="node-perturbation", distribution=True, objective=score_fn),
    )  # fmt: skip


CHUNK_BYTES = 256 * 2**20
"""Temporaries of the antithetic pairs evaluated at once (noise, perturbed units, both
signs): more pairs than fit are walked in chunks, so full-batch data stay bounded."""


def pairs_per_chunk(half: int, rows: int, units: int) -> int:
    """The pairs evaluated at once: a divisor of ``half`` whose temporaries (about 32 bytes
    per row and unit a pair) fit :data:`CHUNK_BYTES`."""
    chunk = max(1, min(half, CHUNK_BYTES // max(1, 32 * rows * units)))
    while half % chunk:
        chunk -= 1
    return chunk


def direction(score_fn: Any, key: jax.Array, params: list, sigma: jax.Array, pop_size: int):
    """The estimated ascent direction of the score (flat, ``ravel_pytree``'s order) and
    the members' scores on the step's rows, ``(pop_size,)``; the pairs in chunks of
    :func:`pairs_per_chunk` (one chunk draws exactly what an unchunked step would)."""
    X, y, w = step_rows(score_fn)
    with matmul_precision(score_fn.precision):
        clean = clean_pass(score_fn, params, X)
        half = pop_size // 2
        chunk = pairs_per_chunk(half, X.shape[0], sum(z.shape[1] for _, z in clean))
        rows = (params, clean, y, w, sigma, half)

        def one_chunk(c):
            return _pairs(score_fn, key, c, chunk, half // chunk > 1, rows)

        deltas, plus, minus = jax.lax.map(one_chunk, jnp.arange(half // chunk))
        grads = [{"b": jnp.sum(d, axis=(0, 1)), "w": h.T @ jnp.sum(d, axis=0)}
                 for (h, _), d in zip(clean, deltas, strict=True)]  # fmt: skip
    penalty = jax.grad(score_fn.penalty)(params)
    ascent = jax.tree_util.tree_map(lambda g, p: g - p, grads, penalty)
    return ravel_pytree(ascent)[0], jnp.concatenate([plus.ravel(), minus.ravel()])


def _pairs(score_fn, key, c, chunk: int, chunked: bool, rows):
    """Chunk ``c`` of the antithetic pairs: each layer's summed ``slope x noise`` (each
    row's derivative of its score by the units), and the members' scores, both signs."""
    params, clean, y, w, sigma, half = rows
    keys = [fold_in(key, k) for k in range(len(clean))]
    keys = [fold_in(k, c) for k in keys] if chunked else keys
    noise = [normal(k, (chunk, *z.shape), z.dtype) for k, (_, z) in zip(keys, clean, strict=True)]
    members = jax.vmap(lambda s, e: perturbed_row_scores(score_fn, params, clean, e, y, w, s),
                       in_axes=(None, 0))  # fmt: skip
    plus, minus = members(sigma, noise), members(-sigma, noise)  # (chunk, rows) each
    slope = (plus - minus) / (2 * sigma * half)
    slope = jnp.where(jnp.isfinite(slope), slope, 0.0)  # a non-finite pair says nothing
    deltas = [jnp.einsum("pr,pru->ru", slope, e) for e in noise]
    return deltas, jnp.sum(plus, axis=1), jnp.sum(minus, axis=1)


def _step(score_fn, rate, key, state: ESState, *, pop_size, adam):
    grad, fitness = direction(score_fn, key, state.params, state.sigma, pop_size)
    mean, unravel = ravel_pytree(state.params)
    usable = jnp.all(jnp.isfinite(grad))  # else the optimiser's moments stay as they were
    move, m1, m2 = _ascent(jnp.where(usable, grad, 0.0), state, rate, adam)
    move = jnp.where(usable, move, 0.0)
    m1, m2 = jnp.where(usable, m1, state.moment1), jnp.where(usable, m2, state.moment2)
    moved = mean + move.astype(mean.dtype)
    moved_score = score_fn(unravel(moved))
    params, score, best_params, best_score, info = distribution_step(
        state, unravel, None, fitness, moved, moved_score
    )
    new = ESState(params, score, best_params, best_score, state.sigma, m1, m2, state.updates + 1)
    return new, info

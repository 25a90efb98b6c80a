"""A single-point climber's move and its evaluation, full or incremental.

A climber asks :func:`uses_cache` once, when it is built: an objective that offers
incremental evaluation (``score_fn.incremental``, :mod:`jaxclimb.evaluation.incremental`)
and a move that changes a few units' fan-in (``mutation="units"`` or ``"neighbour"``)
make it keep a cache of activations in its state and score each candidate with
``score_fn.score_move``; anything else scores ``score_fn(candidate)`` as before. The moves
are drawn alike either way, so the two paths follow the same trajectory up to float32
rounding of the scores.

Example:
    >>> import jax, jax.numpy as jnp
    >>> candidate, which = propose(jax.random.key(0), jnp.zeros(3), kind="gaussian",
    ...                            step_size=0.1, fraction=None, count=1, clip_max=None,
    ...                            step_scale=None, structured=False)
    >>> int((candidate != 0).sum()), which is None
    (1, True)
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..mutation import clip, move
from .unitmoves import neighbour_move, unit_move

STRUCTURED = ("units", "neighbour")
"""Move kinds whose changed units are known (:class:`~jaxclimb.algorithms.unitmoves.UnitMove`)."""


def uses_cache(score_fn: Any, kind: str, incremental: bool = True) -> bool:
    """Whether a climber of ``kind`` moves keeps a cache for ``score_fn``."""
    if not isinstance(incremental, bool):
        raise TypeError(f"incremental must be True or False; got {incremental!r}")
    return incremental and kind in STRUCTURED and getattr(score_fn, "incremental", False) is True


def propose(key: jax.Array, params: Any, *, kind: str, step_size, fraction, count, clip_max,
            step_scale, structured: bool) -> tuple[Any, Any]:  # fmt: skip
    """``(candidate, UnitMove or None)``: one move of ``params``, then clipping. Unit
    moves move ``count`` units (one when None) of one layer; ``structured`` also says which
    units a neighbour move changed."""
    if kind == "units":
        moved, which = unit_move(key, params, step_size=step_size, n_units=count or 1,
                                 scaled=step_scale == "fan-in")  # fmt: skip
        return clip(moved, clip_max), which if structured else None
    if kind == "neighbour" and structured:
        moved, which = neighbour_move(key, params, step_size=step_size)
        return clip(moved, clip_max), which
    how = {"fraction": fraction, "count": count, "step_scale": step_scale}
    return move(key, params, kind=kind, step_size=step_size, clip_max=clip_max, **how), None


def evaluate(score_fn, cache, candidate, which) -> tuple[jax.Array, Any]:
    """``(score, pending)``: incremental when ``which`` says which units moved, else a full
    evaluation (no pending update)."""
    if which is None:
        return score_fn(candidate), None
    return score_fn.score_move(cache, candidate, which)


def committed(score_fn, cache, pending, accepted: jax.Array):
    """The climber's cache after its step (unchanged without one)."""
    if pending is None:
        return cache
    return score_fn.commit(cache, pending, accepted)


def initial_cache(score_fn, params, cached: bool):
    """A new climber's cache (None when it keeps none)."""
    return score_fn.init_cache(params) if cached else None


def clipped_start(params, clip_max, cached: bool):
    """A cached climber starts clipped (a move clips every weight, but recomputes only the
    moved units: the others must already lie within ``clip_max``)."""
    return clip(params, clip_max) if cached else params


def pick(candidates, scores, pending, i: jax.Array):
    """Candidate ``i`` of a batch, its score and its pending update."""
    take = lambda t: jax.tree_util.tree_map(lambda x: x[i], t)  # noqa: E731
    return take(candidates), scores[i], None if pending is None else take(pending)


def nonfinite(scores) -> jax.Array:
    """How many scores are NaN or infinite (an int32 count)."""
    return jnp.sum(~jnp.isfinite(scores)).astype(jnp.int32)

"""A metric as sums over rows: what a fused evaluation accumulates tile by tile.

Every built-in metric is a mean (or a ratio of sums) over rows, so a pass that walks the
rows in tiles can keep one small accumulator per climber instead of the whole output:
correct predictions for accuracy, summed losses for log-loss and MSE, summed squared
residuals per output for R². :func:`tile_sums` computes one tile's contribution with
the same rules as :mod:`jaxclimb.evaluation.metrics` (so counts are equal, losses equal
to float32 rounding), and :func:`finish` turns the totals into the metric.

The functions use only element-wise operations, masks and reductions along one axis, so
the same code runs in a Pallas kernel (Triton or interpreted) and in XLA. Outputs may be
padded with extra columns (``n_outputs`` are real) and tiles with extra rows (``valid``).

Example:
    >>> import jax.numpy as jnp
    >>> z = jnp.array([[2.0], [-1.0], [3.0]]); y = jnp.array([[1.0], [1.0], [0.0]])
    >>> s = tile_sums(z, y, jnp.array([True, True, False]), metric="accuracy",
    ...               output_kind="logit", n_outputs=1)
    >>> float(finish(s, metric="accuracy", n_rows=2, n_outputs=1, ss_tot=None))
    0.5
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .metrics import _EPS

_NEG = -jnp.inf


def tile_sums(z, y, valid, *, metric: str, output_kind: str, n_outputs: int,
              transfer=None) -> jax.Array:  # fmt: skip
    """Sums over the valid rows of one tile, a vector as wide as ``z`` has columns.

    ``z``: ``(rows, columns)`` output-layer activations; ``transfer``: the output transfer
    to apply first (None when the metric reads logits); ``y``: ``(rows, columns)``, the
    class index in column 0 for classification, the targets for regression; ``valid``:
    ``(rows,)`` which rows count. Scalar sums sit in column 0.
    """
    lane = jax.lax.broadcasted_iota(jnp.int32, z.shape, 1)
    real = lane < n_outputs
    out = z if transfer is None else _transfer(transfer, z, real)
    if metric in ("mse", "r2"):
        per_output = jnp.where(real & valid[:, None], (out - y) ** 2, 0.0)
        return jnp.sum(per_output, axis=0)
    target = jnp.sum(jnp.where(lane == 0, y, 0.0), axis=1)
    if n_outputs == 1:
        term = _binary(jnp.sum(jnp.where(lane == 0, out, 0.0), axis=1), target, metric,
                       output_kind)  # fmt: skip
    else:
        term = _multiclass(out, target, lane, real, metric, output_kind)
    total = jnp.sum(jnp.where(valid, term, 0.0))
    column = jax.lax.broadcasted_iota(jnp.int32, (z.shape[1],), 0)
    return jnp.where(column == 0, total, 0.0)


def _transfer(name: str, z, real):
    if name == "softmax":
        z = jnp.where(real, z, _NEG)
        e = jnp.exp(z - jnp.max(z, axis=1, keepdims=True))
        return e / jnp.sum(e, axis=1, keepdims=True)
    from ..networks import TRANSFERS

    return TRANSFERS[name](z)


def _binary(out, y, metric: str, kind: str):
    """Per-row term of a one-output classifier (``metrics.accuracy`` / ``log_loss``)."""
    if metric == "accuracy":
        if kind == "step":
            pred = out >= 0
        elif kind in ("logit", "value"):
            pred = out > 0
        else:
            pred = out > 0.5
        return (pred.astype(jnp.float32) == y).astype(jnp.float32) + 0 * out
    if kind == "logit":
        return jax.nn.softplus(out) - y * out
    p = jnp.clip(out, _EPS, 1 - _EPS)
    return -(y * jnp.log(p) + (1 - y) * jnp.log1p(-p))


def _multiclass(out, y, lane, real, metric: str, kind: str):
    """Per-row term of a k-output classifier; argmax as ``jnp.argmax`` breaks ties (first)."""
    hit = lane == y[:, None].astype(jnp.int32)
    out_y = jnp.sum(jnp.where(hit, out, 0.0), axis=1)
    if metric == "accuracy":
        beaten = ((lane < y[:, None]) & (out >= out_y[:, None])) | (
            (lane > y[:, None]) & (out > out_y[:, None])
        )
        wrong = jnp.sum(jnp.where(real & beaten, 1.0, 0.0), axis=1)
        poison = 0 * jnp.sum(jnp.where(real, out, 0.0), axis=1)
        return (wrong == 0).astype(jnp.float32) + poison
    if kind == "logit":
        masked = jnp.where(real, out, _NEG)
        top = jnp.max(masked, axis=1)
        lse = jnp.log(jnp.sum(jnp.where(real, jnp.exp(masked - top[:, None]), 0.0), axis=1))
        return -(out_y - top - lse)
    return -jnp.log(jnp.clip(out_y, _EPS, 1 - _EPS))


def finish(sums, *, metric: str, n_rows: int, n_outputs: int, ss_tot) -> jax.Array:
    """The metric from the summed tiles (``sums``: ``(..., columns)``)."""
    if metric == "mse":
        return jnp.sum(sums[..., :n_outputs], axis=-1) / (n_rows * n_outputs)
    if metric == "r2":
        return jnp.mean(1.0 - sums[..., :n_outputs] / ss_tot, axis=-1)
    return sums[..., 0] / n_rows


def total_squares(y) -> jax.Array:
    """R²'s denominator per output, as :func:`jaxclimb.evaluation.metrics.r2` computes it."""
    y = jnp.asarray(y)
    y = y[:, None] if y.ndim == 1 else y
    return jnp.sum((y - jnp.mean(y, axis=0)) ** 2, axis=0)


def pad_to(a, shape) -> jax.Array:
    """Zero-pad the trailing axes of ``a`` to ``shape``."""
    a = jnp.asarray(a)
    lead = a.ndim - len(shape)
    pads = [(0, s - n) for s, n in zip(shape, a.shape[lead:], strict=True)]
    return jnp.pad(a, [(0, 0)] * lead + pads)


def target_columns(y, width: int, *, classification: bool) -> jax.Array:
    """Targets as ``(..., rows, width)`` floats: the class index in column 0, or the
    regression targets (already ``(..., rows, outputs)``) in their columns."""
    y = jnp.asarray(y, jnp.float32)
    return pad_to(y[..., None] if classification else y, (width,))

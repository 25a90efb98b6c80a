"""The fused evaluation kernel: a block of MLP climbers scored in one Pallas program grid.

Each program holds ``climbers`` climbers' weights and walks the rows in tiles inside the
kernel: a tile of X is read once and shared by the climbers' first layers (one matrix
product each, on the tensor cores at the chosen precision), the tile's activations never
leave the chip, and the metric is reduced in place (:mod:`~jaxclimb.evaluation.terms`):
counts for accuracy, sums for losses. Only one small vector per climber is written back.

The code follows what Pallas lowers to Triton: block and tile shapes are powers of two
(features, units and outputs are zero-padded; padded units meet zero weights, padded
outputs are masked), ragged row tiles are masked, products are ``lax.dot`` with a float32
accumulator. On a CPU the same kernel runs in Pallas' interpret mode (for tests).

Example:
    >>> import numpy as np
    >>> spec = KernelSpec((2, 3, 1), ("tanh",), None, "accuracy", "logit", n_rows=5,
    ...                   tile=8, climbers=2, precision="float32", shared_x=True,
    ...                   interpret=True)
    >>> rng = np.random.default_rng(0)
    >>> params = [{"w": rng.normal(size=(4, 2, 3)), "b": rng.normal(size=(4, 3))},
    ...           {"w": rng.normal(size=(4, 3, 1)), "b": rng.normal(size=(4, 1))}]
    >>> X, y = pack_data(spec, rng.normal(size=(5, 2)), np.zeros(5))
    >>> block_sums(spec, pack_layers(spec, params), X, y).shape
    (4, 16)
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
from jax.experimental import pallas as pl

from ..networks import TRANSFERS
from .terms import pad_to, target_columns, tile_sums

LANES = 16
"""The narrowest padded width: Triton's matrix products need at least 16 along each axis."""
PRECISIONS = ("float32", "tf32", "bfloat16")
CLASSIFIERS = ("accuracy", "log_loss")


def padded(n: int) -> int:
    """``n`` rounded up to a power of two, at least :data:`LANES`."""
    return max(LANES, 1 << (int(n) - 1).bit_length())


@dataclasses.dataclass(frozen=True)
class KernelSpec:
    """What the kernel is compiled for (all static)."""

    layer_sizes: tuple[int, ...]
    hidden: tuple[str, ...]  # transfer of each hidden layer
    transfer: str | None  # output transfer the metric reads (None: logits)
    metric: str
    output_kind: str
    n_rows: int
    tile: int  # rows per tile, a power of two
    climbers: int  # climbers per program, a power of two
    precision: str
    shared_x: bool  # one X for every climber (full batch) or one per climber (minibatch)
    interpret: bool

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(padded(n) for n in self.layer_sizes)

    @property
    def padded_rows(self) -> int:
        return -(-self.n_rows // self.tile) * self.tile


def _dot(h, w, precision: str):
    if precision == "bfloat16":
        h, w = h.astype(jnp.bfloat16), w.astype(jnp.bfloat16)
    exact = jax.lax.Precision.HIGHEST if precision == "float32" else jax.lax.Precision.DEFAULT
    return jax.lax.dot(h, w, precision=exact, preferred_element_type=jnp.float32)


def _forward(spec: KernelSpec, x, layer_refs, c: int):
    """Climber ``c``'s output-layer activations for one tile of rows."""
    h = x
    n_layers = len(layer_refs) // 2
    for k in range(n_layers):
        w, b = layer_refs[2 * k][c], layer_refs[2 * k + 1][c]
        h = _dot(h, w, spec.precision) + b[None, :]
        if k < n_layers - 1:
            h = TRANSFERS[spec.hidden[k]](h)
    return h


def _kernel(spec: KernelSpec, x_ref, y_ref, *refs):
    *layer_refs, out_ref = refs
    width = spec.widths[-1]

    def tile(t, sums):
        start = pl.multiple_of(t * spec.tile, spec.tile)
        rows = pl.ds(start, spec.tile)
        index = start + jax.lax.broadcasted_iota(jnp.int32, (spec.tile,), 0)
        valid = index < spec.n_rows
        x_shared = x_ref[0, rows, :] if spec.shared_x else None
        y_shared = y_ref[0, rows, :] if spec.shared_x else None
        new = []
        for c in range(spec.climbers):
            x = x_shared if spec.shared_x else x_ref[c, rows, :]
            y = y_shared if spec.shared_x else y_ref[c, rows, :]
            z = _forward(spec, x, layer_refs, c)
            new.append(sums[c] + tile_sums(z, y, valid, metric=spec.metric,
                                           output_kind=spec.output_kind,
                                           n_outputs=spec.layer_sizes[-1],
                                           transfer=spec.transfer))  # fmt: skip
        return tuple(new)

    zeros = tuple(jnp.zeros((width,), jnp.float32) for _ in range(spec.climbers))
    sums = jax.lax.fori_loop(0, spec.padded_rows // spec.tile, tile, zeros)
    for c in range(spec.climbers):
        out_ref[c, :] = sums[c]


def block_sums(spec: KernelSpec, layers, X, y) -> jax.Array:
    """Per-climber sums ``(population, widths[-1])`` of the metric's row terms.

    ``layers``: ``[w1, b1, w2, b2, ...]`` with a leading climber axis (a multiple of
    ``spec.climbers``), padded to ``spec.widths``; ``X``: ``(1 or population, padded_rows,
    widths[0])``; ``y``: ``(1 or population, padded_rows, widths[-1])``.
    """
    population, c = layers[0].shape[0], spec.climbers

    def data_block(a):  # the whole rows: shared by every program, or this block's own
        if spec.shared_x:
            return pl.BlockSpec((1, *a.shape[1:]), lambda i: (0, 0, 0))
        return pl.BlockSpec((c, *a.shape[1:]), lambda i: (i, 0, 0))

    def climber_block(a):
        return pl.BlockSpec((c, *a.shape[1:]), lambda i, n=a.ndim: (i,) + (0,) * (n - 1))

    return pl.pallas_call(
        functools.partial(_kernel, spec),
        grid=(population // c,),
        in_specs=[data_block(X), data_block(y), *map(climber_block, layers)],
        out_specs=pl.BlockSpec((c, spec.widths[-1]), lambda i: (i, 0)),
        out_shape=jax.ShapeDtypeStruct((population, spec.widths[-1]), jnp.float32),
        interpret=spec.interpret,
        compiler_params=None if spec.interpret else _triton_params(),
    )(X, y, *layers)


def _triton_params():
    from jax.experimental.pallas import triton as pltriton

    # JAX 0.7 renamed TritonCompilerParams to CompilerParams; the declared floor (0.6.1) has
    # only the old name.
    params = getattr(pltriton, "CompilerParams", None) or pltriton.TritonCompilerParams
    return params(num_warps=4, num_stages=1)


def pack_layers(spec: KernelSpec, params) -> list[jax.Array]:
    """An MLP's layers with a leading climber axis, zero-padded to the kernel's widths."""
    widths, out = spec.widths, []
    for k, layer in enumerate(params):
        out.append(pad_to(jnp.asarray(layer["w"], jnp.float32), (widths[k], widths[k + 1])))
        out.append(pad_to(jnp.asarray(layer["b"], jnp.float32), (widths[k + 1],)))
    return out


def pack_data(spec: KernelSpec, X, y) -> tuple[jax.Array, jax.Array]:
    """X and the targets (:func:`~jaxclimb.evaluation.terms.target_columns`), rows padded
    to whole tiles, with a leading axis (1, or one per climber for minibatch rows)."""
    X = jnp.asarray(X, jnp.float32)
    y = target_columns(y, spec.widths[-1], classification=spec.metric in CLASSIFIERS)
    if X.ndim == 2:
        X, y = X[None], y[None]
    return pad_to(X, (spec.padded_rows, spec.widths[0])), pad_to(y, (spec.padded_rows, y.shape[-1]))

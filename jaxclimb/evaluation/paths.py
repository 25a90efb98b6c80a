"""Which code evaluates an objective: XLA, the fused Pallas kernel, or CPU row tiles.

:func:`make_score_fn`'s ``evaluation`` picks the path; nothing above the objective
chooses it. A climber's score is written for one climber, and the population arrives
through ``vmap`` (the engine's population map, a GA's children, (1+λ) candidates, ES
pairs): the kernel path is a :func:`jax.custom_batching.custom_vmap` whose batching rule
hands the whole batch, however deeply nested, to one kernel launch
(:func:`~jaxclimb.evaluation.kernel.block_sums`). Gradients (the gradient baseline) are
taken through the XLA path, which computes the same function.

* ``"xla"``: the forward pass as XLA compiles it (any forward).
* ``"fused"``: the kernel (Triton on a GPU, interpret mode elsewhere, for tests); the
  built-in MLP only, else a ValueError before anything compiles.
* ``"auto"``: the kernel or the row tiles where they apply and were measured faster on
  the backend (see benchmarks/roofline.py and benchmarks/gpu.py), else XLA; unit moves
  incrementally where that was measured faster (:mod:`~jaxclimb.evaluation.incremental`).
* ``"incremental"``: unit and neighbour moves scored from each climber's cached
  activations wherever that applies (the built-in MLP with a hidden layer, all rows,
  float32); every other evaluation as ``"auto"``.

Example:
    >>> import numpy as np
    >>> from jaxclimb.networks import MLP
    >>> check_evaluation("fused", MLP((2, 1)))
    'fused'
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp

from .._checks import check_choice
from ..networks import MLP
from ..precision import cast_inputs, matmul_precision
from .terms import finish, pad_to, target_columns, tile_sums, total_squares

EVALUATIONS = ("auto", "fused", "xla", "incremental")
CPU_TILE_ROWS = 256
"""Rows per tile of the CPU row-tile path."""
CPU_TILE_MIN_ROWS = 2048
"""``"auto"`` walks row tiles on a CPU for matrix-product networks with more rows."""
AUTO_KERNEL_BACKENDS: tuple[str, ...] = ()
"""Backends where ``"auto"`` runs the kernel: none until benchmarks/gpu.py has measured
it faster than XLA on a GPU."""
GPU_TILE_ROWS, GPU_CLIMBERS = 128, 4
INTERPRET_TILE_ROWS, INTERPRET_CLIMBERS = 16, 2


def check_evaluation(evaluation: str, forward) -> str:
    """``evaluation`` checked against the forward before anything compiles."""
    check_choice("evaluation", evaluation, EVALUATIONS)
    if evaluation in ("fused", "incremental") and not isinstance(forward, MLP):
        raise ValueError(
            f"evaluation={evaluation!r} needs the built-in network (jaxclimb.MLP); a user "
            "forward is evaluated by XLA: use evaluation='auto' or 'xla'"
        )
    return evaluation


def path_of(score, backend: str | None = None) -> str:
    """``"kernel"``, ``"tiles"`` or ``"xla"``: how ``score`` is evaluated on ``backend``
    (default: JAX's default backend)."""
    if score.evaluation == "xla" or not isinstance(score.forward, MLP):
        return "xla"
    backend = backend or jax.default_backend()
    if score.evaluation == "fused" or backend in AUTO_KERNEL_BACKENDS:
        return "kernel"
    rows = min(score.X.shape[0], score.batch_size or score.X.shape[0])
    if backend == "cpu" and not score.fused and rows >= CPU_TILE_MIN_ROWS:
        return "tiles"
    return "xla"


def activation_rows(score, backend: str) -> int:
    """Rows whose activations one climber holds at once (a tile on the tile path)."""
    rows = min(score.X.shape[0], score.batch_size or score.X.shape[0])
    return min(rows, CPU_TILE_ROWS) if path_of(score, backend) == "tiles" else rows


def metric_value(score, params, X, y) -> jax.Array:
    """The metric of one climber on ``(X, y)`` along the path :func:`path_of` chooses."""
    path = path_of(score)
    if path == "xla":
        return score.xla_metric_value(params, X, y)
    if path == "tiles":
        return _tiles_metric(score, params, X, y)

    @jax.custom_jvp
    def fused(params, X, y):
        return _kernel_metric(score, params, X, y)

    fused.defjvp(lambda primals, tangents: jax.jvp(score.xla_metric_value, primals, tangents))
    return fused(params, X, y)


def _finish(score, sums, y):
    ss_tot = total_squares(y) if score.metric == "r2" else None
    n_out = score.forward.layer_sizes[-1]
    return finish(sums, metric=score.metric, n_rows=y.shape[0], n_outputs=n_out, ss_tot=ss_tot)


def _transfer(score) -> str | None:
    return None if score.use_logits else score.forward.output


def _tiles_metric(score, params, X, y) -> jax.Array:
    """Rows walked in tiles of :data:`CPU_TILE_ROWS`: under the population's vmap each
    tile's activations for a block of climbers stay in the core's cache."""
    net, tile = score.forward, min(CPU_TILE_ROWS, X.shape[0])
    n_tiles = -(-X.shape[0] // tile)
    n_out = net.layer_sizes[-1]
    Xt = pad_to(X, (n_tiles * tile, X.shape[1])).reshape(n_tiles, tile, -1)
    yc = target_columns(y, n_out, classification=score.n_classes is not None)
    yt = pad_to(yc, (n_tiles * tile, n_out)).reshape(n_tiles, tile, n_out)
    params, Xt = cast_inputs(score.precision, params, Xt)

    def one_tile(x, yy, t):
        with matmul_precision(score.precision):
            z = net.logits(params, x).astype(jnp.float32)
        valid = t * tile + jnp.arange(tile) < X.shape[0]
        return tile_sums(z, yy, valid, metric=score.metric, output_kind=score.output_kind,
                         n_outputs=n_out, transfer=_transfer(score))  # fmt: skip

    # the first tile starts the sums, so they carry the climbers' (varying) type
    rest = (Xt[1:], yt[1:], jnp.arange(1, n_tiles))
    sums, _ = jax.lax.scan(lambda s, a: (s + one_tile(*a), None), one_tile(Xt[0], yt[0], 0), rest)
    return _finish(score, sums, y)


def _kernel_metric(score, params, X, y) -> jax.Array:
    from .kernel import KernelSpec, pack_data, pack_layers

    interpret = jax.default_backend() != "gpu"
    net = score.forward
    spec = KernelSpec(
        layer_sizes=net.layer_sizes, hidden=net.hidden_activations,
        transfer=_transfer(score), metric=score.metric, output_kind=score.output_kind,
        n_rows=X.shape[0], tile=INTERPRET_TILE_ROWS if interpret else GPU_TILE_ROWS,
        climbers=INTERPRET_CLIMBERS if interpret else GPU_CLIMBERS,
        precision=score.precision, shared_x=True, interpret=interpret,
    )  # fmt: skip
    layers = [a[None] for a in pack_layers(spec, params)]
    Xp, yp = pack_data(spec, X, y)
    return _finish(score, _block_fn(spec)(layers, Xp, yp)[0], y)


@functools.lru_cache(maxsize=64)
def _block_fn(spec):
    """``block(layers, X, y) -> sums``, a block of climbers in one kernel launch; under
    ``vmap`` the batch joins the block (``custom_vmap``), so nested vmaps make one launch."""
    from .kernel import block_sums

    @jax.custom_batching.custom_vmap
    def block(layers, X, y):
        n = layers[0].shape[0]
        climbers = min(spec.climbers, 1 << (n - 1).bit_length())
        one = dataclasses.replace(spec, climbers=climbers, shared_x=X.shape[0] == 1)
        whole = -(-n // climbers) * climbers
        grow = lambda a: jnp.pad(a, [(0, whole - n)] + [(0, 0)] * (a.ndim - 1))  # noqa: E731
        if not one.shared_x:
            X, y = grow(X), grow(y)
        return block_sums(one, [grow(a) for a in layers], X, y)[:n]

    @block.def_vmap
    def _batched(axis_size, in_batched, layers, X, y):
        inner = layers[0].shape[1] if in_batched[0][0] else layers[0].shape[0]
        flat = lambda a, b: _flatten(a, b, axis_size, inner)  # noqa: E731
        layers = [flat(a, b) for a, b in zip(layers, in_batched[0], strict=True)]
        X, y = flat(X, in_batched[1]), flat(y, in_batched[2])
        out = block(layers, X, y)
        return out.reshape(axis_size, inner, *out.shape[1:]), True

    return block


def _flatten(a, batched: bool, axis_size: int, inner: int):
    """``(axis_size, inner or 1, ...)`` to ``(axis_size * inner or 1, ...)``; data shared
    by every climber (a leading 1, unbatched) stays shared."""
    if not batched:
        if a.shape[0] == 1:
            return a
        a = jnp.broadcast_to(a[None], (axis_size, *a.shape))
    if a.shape[1] != inner:
        a = jnp.broadcast_to(a, (axis_size, inner, *a.shape[2:]))
    return a.reshape(axis_size * inner, *a.shape[2:])

"""Scoring low-rank perturbations of a built-in MLP without forming any member's weights.

A low-rank evolution strategy (EGGROLL, arXiv 2511.16652) gives member ``i`` the weight
matrices ``W + sigma * A_i B_i^T`` (``A_i`` is ``(n_in, r)``, ``B_i`` is ``(n_out, r)``) and
full-rank perturbations ``sigma * e_i`` of everything else (biases). A *factor* is
``(A, B)`` for a matrix or ``e`` for any other leaf, with a leading member axis.

On the built-in :class:`~jaxclimb.networks.MLP` a member's layer is
``h W + sigma (h A_i) B_i^T + b + sigma e_i``: the product of the inputs with the shared
``W`` does not depend on the member, so under the members' ``vmap`` it is computed once
per step, and each member adds two thin products. A member's weights are never formed.
The rows are walked in tiles; an accuracy or log-loss objective (a mean of rows' terms,
:func:`row_terms`) is summed tile by tile, so no member's logits on all rows are formed
either (measured 1.5x the members per second on 784-64-10, 256 members). Any other
forward gets the members' weights formed (:func:`materialise`).

Example:
    >>> import jax.numpy as jnp
    >>> layer = {"w": jnp.ones((3, 2)), "a": jnp.ones((3, 1)), "bt": jnp.ones((2, 1)),
    ...          "s": jnp.float32(0.5)}
    >>> float(weight_squares(layer)), float(jnp.sum((jnp.ones((3, 2)) * 1.5) ** 2))
    (13.5, 13.5)
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp

from ..networks import MLP, TRANSFERS
from ..precision import DEFAULT_PRECISION, matmul_precision
from .logits import score_of_logits
from .metrics import row_accuracy, row_log_loss

TILE_ROWS = 128
"""Rows per tile of the low-rank forward pass."""


def is_matrix_factor(factor: Any) -> bool:
    """True for ``(A, B)`` (a low-rank matrix factor), False for a full-rank ``e``."""
    return isinstance(factor, tuple)


def perturbation(factor: Any) -> jax.Array:
    """The members' perturbations of one leaf: ``A_i B_i^T`` or ``e_i`` (leading axis)."""
    if is_matrix_factor(factor):
        a, b = factor
        return jnp.einsum("pir,por->pio", a, b)
    return factor


def materialise(params: Any, factors: list, sigma: jax.Array) -> Any:
    """The members' weights ``params + sigma * perturbation`` (a PyTree, leading member
    axis): what a forward that is not the built-in MLP is evaluated on."""
    leaves, treedef = jax.tree_util.tree_flatten(params)
    pairs = zip(leaves, factors, strict=True)
    members = [w + sigma * perturbation(f).astype(w.dtype) for w, f in pairs]
    return jax.tree_util.tree_unflatten(treedef, members)


def weight_squares(layer: dict) -> jax.Array:
    """``sum(w ** 2)`` of a layer's weight matrix; for a low-rank member's layer (keys
    ``a``, ``bt``, ``s``) that of ``w + s * a bt^T``, from the factors alone."""
    w = layer["w"]
    if "a" not in layer:
        return jnp.sum(w**2)
    a, bt, s = layer["a"], layer["bt"], layer["s"]
    cross = jnp.sum(a * (w @ bt))  # <W, A B^T>
    square = jnp.sum((a.T @ a) * (bt.T @ bt))  # ||A B^T||^2
    return jnp.sum(w**2) + 2 * s * cross + s**2 * square


@jax.tree_util.register_static
@dataclasses.dataclass(frozen=True)
class LowRankMLP:
    """The built-in ``net`` evaluated on one low-rank member: its ``params`` are the mean's
    layers with the member's factors beside them (``a``, ``bt``, ``db``, ``s``)."""

    net: MLP

    def logits(self, params: list, X: jax.Array) -> jax.Array:
        """Pre-transfer outputs, ``(rows, outputs)``, walked in tiles of
        :data:`TILE_ROWS` rows (under the members' ``vmap`` a tile's activations of every
        member stay in cache); no member weight matrix is formed."""
        n, out = X.shape[0], self._tiles(params, X, units_first=False)
        return out.reshape(-1, out.shape[-1])[:n]

    def units_first_logits(self, params: list, X: jax.Array) -> jax.Array:
        """:meth:`logits` units first, ``(outputs, rows)`` (each tile's turned while in
        cache), as :func:`~jaxclimb.evaluation.logits.score_of_logits` reads them."""
        n, out = X.shape[0], self._tiles(params, X, units_first=True)
        return jnp.moveaxis(out, 1, 0).reshape(out.shape[1], -1)[:, :n]

    def _tiles(self, params: list, X: jax.Array, *, units_first: bool) -> jax.Array:
        Xt = _row_tiles(X)
        turn = (lambda a: a.T) if units_first else (lambda a: a)
        return jax.lax.scan(lambda c, x: (c, turn(self._tile(params, x))), None, Xt)[1]

    def row_sum(self, params: list, X: jax.Array, terms) -> jax.Array:
        """The sum over the rows of ``terms(z, rows)``, each tile's units-first logits
        ``z`` ``(outputs, tile)`` and the indices of its rows (a tile past the last row
        is not counted): no ``(outputs, rows)`` array is formed, under the members'
        ``vmap`` nothing as large as a member's logits on all rows."""
        n, Xt = X.shape[0], _row_tiles(X)
        rows = jnp.arange(Xt.shape[0] * Xt.shape[1]).reshape(Xt.shape[:2])

        def add(total, tile_rows):
            x, r = tile_rows
            term = terms(self._tile(params, x).T, jnp.minimum(r, n - 1))
            return total + jnp.sum(jnp.where(r < n, term, 0)), None

        return jax.lax.scan(add, jnp.zeros((), X.dtype), (Xt, rows))[0]

    def _tile(self, params: list, h: jax.Array) -> jax.Array:
        for k, layer in enumerate(params):
            s = layer["s"].astype(h.dtype)
            h_w = h @ layer["w"].astype(h.dtype)  # shared by the members while h is
            low = (h @ layer["a"].astype(h.dtype)) @ layer["bt"].T.astype(h.dtype)
            h = h_w + s * low + layer["b"] + s * layer["db"]
            if k < len(params) - 1:
                h = TRANSFERS[self.net.hidden_activations[k]](h)
        return h

    def __call__(self, params: list, X: jax.Array) -> jax.Array:
        return TRANSFERS[self.net.output](self.logits(params, X))


def _row_tiles(X: jax.Array) -> jax.Array:
    """``X`` as ``(tiles, TILE_ROWS, features)`` (fewer rows a tile when ``X`` has
    fewer), the last tile padded with zero rows."""
    tile = min(TILE_ROWS, X.shape[0])
    tiles = -(-X.shape[0] // tile)
    return jnp.pad(X, [(0, tiles * tile - X.shape[0]), (0, 0)]).reshape(tiles, tile, -1)


def offers_lowrank(score: Any) -> bool:
    """Whether ``score`` can score low-rank members without forming their weights: an
    objective of the built-in MLP (matrix weights ``w``, vector biases ``b``)."""
    return isinstance(getattr(score, "forward", None), MLP) and dataclasses.is_dataclass(score)


def row_terms(score: Any) -> Any:
    """``terms(z, rows)``: each row's term of ``score``'s metric from units-first logits
    ``z``, where the score is the mean of such terms (an all-rows float32 accuracy or
    log-loss objective of :func:`~jaxclimb.evaluation.objectives.make_score_fn`), else
    None. As :func:`~jaxclimb.evaluation.logits.score_of_logits` reads them: the same
    output transfer, classes on axis 0, a NaN output poisoning its row's accuracy."""
    plain = getattr(score, "score_of_outputs", None) is None and not score.keyed
    elementwise = score.use_logits or score.forward.output != "softmax"
    float32 = score.precision == DEFAULT_PRECISION
    if not (plain and elementwise and float32 and score.metric in ("accuracy", "log_loss")):
        return None

    def terms(z: jax.Array, rows: jax.Array) -> jax.Array:
        out = z if score.use_logits else TRANSFERS[score.forward.output](z)
        out, y = (out[0] if out.shape[0] == 1 else out), score.y[rows]
        if score.metric == "log_loss":
            return row_log_loss(y, out, output_kind=score.output_kind, axis=0)
        return row_accuracy(y, out, output_kind=score.output_kind, axis=0)

    return terms


def lowrank_scores(score: Any, params: list, factors: list, sigma: jax.Array) -> jax.Array:
    """``score`` of every member ``params + sigma * perturbation`` of a built-in MLP, all
    members at once (the shared products are computed once per tile); ``factors`` are in
    ``params``' leaf order (``[b0, w0, b1, w1, ...]``: JAX orders a layer's ``b`` first)."""
    forward = LowRankMLP(score.forward)
    member_score = dataclasses.replace(score, forward=forward, evaluation="xla")
    by_layer = [factors[2 * k : 2 * k + 2] for k in range(len(params))]
    units_first = not score.keyed and score.precision == DEFAULT_PRECISION
    terms = row_terms(score)

    def one(layer_factors):
        member = []
        for layer, (db, (a, bt)) in zip(params, layer_factors, strict=True):
            member.append({**layer, "a": a, "bt": bt, "db": db, "s": sigma})
        if not units_first:  # minibatches, reduced precision: the objective's own path
            return member_score(member)
        with matmul_precision(score.precision):  # all rows in float32: read units first
            if terms is not None:  # a mean of rows' terms: summed tile by tile
                mean = forward.row_sum(member, score.X, terms) / score.X.shape[0]
                return mean if score.maximize else -mean
            return score_of_logits(score, member, forward.units_first_logits(member, score.X))

    return jax.vmap(one)(by_layer)

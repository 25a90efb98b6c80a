"""Scoring a built-in MLP whose pre-activations are perturbed, row by row (node perturbation).

Node perturbation (Williams 1992; Werfel, Xie & Seung 2005) perturbs the units'
pre-activations ``z = h W + b`` instead of the weights. Member ``i`` adds
``sigma * xi_i`` (``(rows, units)``, standard normal) to every layer's pre-activations;
its score is read *per row*. The antithetic difference of row ``r``'s score along
``xi_{i,r}`` estimates that row's score's derivative with respect to the layer's
pre-activations, a vector of ``units`` entries instead of the layer's ``n_in x units``
weights: the noise of the estimate grows with the units, not the weights. The weights'
direction follows from the linear layer alone: ``h^T delta`` for ``W``, the row sum of
``delta`` for ``b``. No derivative of a transfer or of the metric is taken, so step units
and accuracy are searched as smooth ones are (the perturbation smooths them).

What an objective must offer (:func:`offers_nodes`): the built-in
:class:`~jaxclimb.networks.MLP` and a metric that is a (weighted) mean over rows
(:data:`ROW_METRICS`). ``r2`` (a ratio over all rows) and any other forward do not.

Example:
    >>> import jax, jax.numpy as jnp, numpy as np
    >>> from jaxclimb import MLP, make_score_fn
    >>> net = MLP((2, 3, 1), output="sigmoid")
    >>> X, y = np.eye(2, dtype=np.float32), np.array([0, 1])
    >>> score = make_score_fn(net, X, y, metric="log_loss")
    >>> offers_nodes(score)
    True
    >>> params = net.init(jax.random.key(0))
    >>> clean = clean_pass(score, params, X)
    >>> bool(jnp.allclose(jnp.sum(row_scores(score, clean[-1][1], y, jnp.ones(2))),
    ...                   score(params), atol=1e-6))
    True
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..networks import MLP, TRANSFERS
from .metrics import METRICS
from .objectives import ScoreFn
from .sampling import current_evaluation_key, sample_rows

ROW_METRICS = ("accuracy", "log_loss", "mse")
"""Metrics that are a mean over rows, so a row's share of the score is its own."""


ROW_SCORED: set[type] = {ScoreFn}
"""Objective classes whose score is exactly :func:`row_scores`' sum less ``penalty`` (the
estimators' objective registers itself); a subclass that scores otherwise is not here."""


def offers_nodes(score: Any) -> bool:
    """Whether ``score`` can be searched by node perturbation: an objective of the built-in
    MLP (:func:`~jaxclimb.make_score_fn`, the estimators'; not a subclass of them that
    scores otherwise) with a metric of :data:`ROW_METRICS`."""
    return (
        type(score) in ROW_SCORED
        and isinstance(getattr(score, "forward", None), MLP)
        and getattr(score, "metric", None) in ROW_METRICS
        and callable(getattr(score, "row_weights", None))
    )


def step_rows(score: Any) -> tuple[jax.Array, jax.Array, jax.Array]:
    """``(X, y, weights)`` of the rows the objective scores now: a keyed objective's
    minibatch under the step's evaluation key (the rows ``score(params)`` would draw),
    else every row."""
    X, y, w = score.X, score.y, score.row_weights()
    key = current_evaluation_key() if score.keyed else None
    if key is None:
        return X, y, w
    rows = sample_rows(key, X.shape[0], score.batch_size)
    return X[rows], y[rows], w[rows]


def clean_pass(score: Any, params: list, X: jax.Array) -> list[tuple[jax.Array, jax.Array]]:
    """``[(inputs, pre-activations)]`` of every layer, unperturbed: ``(rows, n_in)`` and
    ``(rows, units)``; the last layer's pre-activations are the logits."""
    net: MLP = score.forward
    h, out = X.astype(params[0]["w"].dtype), []
    for k, layer in enumerate(params):
        z = h @ layer["w"] + layer["b"]
        out.append((h, z))
        if k < len(params) - 1:
            h = TRANSFERS[net.hidden_activations[k]](z)
    return out


def row_scores(score: Any, logits: jax.Array, y: jax.Array, w: jax.Array) -> jax.Array:
    """Each row's share of the score (higher is better, penalty apart): ``+-w_r / sum(w)``
    times the row's metric; the shares sum to the objective's value on these rows."""
    net: MLP = score.forward
    out = logits if score.use_logits else TRANSFERS[net.output](logits)
    if METRICS[score.metric].classification and out.shape[1] == 1:
        out = out[:, 0]
    spec = METRICS[score.metric]
    one = lambda yr, o: spec.fn(yr[None], o[None], output_kind=score.output_kind)  # noqa: E731
    per_row = jax.vmap(one)(y, out)
    sign = 1.0 if spec.maximize else -1.0
    return sign * per_row * (w / jnp.sum(w)).astype(per_row.dtype)


def perturbed_row_scores(score: Any, params: list, clean: list, noise: list, y, w,
                         sigma: jax.Array) -> jax.Array:  # fmt: skip
    """The row scores of one member whose layer ``k`` pre-activations get
    ``sigma * noise[k]``: ``(rows,)``. The first layer's product is ``clean``'s (shared by
    every member); the layers after it are recomputed from the perturbed units."""
    net: MLP = score.forward
    z = clean[0][1] + sigma * noise[0]
    for k in range(1, len(params)):
        h = TRANSFERS[net.hidden_activations[k - 1]](z)
        z = h @ params[k]["w"] + params[k]["b"] + sigma * noise[k]
    return row_scores(score, z, y, w)

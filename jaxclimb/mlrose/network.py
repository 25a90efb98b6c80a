"""mlrose's network, exactly: flat weights, a bias column, no hidden-layer biases.

With ``bias=True`` a column of ones is appended to the inputs (so ``node_list[0]`` is the
number of features plus one); hidden layers have no bias of their own. The flat weight
vector holds each layer's ``(node_list[i], node_list[i + 1])`` matrix in row-major order,
one after the other (mlrose's ``fitted_weights`` and ``init_weights``). The same code runs
in JAX (float32, inside the search) and in NumPy (float64, ``predict`` and ``loss``, as
mlrose computes them).

Example:
    >>> import numpy as np
    >>> net = MlroseNetwork(nodes=(3, 2, 1), activation="relu", bias=True)
    >>> w = np.arange(8, dtype=float) / 10
    >>> net.outputs(np, w, np.ones((1, 2))).tolist()
    [[0.99]]
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

ACTIVATIONS = ("identity", "relu", "sigmoid", "tanh")
"""mlrose's hidden-layer activations."""


def identity(x: np.ndarray, deriv: bool = False) -> np.ndarray:
    """mlrose's identity activation (its derivative is one)."""
    return np.ones_like(x) if deriv else x


def sigmoid(x: np.ndarray, deriv: bool = False) -> np.ndarray:
    """mlrose's sigmoid activation, with its ``deriv`` flag."""
    fx = 1 / (1 + np.exp(-x))
    return fx * (1 - fx) if deriv else fx


def softmax(x: np.ndarray) -> np.ndarray:
    """mlrose's row-wise softmax (the multi-class output)."""
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def _transfer(xp: Any, name: str, z: Any) -> Any:
    if name == "relu":
        return xp.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + xp.exp(-z))
    if name == "tanh":
        return xp.tanh(z)
    return z


def build_node_list(n_inputs: int, hidden: Sequence[int], n_outputs: int, bias: bool) -> list:
    """mlrose's ``node_list``: inputs (plus one for the bias column), hidden, outputs."""
    return [int(n_inputs) + bool(bias), *(int(h) for h in hidden), int(n_outputs)]


def count_weights(nodes: Sequence[int]) -> int:
    """Length of the flat weight vector of a network with layer sizes ``nodes``."""
    return int(sum(a * b for a, b in itertools.pairwise(nodes)))


def unflatten_weights(flat: Any, nodes: Sequence[int]) -> list:
    """The layers' weight matrices from the flat vector (mlrose's order)."""
    layers, start = [], 0
    for a, b in itertools.pairwise(nodes):
        layers.append(flat[start : start + a * b].reshape(a, b))
        start += a * b
    return layers


@dataclasses.dataclass(frozen=True)
class MlroseNetwork:
    """mlrose's network as a hashable forward ``f(weights, X)`` returning the output layer
    before its transfer (logits for a classifier, values for a regressor).

    Attributes:
        nodes: ``node_list``, the bias column included in ``nodes[0]``.
        activation: the hidden layers' transfer (one of :data:`ACTIVATIONS`).
        bias: whether a column of ones is appended to the inputs.
    """

    nodes: tuple[int, ...]
    activation: str
    bias: bool

    def outputs(self, xp: Any, weights: Any, X: Any) -> Any:
        """Output-layer activations before the output transfer, in ``xp`` (numpy or
        jax.numpy)."""
        h = xp.concatenate([X, xp.ones((X.shape[0], 1), X.dtype)], axis=1) if self.bias else X
        layers = unflatten_weights(weights, self.nodes)
        for i, w in enumerate(layers):
            h = h @ w
            if i < len(layers) - 1:
                h = _transfer(xp, self.activation, h)
        return h

    def __call__(self, weights: Any, X: Any) -> Any:
        return self.outputs(jnp, weights, X)


def output_transfer(is_classifier: bool, n_outputs: int):
    """mlrose's output activation: sigmoid (one output), softmax (several) or identity."""
    if not is_classifier:
        return identity
    return sigmoid if n_outputs == 1 else softmax


def predict(net: MlroseNetwork, weights: np.ndarray, X: np.ndarray, is_classifier: bool):
    """``(predictions, predicted_probs)`` as mlrose's ``_predict``: a classifier rounds its
    sigmoid output or one-hot encodes the softmax's argmax (ints), a regressor returns values
    and no probabilities."""
    z = net.outputs(np, np.asarray(weights, np.float64), np.asarray(X, np.float64))
    out = output_transfer(is_classifier, z.shape[1])(z)
    if not is_classifier:
        return out, None
    if out.shape[1] == 1:
        return np.round(out).astype(int), out
    hot = np.zeros_like(out, dtype=int)
    hot[np.arange(len(out)), np.argmax(out, axis=1)] = 1
    return hot, out

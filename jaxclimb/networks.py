"""Neural networks as PyTrees of weight arrays.

An MLP's parameters are a list of layers, each a dict ``{"w": (n_in, n_out), "b": (n_out,)}``.
Nothing downstream depends on this layout: every function in jaxclimb also accepts a user
forward function ``f(params, X)`` over any PyTree.

Example:
    >>> import jax, numpy as np
    >>> net = MLP((5, 10, 1), activation="sigmoid", output="sigmoid")
    >>> params = net.init(jax.random.key(0))
    >>> [layer["w"].shape for layer in params]
    [(5, 10), (10, 1)]
    >>> net(params, np.ones((3, 5), np.float32)).shape
    (3, 1)
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from ._checks import check_choice, check_int

Params = list[dict[str, jax.Array]]


def step(z: ArrayLike) -> jax.Array:
    """Heaviside step transfer: 1 where the activation is >= 0, else 0."""
    z = jnp.asarray(z)
    return (z >= 0).astype(z.dtype)


def identity(z: ArrayLike) -> jax.Array:
    """Identity transfer (a linear unit)."""
    return jnp.asarray(z)


TRANSFERS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "step": step,
    "sigmoid": jax.nn.sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "identity": identity,
    "softmax": lambda z: jax.nn.softmax(z, axis=-1),
}
"""Transfer functions by name. ``softmax`` is only meaningful on the output layer."""

INITS = ("uniform", "symmetric", "normal", "glorot", "he")
"""Weight initialisation schemes; ``uniform`` is the tutorial's U(0, 1) for weights and biases,
``symmetric`` mlrose's U(-1, 1)."""


def init_mlp(
    key: jax.Array, layer_sizes: Sequence[int], *, init: str = "uniform", dtype=jnp.float32
) -> Params:
    """Draw the weights of an MLP.

    Args:
        key: a typed PRNG key (``jax.random.key``).
        layer_sizes: units per layer, inputs first: ``(5, 10, 1)`` is 5 inputs, 10 hidden
            units, 1 output. ``(5, 1)`` is a perceptron.
        init: ``"uniform"`` (U(0, 1), the tutorial's ``rand``), ``"symmetric"`` (U(-1, 1),
            mlrose's), ``"normal"`` (N(0, 1)),
            ``"glorot"`` (Glorot-uniform weights, zero biases) or ``"he"`` (He-normal weights,
            zero biases).
        dtype: floating dtype of the weights.

    Returns:
        A list of ``{"w": (n_in, n_out), "b": (n_out,)}`` dicts.

    Example:
        >>> import jax
        >>> params = init_mlp(jax.random.key(1), (5, 1))
        >>> params[0]["w"].shape, params[0]["b"].shape
        ((5, 1), (1,))
    """
    sizes = _check_layer_sizes(layer_sizes)
    check_choice("init", init, INITS)
    shapes = [(n_in, n_out) for n_in, n_out in itertools.pairwise(sizes)]
    n_total = sum((n_in + 1) * n_out for n_in, n_out in shapes)
    # One draw for the whole network: a single random kernel, which keeps compilation fast.
    if init == "symmetric":
        draw = jax.random.uniform(key, (n_total,), dtype, -1.0, 1.0)
    elif init in ("uniform", "glorot"):
        draw = jax.random.uniform(key, (n_total,), dtype)
    else:
        draw = jax.random.normal(key, (n_total,), dtype)
    params, offset = [], 0
    for n_in, n_out in shapes:
        w = draw[offset : offset + n_in * n_out].reshape(n_in, n_out)
        b = draw[offset + n_in * n_out : offset + (n_in + 1) * n_out]
        offset += (n_in + 1) * n_out
        if init == "glorot":
            limit = math.sqrt(6.0 / (n_in + n_out))
            w, b = (2 * w - 1) * limit, jnp.zeros_like(b)
        elif init == "he":
            w, b = w * math.sqrt(2.0 / n_in), jnp.zeros_like(b)
        params.append({"w": w, "b": b})
    return params


UNROLL_MAX_FAN_IN = 16
"""Layers with at most this many inputs are computed as unrolled multiply-adds."""


def dense(h: jax.Array, w: jax.Array, b: jax.Array) -> jax.Array:
    """``h @ w + b`` (rows first), computed as :func:`dense_by_unit` computes it."""
    return jnp.moveaxis(dense_by_unit(jnp.moveaxis(jnp.asarray(h), -1, 0), w, b), 0, -1)


def mlp_logits(params: Params, X: ArrayLike, *, activation: Sequence[str]) -> jax.Array:
    """Pre-transfer activations of the output layer, shape ``(n_samples, n_outputs)``;
    inside, activations are ``(units, rows)`` (:func:`dense_by_unit`)."""
    h = jnp.moveaxis(jnp.asarray(X), -1, 0)
    for k, layer in enumerate(params):
        h = dense_by_unit(h, layer["w"], layer["b"])
        if k < len(params) - 1:
            h = TRANSFERS[activation[k]](h)
    return jnp.moveaxis(h, 0, -1)


def dense_by_unit(h: jax.Array, w: jax.Array, b: jax.Array) -> jax.Array:
    """A layer with units first: ``h`` is ``(n_in, rows...)``, the result ``(n_out,
    rows...)``. A narrow layer is a chain of multiply-adds that XLA fuses with the transfer
    and the next layer: the forward pass becomes one loop over rows (the vector axis). A
    wide one (fan-in above ``UNROLL_MAX_FAN_IN``) is a matrix product.

    Example:
        >>> import numpy as np
        >>> h, w, b = np.ones((3, 4), np.float32), np.ones((3, 2), np.float32), np.zeros(2)
        >>> dense_by_unit(h, w, b).shape
        (2, 4)
    """
    if h.ndim < 1 or h.shape[0] != w.shape[0] or w.shape[1:] != b.shape:
        raise ValueError(
            f"layer shapes do not fit: inputs {h.shape[::-1]}, weights {w.shape}, biases {b.shape}"
        )
    column = (-1,) + (1,) * (h.ndim - 1)  # one weight per unit, broadcast over rows
    if w.shape[0] > UNROLL_MAX_FAN_IN:
        return jnp.tensordot(w, h, axes=(0, 0)) + b.reshape(column)
    out = b.reshape(column)
    for i in range(w.shape[0]):
        out = out + h[i] * w[i].reshape(column)
    return out


def mlp_forward(
    params: Params, X: ArrayLike, *, activation: Sequence[str], output: str
) -> jax.Array:
    """Network output: hidden transfers per layer, then the output transfer."""
    return TRANSFERS[output](mlp_logits(params, X, activation=activation))


@dataclasses.dataclass(frozen=True)
class MLP:
    """A multilayer perceptron: its shape and transfers (hashable, holds no weights).

    Args:
        layer_sizes: units per layer, inputs first (``(5, 10, 1)``).
        activation: hidden-layer transfer, one name for all hidden layers or one per layer:
            ``step``, ``sigmoid``, ``tanh``, ``relu`` or ``identity``.
        output: output transfer: ``step``, ``sigmoid``, ``softmax``, ``tanh``, ``relu`` or
            ``identity``.
        init: weight initialisation scheme (see :func:`init_mlp`).

    Example:
        >>> import jax, numpy as np
        >>> net = MLP((2, 3, 1), activation="relu", output="identity", init="glorot")
        >>> net(net.init(jax.random.key(0)), np.zeros((4, 2), np.float32)).shape
        (4, 1)
    """

    layer_sizes: tuple[int, ...]
    activation: str | tuple[str, ...] = "sigmoid"
    output: str = "sigmoid"
    init_scheme: str = "uniform"

    def __init__(self, layer_sizes, activation="sigmoid", output="sigmoid", init="uniform"):
        sizes = _check_layer_sizes(layer_sizes)
        n_hidden = len(sizes) - 2
        hidden_names = tuple(n for n in TRANSFERS if n != "softmax")
        if isinstance(activation, str):
            check_choice("activation", activation, hidden_names)
            acts = activation
        elif not isinstance(activation, list | tuple):
            raise TypeError(f"activation must be a name or a sequence of names; got {activation!r}")
        else:
            acts = tuple(activation)
            if len(acts) != n_hidden:
                raise ValueError(f"activation must be one name or one per hidden layer "
                                 f"({n_hidden}); got {len(acts)} names")  # fmt: skip
            for a in acts:
                check_choice("activation", a, hidden_names)
        check_choice("output", output, tuple(TRANSFERS))
        if output == "softmax" and sizes[-1] < 2:
            raise ValueError("output='softmax' needs at least 2 output units; use 'sigmoid'")
        check_choice("init", init, INITS)
        object.__setattr__(self, "layer_sizes", sizes)
        object.__setattr__(self, "activation", acts)
        object.__setattr__(self, "output", output)
        object.__setattr__(self, "init_scheme", init)

    @property
    def hidden_activations(self) -> tuple[str, ...]:
        """The transfer of each hidden layer."""
        n_hidden = len(self.layer_sizes) - 2
        if isinstance(self.activation, str):
            return (self.activation,) * n_hidden
        return self.activation

    @property
    def n_weights(self) -> int:
        """Number of weights and biases."""
        s = self.layer_sizes
        return sum((a + 1) * b for a, b in itertools.pairwise(s))

    @property
    def init(self) -> Initializer:
        """``init(key, dtype=float32)``: draw initial weights with this network's scheme (see
        :func:`init_mlp`). Equal networks give equal initialisers, so runs of the same
        configuration share compiled programs."""
        return Initializer(self)

    def logits(self, params: Params, X: ArrayLike) -> jax.Array:
        """Output-layer activations before the output transfer."""
        return mlp_logits(params, X, activation=self.hidden_activations)

    def __call__(self, params: Params, X: ArrayLike) -> jax.Array:
        """Network output for the rows of ``X``, shape ``(n_samples, n_outputs)``."""
        return TRANSFERS[self.output](self.logits(params, X))

    def to_config(self) -> dict:
        """A JSON-ready description from which :meth:`from_config` rebuilds the network."""
        return {
            "layer_sizes": list(self.layer_sizes),
            "activation": self.activation
            if isinstance(self.activation, str)
            else list(self.activation),
            "output": self.output,
            "init": self.init_scheme,
        }

    @classmethod
    def from_config(cls, config: dict) -> MLP:
        """Rebuild a network from :meth:`to_config`'s output."""
        act = config["activation"]
        return cls(
            tuple(config["layer_sizes"]),
            act if isinstance(act, str) else tuple(act),
            config["output"],
            config.get("init", "uniform"),
        )


class Initializer:
    """The callable ``MLP(...).init``: compares equal for equal networks."""

    __slots__ = ("__weakref__", "net")

    def __init__(self, net: MLP):
        self.net = net

    def __call__(self, key: jax.Array, dtype=jnp.float32) -> Params:
        return init_mlp(key, self.net.layer_sizes, init=self.net.init_scheme, dtype=dtype)

    def __eq__(self, other):
        return isinstance(other, Initializer) and self.net == other.net

    def __hash__(self):
        return hash(("init", self.net))

    def __repr__(self):
        return f"{self.net!r}.init"


def perceptron(n_features: int, *, init: str = "uniform") -> MLP:
    """The tutorial's perceptron: one unit, weights plus bias, step transfer.

    Example:
        >>> perceptron(5).n_weights
        6
    """
    n = check_int("n_features", n_features, minimum=1)
    return MLP((n, 1), output="step", init=init)


def _check_layer_sizes(layer_sizes: Sequence[int]) -> tuple[int, ...]:
    try:
        sizes = tuple(layer_sizes)
    except TypeError:
        raise TypeError(f"layer_sizes must be a sequence of ints; got {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs inputs and outputs (at least 2 sizes); got {sizes}")
    return tuple(check_int("layer_sizes", s, minimum=1) for s in sizes)

"""The precision of a search's evaluations: one named choice, one meaning on every backend.

* ``"float32"`` (the default): every matrix product of the forward pass in full float32
  (:data:`jax.lax.Precision.HIGHEST`). A CPU and a GPU then agree to float32 rounding; a
  GPU's own default for float32 products is TensorFloat-32 on NVIDIA Ampere and later.
* ``"tf32"``: matrix products on TensorFloat-32 tensor cores where the GPU has them
  (inputs rounded to a 10-bit mantissa, float32 sums); faster on such a GPU, the losses
  differ from float32 in the fourth to sixth digit. A backend without TF32 (a CPU, an
  older GPU) computes full float32 products instead: the same numbers as ``"float32"``, bit
  for bit on a CPU (tested); a TPU makes three bfloat16 passes. It is a fallback, not an
  error, so that one script runs everywhere.
* ``"bfloat16"``: the forward pass in bfloat16 (weights and data rounded to an 8-bit
  mantissa; the output cast back to float32 before the metric). Half the memory traffic on
  a GPU or TPU; a CPU emulates it, slower than float32 (docs/guides/devices.md).

Whatever precision a search runs in, the weights stay float32 and every number jaxclimb
reports (``best_score``, ``best_metric``, the chosen climber, the CLI's table, predictions)
is computed in float32: the engine re-scores each climber's best in float32 at the end of
every chunk (``jaxclimb/engine/keyed.py``).

Example:
    >>> check_precision("tf32")
    'tf32'
    >>> lax_precision("float32").name
    'HIGHEST'
    >>> check_precision("fp16")
    Traceback (most recent call last):
    ...
    ValueError: precision must be one of 'float32', 'tf32', 'bfloat16'; got 'fp16'
"""

from __future__ import annotations

import contextlib
import typing
from collections.abc import Iterator
from typing import Any, Literal

import jax
import jax.numpy as jnp

from ._checks import check_choice

Precision = Literal["float32", "tf32", "bfloat16"]
"""The names :func:`check_precision` accepts."""
PRECISIONS: tuple[str, ...] = typing.get_args(Precision)
DEFAULT_PRECISION: Precision = "float32"
"""Full float32 products: what every reported number is computed in."""

_MATMUL = {"float32": "float32", "tf32": "tensorfloat32", "bfloat16": "bfloat16"}
"""Each precision's value of ``jax.default_matmul_precision``."""
_LAX = {
    "float32": jax.lax.Precision.HIGHEST,
    "tf32": jax.lax.Precision.HIGH,
    "bfloat16": jax.lax.Precision.DEFAULT,
}
_DTYPE = {"float32": None, "tf32": None, "bfloat16": "bfloat16"}
"""The dtype the forward pass runs in (None: the data's own, float32)."""


def check_precision(precision: Any, name: str = "precision") -> str:
    """``precision`` if it is one of :data:`PRECISIONS`, else a ValueError naming ``name``
    and the choices (raised on the host, before anything is compiled)."""
    return check_choice(name, precision, PRECISIONS)


def lax_precision(precision: str) -> jax.lax.Precision:
    """The :class:`jax.lax.Precision` of a precision's matrix products, for code that passes
    ``precision=`` to ``jnp.dot`` / ``lax.dot_general`` / ``pl.dot`` itself."""
    return _LAX[check_precision(precision)]


def compute_dtype(precision: str) -> jnp.dtype | None:
    """The dtype a precision evaluates the forward pass in (None: float32, the data's)."""
    dtype = _DTYPE[check_precision(precision)]
    return None if dtype is None else jnp.dtype(dtype)


def is_reduced(precision: str) -> bool:
    """True when a precision's scores may differ from float32 ones (they get re-scored)."""
    return check_precision(precision) != DEFAULT_PRECISION


@contextlib.contextmanager
def matmul_precision(precision: str) -> Iterator[None]:
    """Matrix products traced or run inside this block (an MLP's layers, a user forward's
    ``@``, Flax's ``Dense``) use ``precision``'s mode unless they name one themselves."""
    with jax.default_matmul_precision(_MATMUL[check_precision(precision)]):
        yield


def cast_inputs(precision: str, params: Any, X: Any) -> tuple[Any, Any]:
    """``(params, X)`` with their floating arrays cast to the precision's compute dtype
    (unchanged for float32 and tf32); integer leaves are left alone."""
    dtype = compute_dtype(precision)
    if dtype is None:
        return params, X

    def cast(a):
        a = jnp.asarray(a)
        return a.astype(dtype) if jnp.issubdtype(a.dtype, jnp.floating) else a

    return jax.tree_util.tree_map(cast, params), cast(X)

"""The random draws of a search step, bit for bit those of ``jax.random``, compiled faster.

On a CPU, JAX lowers its Threefry-2x32 hash as a rolled loop (five iterations of four
rounds): every iteration is a separate kernel that reads and writes the whole state, and a
step's draws for a population of small networks cost as much as a quarter of their
evaluation (benchmarks/README.md, "Random draws"). Here the hash is written out as its
twenty rounds of plain ``jax.numpy`` operations, which XLA fuses into one loop with the
code that uses the bits. Keys stay typed ``jax.random.key`` keys and every function returns
exactly what its ``jax.random`` namesake returns (tested); for another PRNG implementation,
for ``jax_threefry_partitionable=False`` or for dtypes other than float32, each simply
calls ``jax.random``.

Example:
    >>> import jax
    >>> key = jax.random.key(0)
    >>> ours = normal(fold_in(key, 3), (5,))
    >>> bool((ours == jax.random.normal(jax.random.fold_in(key, 3), (5,))).all())
    True
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def threefry2x32(k1: jax.Array, k2: jax.Array, x1: jax.Array, x2: jax.Array):
    """The Threefry-2x32 hash of the counters ``(x1, x2)`` under the key ``(k1, k2)``
    (uint32 arrays that broadcast), its 20 rounds unrolled; returns two uint32 arrays."""
    ks = (k1, k2, k1 ^ k2 ^ _PARITY)
    x1, x2 = x1 + ks[0], x2 + ks[1]
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x1 = x1 + x2
            x2 = (x2 << np.uint32(r)) | (x2 >> np.uint32(32 - r))
            x2 = x1 ^ x2
        x1 = x1 + ks[(i + 1) % 3]
        x2 = x2 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x1, x2


def _threefry_data(key: jax.Array) -> jax.Array | None:
    """``key``'s two uint32 words when the fast path applies to it, else None."""
    if not jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        return None
    if str(jax.random.key_impl(key)) != "threefry2x32":
        return None
    if not jax.config.jax_threefry_partitionable:
        return None
    return jax.random.key_data(key)


@jax.jit
def fold_in(key: jax.Array, data: int | jax.Array) -> jax.Array:
    """``jax.random.fold_in(key, data)`` for one key and a non-negative 32-bit ``data``."""
    words = _threefry_data(key)
    if words is None or jnp.ndim(data) != 0:
        return jax.random.fold_in(key, data)
    count = jnp.asarray(data).astype(jnp.uint32)
    b1, b2 = threefry2x32(words[..., 0], words[..., 1], jnp.zeros_like(count), count)
    return jax.random.wrap_key_data(jnp.stack([b1, b2], -1), impl=jax.random.key_impl(key))


def _counters(shape: tuple[int, ...]) -> tuple[jax.Array, jax.Array]:
    """The flat index of every element of ``shape``, as (high, low) uint32 words."""
    size = math.prod(shape)
    if size >= 2**32:
        raise ValueError(f"shape must hold fewer than 2**32 elements; got {shape}")
    low = jax.lax.iota(jnp.uint32, size).reshape(shape)
    return jnp.zeros(shape, jnp.uint32), low


@functools.partial(jax.jit, static_argnames=("num",))
def split(key: jax.Array, num: int = 2) -> jax.Array:
    """``jax.random.split(key, num)`` for one key."""
    words = _threefry_data(key)
    if words is None or key.ndim != 0:
        return jax.random.split(key, num)
    b1, b2 = threefry2x32(words[0], words[1], *_counters((num,)))
    return jax.random.wrap_key_data(jnp.stack([b1, b2], -1), impl=jax.random.key_impl(key))


@functools.partial(jax.jit, static_argnames=("shape",))
def bits32(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """``jax.random.bits(key, shape, jnp.uint32)`` for one key."""
    words = _threefry_data(key)
    if words is None or key.ndim != 0:
        return jax.random.bits(key, shape, jnp.uint32)
    b1, b2 = threefry2x32(words[0], words[1], *_counters(tuple(shape)))
    return b1 ^ b2


@functools.partial(jax.jit, static_argnames=("shape", "dtype"))
def uniform(key: jax.Array, shape: tuple[int, ...] = (), dtype=jnp.float32, minval=0.0,
            maxval=1.0) -> jax.Array:  # fmt: skip
    """``jax.random.uniform(key, shape, dtype, minval, maxval)`` for one key."""
    if jnp.dtype(dtype) != jnp.float32 or _threefry_data(key) is None or key.ndim != 0:
        return jax.random.uniform(key, shape, dtype, minval, maxval)
    mantissa = (bits32(key, shape) >> np.uint32(32 - 23)) | np.float32(1.0).view(np.uint32)
    floats = jax.lax.bitcast_convert_type(mantissa, jnp.float32) - np.float32(1.0)
    lo, hi = jnp.asarray(minval, jnp.float32), jnp.asarray(maxval, jnp.float32)
    return jnp.maximum(lo, floats * (hi - lo) + lo)


@functools.partial(jax.jit, static_argnames=("shape", "dtype"))
def normal(key: jax.Array, shape: tuple[int, ...] = (), dtype=jnp.float32) -> jax.Array:
    """``jax.random.normal(key, shape, dtype)`` for one key."""
    if jnp.dtype(dtype) != jnp.float32 or _threefry_data(key) is None or key.ndim != 0:
        return jax.random.normal(key, shape, dtype)
    lo = np.nextafter(np.float32(-1.0), np.float32(0.0))
    u = uniform(key, shape, jnp.float32, lo, np.float32(1.0))
    return np.float32(np.sqrt(2)) * jax.lax.erf_inv(u)

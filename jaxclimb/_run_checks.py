"""Checks of ``run``'s key and of one climber's shapes, before anything compiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .algorithms.base import Algorithm


def as_key(key: Any) -> jax.Array:
    """A typed PRNG key from a typed key, a legacy uint32 key or an int seed."""
    if isinstance(key, jax.Array) and jnp.issubdtype(key.dtype, jax.dtypes.prng_key):
        if key.shape != ():
            raise ValueError(f"key must be a single key; got a key array of shape {key.shape}")
        return key
    if isinstance(key, int | np.integer) and not isinstance(key, bool):
        return jax.random.key(int(key))
    arr = np.asarray(key) if not isinstance(key, jax.Array) else key
    if arr.dtype == np.uint32 and arr.shape == (2,):
        return jax.random.wrap_key_data(jnp.asarray(arr))
    raise TypeError(f"key must be a jax.random.key(...) or an int seed; got {key!r}")


def check_shapes(algorithm: Algorithm, init_params: Callable, key: jax.Array) -> None:
    """Trace one climber abstractly to report user errors before anything compiles."""
    try:
        params = jax.eval_shape(init_params, key)
    except Exception as exc:
        raise ValueError(f"init_params(key) failed: {type(exc).__name__}: {exc}") from None
    for path, leaf in jax.tree_util.tree_leaves_with_path(params):
        if not jnp.issubdtype(leaf.dtype, jnp.floating):
            raise TypeError(
                f"init_params must return floating weights; leaf {jax.tree_util.keystr(path)} "
                f"has dtype {leaf.dtype}"
            )
    try:
        state = jax.eval_shape(algorithm.init, key, params)
    except Exception as exc:
        raise ValueError(
            f"evaluating the objective on the initial weights failed: {type(exc).__name__}: {exc}"
        ) from None
    score = getattr(state, "score", None)
    if score is None or not hasattr(state, "best_score"):
        raise TypeError("algorithm.init must return a state with score and best_score fields")
    if score.shape != () or not jnp.issubdtype(score.dtype, jnp.floating):
        raise ValueError(
            f"the objective must return a floating scalar per climber; got shape {score.shape} "
            f"and dtype {score.dtype}"
        )

"""Checkpoints of a running search: the full loop state, keys included, written atomically.

A checkpoint holds every array the compiled loop carries (climber states, counters, the
step counter), each climber's key, the history recorded so far and the run's settings, in
an ``.npz`` with a JSON header (no pickle). It is written to a temporary file and renamed,
so a crash never leaves a half-written checkpoint behind. ``jaxclimb.resume`` continues it
and ends bitwise identical to a run that was never interrupted.
"""

from __future__ import annotations

import json
import os
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._version import __version__
from ..results import to_host

FORMAT = 1


def save_checkpoint(
    path: str, *, carry: Any, loop_keys: jax.Array, initial_best, history, settings: dict
) -> str:
    """Write the loop state to ``path`` atomically; returns the path written."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    leaves = jax.tree_util.tree_leaves(carry)
    key_leaves = [i for i, x in enumerate(leaves) if _is_key(x)]
    impl = str(jax.random.key_impl(loop_keys))
    host = to_host([jax.random.key_data(x) if _is_key(x) else x for x in leaves])
    arrays = {f"carry_{i}": np.asarray(x) for i, x in enumerate(host)}
    arrays["loop_keys"] = to_host(jax.random.key_data(loop_keys))
    arrays["initial_best"] = to_host(initial_best)
    arrays["history"] = np.asarray(history)
    meta = {
        "format": FORMAT,
        "version": __version__,
        "n_leaves": len(leaves),
        "key_leaves": key_leaves,
        "key_impl": impl,
        "settings": settings,
    }
    if jax.process_index() != 0:  # every process holds the same gathered state
        return path
    tmp = f"{path}.tmp-{os.getpid()}.npz"
    np.savez(tmp, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, path)
    return path


def load_checkpoint(path: str) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint` (arrays stay NumPy)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"checkpoint {path!r} does not exist")
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            leaves = [data[f"carry_{i}"] for i in range(meta["n_leaves"])]
            out = {name: data[name] for name in ("loop_keys", "initial_best", "history")}
    except (KeyError, OSError, ValueError) as exc:  # not a zip, no header, a missing array
        raise ValueError(f"{path!r} is not a jaxclimb checkpoint ({exc})") from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"checkpoint {path!r} has an unknown format {meta.get('format')!r}")
    return {"meta": meta, "leaves": leaves, **out}


def restore_keys(meta: dict, leaves: list, loop_keys: np.ndarray):
    """Turn saved key data back into typed keys."""
    impl = meta["key_impl"]
    wrap = lambda data: jax.random.wrap_key_data(jnp.asarray(data), impl=impl)  # noqa: E731
    leaves = [wrap(x) if i in meta["key_leaves"] else x for i, x in enumerate(leaves)]
    return leaves, wrap(loop_keys)


def _is_key(x) -> bool:
    return isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jax.dtypes.prng_key)

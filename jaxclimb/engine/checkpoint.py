"""Checkpoints of a running search: the full loop state, keys included, written atomically.

A checkpoint holds every array the compiled loop carries (climber states, counters, the
step counter), each climber's key, the history recorded so far and the run's settings, in
an ``.npz`` with a JSON header (no pickle). It is written to a temporary file and renamed,
so a crash never leaves a half-written checkpoint behind. ``jaxclimb.resume`` continues it
and ends bitwise identical to a run that was never interrupted.
"""

from __future__ import annotations

import os
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._files import atomic_savez, npz_path, read_npz
from .._version import __version__
from ..results import to_host

FORMAT = 1


def save_checkpoint(
    path: str, *, carry: Any, loop_keys: jax.Array, initial_best, history, settings: dict,
    fingerprint: dict | None = None,
) -> str:  # fmt: skip
    """Write the loop state to ``path`` atomically (a unique temporary file, then a
    rename); returns the path written."""
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
        "fingerprint": fingerprint or {},
    }
    if jax.process_index() != 0:  # every process holds the same gathered state
        return npz_path(path)
    return atomic_savez(path, meta=meta, **arrays)


def load_checkpoint(path: str) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint` (arrays stay NumPy), or one
    ValueError naming the file and what is wrong with it."""
    meta, arrays = read_npz(path, "jaxclimb checkpoint")
    if meta.get("format") != FORMAT or "settings" not in meta:
        raise ValueError(f"checkpoint {path!r} has an unknown format {meta.get('format')!r}")
    names = [f"carry_{i}" for i in range(int(meta.get("n_leaves", -1)))]
    missing = [n for n in (*names, "loop_keys", "initial_best", "history") if n not in arrays]
    if missing or not names:
        raise ValueError(f"{path!r} is not a jaxclimb checkpoint: {missing[:1] or 'carry'} missing")
    out = {name: arrays[name] for name in ("loop_keys", "initial_best", "history")}
    return {"meta": meta, "leaves": [arrays[n] for n in names], **out}


def refuse_unfinished(path: str | None) -> None:
    """A new run must not overwrite the checkpoint of a run that has not finished."""
    if path is None or not os.path.isfile(path):
        return
    try:
        settings = load_checkpoint(path)["meta"]["settings"]
    except ValueError:
        return  # not a checkpoint: nothing of a run to lose
    done, total = settings.get("steps_run", 0), settings.get("steps", 0)
    if not settings.get("finished", done >= total):
        raise ValueError(
            f"checkpoint {path!r} holds an unfinished run (step {done:,} of {total:,}); "
            "continue it with jaxclimb.resume (jaxclimb run --resume), or move it away"
        )


def restore_keys(meta: dict, leaves: list, loop_keys: np.ndarray):
    """Turn saved key data back into typed keys."""
    impl = meta["key_impl"]
    wrap = lambda data: jax.random.wrap_key_data(jnp.asarray(data), impl=impl)  # noqa: E731
    leaves = [wrap(x) if i in meta["key_leaves"] else x for i, x in enumerate(leaves)]
    return leaves, wrap(loop_keys)


def _is_key(x) -> bool:
    return isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jax.dtypes.prng_key)

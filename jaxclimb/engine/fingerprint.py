"""Fingerprints of what a run searched: its data, its algorithm's settings, its starting
weights. Checkpoints and results carry one; ``resume`` refuses a checkpoint whose
fingerprint differs from the algorithm it is given, and says what differs.

Example:
    >>> import jax.numpy as jnp
    >>> from jaxclimb.algorithms import hill_climb
    >>> score = lambda p: -jnp.sum(p ** 2)
    >>> a = fingerprint(hill_climb(score, step_size=0.1), jnp.zeros)
    >>> b = fingerprint(hill_climb(score, step_size=0.2), jnp.zeros)
    >>> differences(a, b)
    ["the algorithm's settings"]
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import jax
import numpy as np

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_WHAT = {
    "data": "the data",
    "settings": "the algorithm's settings",
    "init": "the starting weights (init_params)",
}


def _digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(str((part.shape, part.dtype.str)).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:  # text: object addresses differ from process to process
            h.update(_ADDRESS.sub("", str(part)).encode())
    return h.hexdigest()[:16]


def fingerprint(algorithm: Any, init_params: Any) -> dict[str, str]:
    """``{"data", "settings", "init"}`` digests of an algorithm and its initialiser."""
    leaves, treedef = jax.tree_util.tree_flatten_with_path(algorithm)
    data, settings = [], [str(treedef)]
    for path, leaf in leaves:
        last = path[-1] if path else None
        is_data = getattr(last, "name", None) in ("X", "y")  # a ScoreFn's data fields
        (data if is_data else settings).append(np.asarray(jax.device_get(leaf)))
    return {"data": _digest(*data), "settings": _digest(*settings), "init": _digest(init_params)}


def differences(saved: dict[str, str], current: dict[str, str]) -> list[str]:
    """What differs between two fingerprints, in words (empty when they agree)."""
    return [_WHAT[k] for k in _WHAT if k in saved and saved[k] != current.get(k)]

"""PyTrees to and from JSON skeletons plus flat leaves (no pickle)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def to_skeleton(tree: Any) -> tuple[Any, list[np.ndarray]]:
    """Split ``tree`` into a JSON-ready skeleton and its leaves in order.

    Dicts (string keys), lists, tuples and None nest; anything else that JAX treats as a
    PyTree node (an Equinox module, a Flax struct) is stored as an opaque node, which
    :func:`from_skeleton` rebuilds only given a template of the same structure.
    """
    leaves: list[np.ndarray] = []

    def walk(node):
        if isinstance(node, dict) and all(isinstance(k, str) for k in node):
            return {"dict": {k: walk(v) for k, v in node.items()}}
        if isinstance(node, list):
            return {"list": [walk(v) for v in node]}
        if isinstance(node, tuple) and not hasattr(node, "_fields"):
            return {"tuple": [walk(v) for v in node]}
        if node is None:
            return {"none": None}
        sub_leaves, treedef = jax.tree_util.tree_flatten(node)
        if treedef.num_nodes == 1 and treedef.num_leaves == 1:
            leaves.append(np.asarray(node))
            return {"leaf": len(leaves) - 1}
        first = len(leaves)
        leaves.extend(np.asarray(x) for x in sub_leaves)
        return {"opaque": str(treedef), "leaves": list(range(first, len(leaves)))}

    return walk(tree), leaves


def from_skeleton(skeleton: Any, leaves: list[np.ndarray], like: Any = None) -> Any:
    """Rebuild a tree from :func:`to_skeleton`'s output. ``like`` supplies custom nodes
    (an Equinox module, a Flax struct); without it such a node comes back as the list of
    its leaves, in ``jax.tree_util.tree_leaves`` order."""
    if like is not None:
        treedef = jax.tree_util.tree_structure(like)
        if treedef.num_leaves != len(leaves):
            raise ValueError(
                f"params_like has {treedef.num_leaves} leaves but the file holds {len(leaves)}"
            )
        return jax.tree_util.tree_unflatten(treedef, leaves)

    def build(node):
        (kind, value), *_ = node.items()
        if kind == "dict":
            return {k: build(v) for k, v in value.items()}
        if kind == "list":
            return [build(v) for v in value]
        if kind == "tuple":
            return tuple(build(v) for v in value)
        if kind == "none":
            return None
        if kind == "leaf":
            return leaves[value]
        return [leaves[i] for i in node["leaves"]]  # a custom node, unknown here: its leaves

    return build(skeleton)


def in_blocks(mapped: Any, tree: Any, block: int | None) -> np.ndarray:
    """``mapped(tree)`` for a function mapped over the leading (climber) axis of ``tree``,
    computed ``block`` climbers at a time (None: all at once); the last block is padded
    by repeating the last climber, so every block has one shape (one compilation).

    Example:
        >>> in_blocks(lambda t: t["w"] * 2, {"w": np.arange(5.0)}, 2).tolist()
        [0.0, 2.0, 4.0, 6.0, 8.0]
    """
    n = jax.tree_util.tree_leaves(tree)[0].shape[0]
    if block is None or block >= n:
        return np.asarray(mapped(tree))
    parts = []
    for start in range(0, n, block):
        rows = np.minimum(np.arange(start, start + block), n - 1)
        part = jax.tree_util.tree_map(lambda x, rows=rows: np.asarray(x)[rows], tree)
        parts.append(np.asarray(mapped(part))[: n - start])
    return np.concatenate(parts)


def to_host(tree: Any) -> Any:
    """NumPy copies of ``tree``'s arrays, gathered from every process when the mesh spans
    several (each process then holds the whole result)."""

    def get(x):
        if isinstance(x, jax.Array) and not x.is_fully_addressable and not x.is_fully_replicated:
            from jax.experimental import multihost_utils

            return np.asarray(multihost_utils.process_allgather(x, tiled=True))
        return np.asarray(jax.device_get(x))

    return jax.tree_util.tree_map(get, tree)

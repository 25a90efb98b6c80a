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

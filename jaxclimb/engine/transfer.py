"""Placing host arrays on a (possibly multi-process) mesh; the way back is
:func:`jaxclimb.results.to_host`, the one device-to-host boundary.

Example:
    >>> import numpy as np
    >>> from jaxclimb.engine.layout import population_mesh, replicated
    >>> place(np.arange(3), replicated(population_mesh())).shape
    (3,)
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def place(tree: Any, sharding: Any) -> Any:
    """``jax.device_put`` that also works when the mesh spans several processes.

    Every process passes the same (host or device) values; on a multi-process mesh each one
    builds its own shards of the global array. ``sharding`` is one sharding or a tree of
    them matching ``tree``.
    """
    shardings = (
        jax.tree_util.tree_map(lambda _: sharding, tree)
        if isinstance(sharding, jax.sharding.Sharding)
        else sharding
    )

    def put(x, s):
        if s.is_fully_addressable:
            return jax.device_put(x, s)
        if isinstance(x, jax.Array) and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key):
            impl = jax.random.key_impl(x)
            data = place(jax.random.key_data(x), s)
            return jax.random.wrap_key_data(data, impl=impl)
        host = np.asarray(x)
        return jax.make_array_from_callback(host.shape, s, lambda index: host[index])

    return jax.tree_util.tree_map(put, tree, shardings)

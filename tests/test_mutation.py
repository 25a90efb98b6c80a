import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc

PARAMS = {"a": jnp.zeros((4, 5)), "b": [jnp.zeros(3), jnp.zeros((), jnp.float32)]}


def _moved(tree):
    return int(sum(np.count_nonzero(leaf) for leaf in jax.tree_util.tree_leaves(tree)))


def test_every_weight_moves_by_default():
    out = jc.gaussian(jax.random.key(0), PARAMS, step_size=0.5)
    assert jax.tree_util.tree_structure(out) == jax.tree_util.tree_structure(PARAMS)
    assert _moved(out) == 24
    std = np.std(np.concatenate([np.ravel(x) for x in jax.tree_util.tree_leaves(out)]))
    assert 0.25 < std < 1.0


@pytest.mark.parametrize(("kwargs", "expected"), [({"count": 5}, 5), ({"fraction": 0.25}, 6)])
def test_subset_moves_exactly(kwargs, expected):
    for seed in range(5):
        assert (
            _moved(jc.gaussian(jax.random.key(seed), PARAMS, step_size=1.0, **kwargs)) == expected
        )


def test_dtype_is_kept():
    params = {"w": jnp.zeros(3, jnp.bfloat16)}
    assert jc.gaussian(jax.random.key(0), params, step_size=0.1)["w"].dtype == jnp.bfloat16


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mutate_fraction": 0.0}, "mutate_fraction"),
        ({"mutate_fraction": 1.5}, "mutate_fraction"),
        ({"mutate_count": 0}, "mutate_count"),
        ({"mutate_count": 2, "mutate_fraction": 0.5}, "not both"),
        ({"step_size": 0.0}, "step_size"),
        ({"step_size": -1.0}, "step_size"),
        ({"step_size": float("nan")}, "step_size"),
        ({"accept": ">="}, "accept"),
    ],
)
def test_bad_hill_climb_settings(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        jc.hill_climb(lambda p: 0.0, **kwargs)

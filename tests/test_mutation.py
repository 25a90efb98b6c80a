import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.mutation import step_scales

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
        ({"step_scale": "layer"}, "step_scale"),
        ({"step_scale": "fan-in", "mutation": "neighbour"}, "step_scale"),
    ],
)
def test_bad_hill_climb_settings(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        jc.hill_climb(lambda p: 0.0, **kwargs)


def test_fan_in_scales_each_layer_by_its_fan_in_and_keep_the_mean_step():
    """A (64, 8) kernel moves sqrt(64 / 4) = 4x less than a (4, 8) one, a bias by 1; the
    scales' root mean square is 1, and with the same key only the sizes change."""
    params = {"b": jnp.zeros(8), "w1": jnp.zeros((4, 8)), "w2": jnp.zeros((64, 8))}
    scales = step_scales(params, "fan-in")
    b, w1, w2 = np.split(scales, [8, 40])
    np.testing.assert_allclose([w1[0] / w2[0], b[0] / w1[0]], [4.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(np.mean(scales.astype(np.float64) ** 2), 1.0, rtol=1e-6)
    key = jax.random.key(3)
    for kwargs in ({}, {"count": 7}):
        plain = jc.gaussian(key, params, step_size=0.1, **kwargs)
        scaled = jc.gaussian(key, params, step_size=0.1, step_scale="fan-in", **kwargs)
        flat = lambda t: jax.flatten_util.ravel_pytree(t)[0]  # noqa: E731
        np.testing.assert_allclose(flat(scaled), flat(plain) * scales, rtol=1e-6)


@pytest.mark.parametrize("factory", [jc.hill_climb, jc.simulated_annealing])
def test_step_scale_reaches_the_moves_of_climbers(factory):
    """The option changes the moves (same key, different candidate) and nothing else."""
    params = {"w": jnp.zeros((16, 2)), "b": jnp.zeros(2)}
    score = lambda p: -jnp.sum((p["w"] - 1.0) ** 2) - jnp.sum(p["b"] ** 2)  # noqa: E731
    states = []
    for step_scale in (None, "fan-in"):
        algo = factory(score, step_size=0.1, step_scale=step_scale)
        _, info = algo.step(jax.random.key(1), algo.init(jax.random.key(0), params))
        states.append(info.candidate_score)
    assert np.isfinite(states).all() and states[0] != states[1]

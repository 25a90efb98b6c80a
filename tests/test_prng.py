"""jaxclimb.prng draws exactly what jax.random draws, jitted, vmapped and eagerly."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxclimb import prng

SHAPES = [(), (71,), (2, 3, 4)]


def same(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b))


def key_words(key):
    return np.asarray(jax.random.key_data(key))


@pytest.mark.parametrize("shape", SHAPES)
def test_draws_equal_jax_random(shape):
    key = jax.random.key(42)
    assert same(prng.bits32(key, shape), jax.random.bits(key, shape, jnp.uint32))
    assert same(prng.normal(key, shape), jax.random.normal(key, shape))
    for lo, hi in [(0.0, 1.0), (-2.0, 3.0)]:
        ours = jax.jit(lambda k, lo=lo, hi=hi: prng.uniform(k, shape, jnp.float32, lo, hi))(key)
        theirs = jax.random.uniform(key, shape, jnp.float32, lo, hi)
        assert same(ours, theirs), (lo, hi)


@pytest.mark.parametrize("data", [0, 7, 2**31 - 1])
def test_fold_in_and_split_equal_jax_random(data):
    key = jax.random.key(3)
    assert same(key_words(prng.fold_in(key, data)), key_words(jax.random.fold_in(key, data)))
    for num in (1, 3):
        folded = jax.random.fold_in(key, data)
        assert same(key_words(prng.split(folded, num)), key_words(jax.random.split(folded, num)))


def test_vmapped_per_climber_draws_equal_jax_random():
    keys = jax.random.split(jax.random.key(0), 33)

    def ours(k, t):
        return prng.normal(prng.fold_in(k, t), (71,))

    def theirs(k, t):
        return jax.random.normal(jax.random.fold_in(k, t), (71,))

    steps = jnp.arange(5)
    a = jax.jit(jax.vmap(jax.vmap(ours, (None, 0)), (0, None)))(keys, steps)
    b = jax.jit(jax.vmap(jax.vmap(theirs, (None, 0)), (0, None)))(keys, steps)
    assert a.shape == (33, 5, 71) and same(a, b)


def test_other_implementations_and_dtypes_fall_back_to_jax_random():
    key = jax.random.key(5, impl="rbg")
    assert same(prng.normal(key, (4,)), jax.random.normal(key, (4,)))
    assert same(key_words(prng.fold_in(key, 2)), key_words(jax.random.fold_in(key, 2)))
    key = jax.random.key(5)
    half = prng.normal(key, (6,), jnp.bfloat16)
    assert half.dtype == jnp.bfloat16 and same(half, jax.random.normal(key, (6,), jnp.bfloat16))


def test_draws_look_standard_normal():
    z = np.asarray(prng.normal(jax.random.key(9), (200_000,)))
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert abs(np.mean(np.abs(z) > 1.96) - 0.05) < 0.003


def test_huge_shapes_are_refused_clearly():
    with pytest.raises(ValueError, match="2\\*\\*32"):
        prng.bits32(jax.random.key(0), (2**16, 2**16))

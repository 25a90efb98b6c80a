import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.networks import UNROLL_MAX_FAN_IN, dense
from jaxclimb.precision import matmul_precision


@pytest.mark.parametrize("init", ["uniform", "normal", "glorot", "he"])
def test_init_shapes_and_ranges(init):
    params = jc.init_mlp(jax.random.key(0), (5, 10, 3), init=init)
    assert [(p["w"].shape, p["b"].shape) for p in params] == [((5, 10), (10,)), ((10, 3), (3,))]
    w = np.concatenate([np.ravel(p["w"]) for p in params])
    if init == "uniform":  # the tutorial's rand(): U(0, 1) for weights and biases
        assert w.min() >= 0 and w.max() < 1
        assert all(np.all((p["b"] >= 0) & (p["b"] < 1)) for p in params)
    if init == "glorot":
        assert np.abs(params[0]["w"]).max() <= np.sqrt(6 / 15)
    if init in ("glorot", "he"):
        assert all(np.all(p["b"] == 0) for p in params)


def test_forward_matches_tutorial_loops():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 5)).astype(np.float32)
    net = jc.MLP((5, 4, 1), activation="sigmoid", output="sigmoid")
    params = net.init(jax.random.key(3))
    # the tutorial's per-node loop: activation = bias + sum(w * x), sigmoid every node
    expected = []
    for row in X:
        h = row
        for layer in params:
            w, b = np.asarray(layer["w"]), np.asarray(layer["b"])
            h = np.array([1 / (1 + np.exp(-(b[j] + np.dot(w[:, j], h)))) for j in range(len(b))])
        expected.append(h[0])
    np.testing.assert_allclose(np.asarray(net(params, X))[:, 0], expected, rtol=1e-5)


def test_perceptron_step_transfer():
    net = jc.perceptron(2)
    params = [{"w": jnp.array([[1.0], [-1.0]]), "b": jnp.array([0.0])}]
    out = net(params, jnp.array([[1.0, 1.0], [0.0, 1.0], [2.0, 1.0]]))
    np.testing.assert_array_equal(np.asarray(out)[:, 0], [1.0, 0.0, 1.0])  # >= 0 is class 1


INPUT_ROUNDING = {"float32": 0.0, "tf32": 2.0**-10, "bfloat16": 2.0**-7}
"""Relative error of a product's inputs at each precision (10- and 7-bit mantissas, rounded
either way); float32 inputs are exact."""


@pytest.mark.parametrize("precision", sorted(INPUT_ROUNDING))
@pytest.mark.parametrize("fan_in", [3, UNROLL_MAX_FAN_IN, UNROLL_MAX_FAN_IN + 4])
def test_dense_equals_matmul(fan_in, precision):
    """Within the error bound of the precision asked for: on a CPU every precision computes
    float32 products; a GPU's TF32 tensor cores round the inputs of a wide layer."""
    rng = np.random.default_rng(fan_in)
    h, w, b = rng.normal(size=(9, fan_in)), rng.normal(size=(fan_in, 4)), rng.normal(size=4)
    with matmul_precision(precision):
        out = np.asarray(dense(h, w, b), np.float64)
    magnitude = np.abs(h) @ np.abs(w) + np.abs(b)
    bound = (2 * INPUT_ROUNDING[precision] + (fan_in + 2) * 2.0**-24) * magnitude
    assert np.all(np.abs(out - (h @ w + b)) <= bound)


def test_per_layer_activations_and_softmax():
    net = jc.MLP((4, 6, 5, 3), activation=("relu", "tanh"), output="softmax")
    out = net(net.init(jax.random.key(0)), np.ones((2, 4), np.float32))
    np.testing.assert_allclose(np.asarray(out).sum(axis=1), 1.0, rtol=1e-6)
    assert net.n_weights == (4 + 1) * 6 + (6 + 1) * 5 + (5 + 1) * 3
    assert jc.MLP.from_config(net.to_config()) == net


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(layer_sizes=(5,)), "layer_sizes"),
        (dict(layer_sizes=(5, 0, 1)), "layer_sizes"),
        (dict(layer_sizes=(5, 1), activation="swish"), "activation"),
        (dict(layer_sizes=(5, 3, 1), activation=("relu", "tanh")), "activation"),
        (dict(layer_sizes=(5, 1), output="softmax"), "softmax"),
        (dict(layer_sizes=(5, 1), init="xavier"), "init"),
    ],
)
def test_bad_network_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        jc.MLP(**kwargs)

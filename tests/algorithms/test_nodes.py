"""Node perturbation: its direction is the objective's gradient (penalty included) for a
smooth objective, it searches step networks and accuracy, it refuses what it cannot
search, and it runs in the engine with minibatches as the default for large MLPs."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree
from sklearn.datasets import make_classification

import jaxclimb as jc
from jaxclimb.algorithms.nodes import direction
from jaxclimb.datasets.tasks import task_of, training_objective
from jaxclimb.evaluation.objectives import make_score_fn

DIRECTION = jax.jit(direction, static_argnums=4)
X, Y = make_classification(200, 6, n_informative=4, n_classes=3, random_state=0)
X = X.astype(np.float32)


def _cosine(a, b):
    return float(jnp.dot(a, b) / (jnp.linalg.norm(a) * jnp.linalg.norm(b)))


@pytest.mark.parametrize("metric,output,y", [("log_loss", "softmax", Y),
                                             ("mse", "identity", X[:, :3])])  # fmt: skip
def test_the_direction_is_the_gradient_of_a_smooth_objective(metric, output, y):
    net = jc.MLP((6, 5, 4, 3), activation="tanh", output=output)
    score = training_objective(net, X, y, task=task_of(y, metric), metric=metric, alpha=5.0)
    params = net.init(jax.random.key(0))
    exact = ravel_pytree(jax.grad(score)(params))[0]
    estimate, fitness = DIRECTION(score, jax.random.key(1), params, jnp.float32(1e-2), 2048)
    assert fitness.shape == (2048,) and bool(jnp.all(jnp.isfinite(fitness)))
    assert _cosine(estimate, exact) > 0.95
    assert float(jnp.linalg.norm(estimate) / jnp.linalg.norm(exact)) == pytest.approx(1, abs=0.1)
    few, _ = DIRECTION(score, jax.random.key(1), params, jnp.float32(1e-2), 8)
    assert _cosine(few, exact) < _cosine(estimate, exact)  # more passes, less noise


def test_it_searches_a_step_network_on_accuracy():
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = jc.MLP((6, 8, 1), activation="step", output="step")
    score = make_score_fn(net, X, y, metric="accuracy")
    algo = jc.node_perturbation(score, pop_size=32, step_size=0.3, learning_rate=0.05)
    result = jc.run(0, algo, net.init, population=2, steps=150, progress=False)
    assert np.all(result.n_evaluations == 1 + 150 * 33)
    start = [float(score(net.init(jax.random.fold_in(jax.random.key(0), i)))) for i in (0, 1)]
    assert np.all(result.best_score > np.array(start)) and result.best_score.max() >= 0.9


def test_same_seed_same_result_counts_and_nan_never_enters():
    net = jc.MLP((6, 8, 3), activation="relu", output="softmax")
    score = make_score_fn(net, X, Y, metric="log_loss")
    algo = jc.node_perturbation(score, pop_size=8, learning_rate=0.05)
    a = jc.run(3, algo, net.init, population=3, steps=40, progress=False)
    b = jc.run(3, algo, net.init, population=3, steps=40, progress=False)
    leaves = jax.tree_util.tree_leaves
    pairs = zip(leaves(a.best_params), leaves(b.best_params), strict=True)
    assert all(np.array_equal(u, v) for u, v in pairs)
    assert np.all(a.best_score > a.history[:, 0]) and np.all(a.n_evaluations == 1 + 40 * 9)
    state = algo.init(jax.random.key(0), net.init(jax.random.key(0)))
    broken = jax.tree_util.tree_map(lambda x: x, state.params)
    broken[0]["b"] = broken[0]["b"].at[0].set(jnp.nan)  # every member's scores are NaN
    new, info = jax.jit(algo.step)(jax.random.key(1), state._replace(params=broken))
    assert not bool(info.accepted) and int(info.n_nonfinite) == 9
    assert bool(jnp.all(jnp.isfinite(new.moment1)))  # NaN never reaches the optimiser
    assert float(new.best_score) == float(state.best_score)


@pytest.mark.slow
def test_with_minibatches_each_climber_keeps_its_trajectory():
    net = jc.MLP((6, 8, 3), output="softmax")
    score = make_score_fn(net, X, Y, metric="log_loss", batch_size=32)
    algo = jc.node_perturbation(score, pop_size=8)
    one = jc.run(0, algo, net.init, population=1, steps=12, progress=False)
    three = jc.run(0, algo, net.init, population=3, steps=12, chunk_steps=5, progress=False)
    assert np.allclose(one.final_params[0]["w"][0], three.final_params[0]["w"][0], atol=1e-6)
    assert np.isfinite(three.best_score).all()


@pytest.mark.slow
def test_full_batch_pairs_are_walked_in_chunks_of_bounded_memory():
    from jaxclimb.algorithms import nodes

    assert nodes.pairs_per_chunk(32, 512, 74) == 32  # a minibatch: one chunk, as before
    big = nodes.pairs_per_chunk(32, 20_000, 74)  # 47 MB a pair: 4 pairs at once
    assert big == 4 and big * 32 * 20_000 * 74 <= nodes.CHUNK_BYTES
    assert nodes.pairs_per_chunk(32, 60_000, 266) == 1  # never fewer than one pair
    net = jc.MLP((6, 5, 3), activation="tanh", output="softmax")
    score = training_objective(net, X, Y, task=task_of(Y, "log_loss"), metric="log_loss", alpha=1.0)
    params = net.init(jax.random.key(0))
    exact = ravel_pytree(jax.grad(score)(params))[0]
    small = nodes.CHUNK_BYTES
    try:
        nodes.CHUNK_BYTES = 32 * X.shape[0] * 8 * 64  # 64 pairs a chunk: 16 chunks
        assert nodes.pairs_per_chunk(1024, X.shape[0], 8) == 64
        chunked, fitness = jax.jit(direction, static_argnums=4)(
            score, jax.random.key(1), params, jnp.float32(1e-2), 2048
        )
    finally:
        nodes.CHUNK_BYTES = small
    assert fitness.shape == (2048,) and _cosine(chunked, exact) > 0.95


def test_what_it_refuses_before_compiling():
    net = jc.MLP((6, 3), output="identity")
    with pytest.raises(ValueError, match="evolution_strategy"):
        jc.node_perturbation(make_score_fn(net, X, X[:, :3], metric="r2"))
    with pytest.raises(ValueError, match="evolution_strategy"):
        jc.node_perturbation(lambda p: -jnp.sum(p**2))
    score = make_score_fn(net, X, X[:, :3], metric="mse")
    with pytest.raises(ValueError, match="pop_size must be even"):
        jc.node_perturbation(score, pop_size=7)
    with pytest.raises(ValueError, match="step_size"):
        jc.node_perturbation(score, step_size=0.0)
    with pytest.raises(ValueError, match="optimizer"):
        jc.node_perturbation(score, optimizer="rmsprop")


def test_the_estimators_default_on_a_large_network_is_node_perturbation():
    Xl, yl = make_classification(600, 200, n_informative=30, n_classes=4, random_state=1)
    model = jc.ClimbingClassifier(hidden_layer_sizes=(64,), budget=6_500, random_state=0)
    model.fit(Xl[:500], yl[:500])
    assert model.search_["algorithm"] == "node-perturbation"
    assert model.score(Xl[500:], yl[500:]) > 0.45  # 4 classes: chance is 0.25
    assert np.isfinite(model.result_.best_score).all()

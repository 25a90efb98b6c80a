"""Large networks: choose_search's node perturbation and low-rank ES, the minibatch rule,
the estimators' ``batch_size`` and minibatch rows with their weights in the estimators'
objective."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms.acceptance import distribution_step
from jaxclimb.algorithms.base import SearchState
from jaxclimb.algorithms.defaults import choose_search
from jaxclimb.algorithms.large import LARGE_NETWORK, MINIBATCH_ROWS, minibatch_for
from jaxclimb.datasets.tasks import task_of, training_objective
from jaxclimb.evaluation.sampling import evaluation_key, sample_rows


@pytest.mark.parametrize("smooth", [True, False])
def test_a_large_network_gets_one_lowrank_es_run(smooth):
    chosen = choose_search(50_890, 64_000, smooth=smooth)
    assert (chosen.algorithm, chosen.population) == ("es", 1)
    assert chosen.options["rank"] == 1 and chosen.options["step_size"] == pytest.approx(0.01)
    assert chosen.steps == (64_000 - 2) // 257 and "large network" in chosen.reason
    few = choose_search(50_890, 5_000, smooth=smooth)  # too few for 50 steps of 256
    assert (few.algorithm, few.options["rank"]) == ("es", 1)
    assert few.options["pop_size"] < 256 and few.steps >= 50 and "too few" in few.reason
    small = choose_search(LARGE_NETWORK - 1, 200_000, smooth=False)
    assert "rank" not in small.options  # below the threshold: as before


@pytest.mark.parametrize("smooth", [True, False])
def test_a_large_mlp_with_a_row_wise_metric_gets_one_node_perturbation_run(smooth):
    chosen = choose_search(50_890, 64_000, smooth=smooth, nodes=True)
    assert (chosen.algorithm, chosen.population) == ("node-perturbation", 1)
    assert chosen.options == {"pop_size": 64, "step_size": 0.1, "learning_rate": 0.003}
    assert chosen.steps == (64_000 - 2) // 65 and "node perturbation" in chosen.reason
    few = choose_search(50_890, 2_000, smooth=smooth, nodes=True)
    assert few.options["pop_size"] % 2 == 0 and few.options["pop_size"] < 64
    small = choose_search(LARGE_NETWORK - 1, 200_000, smooth=False, nodes=True)
    assert small.algorithm != "node-perturbation"  # below the threshold: as before


def test_the_planner_offers_node_perturbation_only_to_built_in_mlps_with_row_metrics():
    from jaxclimb.algorithms.planner import plan_search

    X = np.random.default_rng(0).normal(size=(20, 200)).astype(np.float32)
    y = np.arange(20) % 2
    cases = (("log_loss", y, "softmax", 2, "node-perturbation"),
             ("mse", y.astype(np.float32), "identity", 1, "node-perturbation"),
             ("r2", y.astype(np.float32), "identity", 1, "es"))  # fmt: skip
    for metric, target, output, outputs, expected in cases:
        net = jc.MLP((200, 64, outputs), activation="tanh", output=output)
        score = training_objective(net, X, target, task=task_of(target, metric), metric=metric)
        plan = plan_search(net, lambda name, s=score: s, metric=metric, budget=20_000)
        assert plan.name == expected, metric


def test_minibatches_for_distribution_searches_on_large_data_only():
    assert minibatch_for(5_000, 50_890, "es") == MINIBATCH_ROWS
    assert minibatch_for(5_000, 50_890, "hill-climb") is None
    assert minibatch_for(500, 50_890, "es") is None  # rows x weights under the threshold
    with pytest.raises(ValueError, match="n_rows"):
        minibatch_for(0, 10, "es")


@pytest.mark.slow
def test_the_estimators_take_batch_size():
    X = np.random.default_rng(0).normal(size=(60, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    model = jc.ClimbingClassifier(hidden_layer_sizes=(2,), budget=200, random_state=0)
    assert model.get_params()["batch_size"] == "auto"
    assert model._batch_rows(60, 11, "es") is None
    assert model.set_params(batch_size=16)._batch_rows(60, 11, "hill-climb") == 16
    assert model.set_params(batch_size=600)._batch_rows(60, 11, "es") is None  # >= rows
    model.set_params(batch_size=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(X, y)
    fitted = model.set_params(batch_size=16).fit(X, y)
    assert fitted.result_.config["search"]["algorithm"] == "hill-climb"
    assert 0.0 <= fitted.score(X, y) <= 1.0


@pytest.mark.slow
def test_the_estimators_objective_scores_a_minibatch_with_its_weights():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = (X[:, 1] > 0).astype(int)
    w = rng.uniform(0.5, 2.0, 40).astype(np.float32)
    net = jc.MLP((3, 4, 1), activation="tanh", output="sigmoid")
    task = task_of(y, "log_loss")
    score = training_objective(net, X, y, task=task, metric="log_loss", sample_weight=w,
                               alpha=1.0, batch_size=8)  # fmt: skip
    params = net.init(jax.random.key(0))
    key = jax.random.key(3)
    rows = np.asarray(sample_rows(key, 40, 8))
    on_rows = training_objective(net, X[rows], y[rows], task=task, metric="log_loss",
                                 sample_weight=w[rows], alpha=1.0)  # fmt: skip
    penalty = 0.5 * sum(float(jnp.sum(layer["w"] ** 2)) for layer in params)
    expected = float(on_rows(params)) + penalty / 8 - penalty / 40  # penalty over all rows
    assert float(score(params, key)) == pytest.approx(expected, rel=1e-5)
    assert float(score.full(params)) == pytest.approx(
        float(
            training_objective(net, X, y, task=task, metric="log_loss", sample_weight=w, alpha=1.0)(
                params
            )
        ),
        rel=1e-6,
    )
    with evaluation_key(key):  # full evaluations ignore the step's key
        assert float(score.full(params)) != pytest.approx(float(score(params)))


def test_under_minibatches_the_best_point_is_the_mean():
    state = SearchState(jnp.zeros(2), jnp.float32(-5.0), jnp.zeros(2), jnp.float32(-5.0))
    points, fitness = jnp.ones((4, 2)), jnp.array([9.0, 1.0, 2.0, 3.0])
    moved, moved_score = jnp.full(2, 0.5), jnp.float32(-7.0)  # worse than the best so far
    plain = distribution_step(state, lambda v: v, points, fitness, moved, moved_score)
    assert float(plain[3]) == 9.0  # the best sample
    with evaluation_key(jax.random.key(0)):
        keyed = distribution_step(state, lambda v: v, points, fitness, moved, moved_score)
    assert float(keyed[3]) == -7.0 and np.allclose(keyed[2], 0.5)  # the mean

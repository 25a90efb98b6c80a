"""The estimators' budget, sample weights, warm start, early stopping and time limit."""

import jax
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score

import jaxclimb as jc
from jaxclimb.algorithms.defaults import plan, population_for
from jaxclimb.datasets.tasks import (
    classification_task,
    make_network,
    regression_task,
    training_objective,
)

FAST = dict(hidden_layer_sizes=4, population_size=8, max_steps=100, random_state=0)


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_weighted_objective_is_the_weighted_metric(n_classes):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y, w = rng.integers(0, n_classes, 40), rng.integers(0, 4, 40).astype(float)
    task = classification_task(n_classes)
    net = make_network(task, 3, hidden=(5,), activation="tanh", init="glorot")
    params = net.init(jax.random.key(0))
    out = np.asarray(net(params, X), np.float64)
    proba = out if n_classes > 2 else np.column_stack([1 - out[:, 0], out[:, 0]])
    proba = proba / proba.sum(axis=1, keepdims=True)
    loss = training_objective(net, X, y, task=task, metric="log_loss", sample_weight=w)
    acc = training_objective(net, X, y, task=task, metric="accuracy", sample_weight=w)
    assert float(loss.metric_value(params)) == pytest.approx(
        log_loss(y, proba, sample_weight=w, labels=range(n_classes)), rel=1e-5
    )
    assert float(acc.metric_value(params)) == pytest.approx(
        accuracy_score(y, proba.argmax(1), sample_weight=w), rel=1e-6
    )


@pytest.mark.slow
def test_weighted_regression_metrics_and_the_l2_penalty():
    rng = np.random.default_rng(2)
    X, y, w = rng.normal(size=(30, 2)).astype(np.float32), rng.normal(size=30), rng.random(30)
    task = regression_task(1)
    net = make_network(task, 2, hidden=(3,), activation="tanh", init="glorot")
    params = net.init(jax.random.key(0))
    out = np.asarray(net(params, X))[:, 0]
    mse = training_objective(net, X, y, task=task, metric="mse", sample_weight=w, alpha=3.0)
    r2 = training_objective(net, X, y, task=task, metric="r2", sample_weight=w)
    assert float(mse.metric_value(params)) == pytest.approx(
        mean_squared_error(y, out, sample_weight=w), rel=1e-5
    )
    assert float(r2.metric_value(params)) == pytest.approx(
        r2_score(y, out, sample_weight=w), rel=1e-5
    )
    penalty = 0.5 * 3.0 * sum(float(np.sum(np.square(p["w"]))) for p in params) / 30
    assert float(mse(params)) == pytest.approx(-float(mse.metric_value(params)) - penalty)


def test_sample_weight_decides_between_contradicting_labels(blobs):
    X, y = blobs
    X2, y2 = np.vstack([X, X]), np.concatenate([y, 1 - y])
    heavy_first = np.r_[np.full(60, 4.0), np.ones(60)]
    first = jc.ClimbingClassifier(**FAST).fit(X2, y2, sample_weight=heavy_first)
    second = jc.ClimbingClassifier(**FAST).fit(X2, y2, sample_weight=heavy_first[::-1])
    assert first.score(X, y) > 0.8 and second.score(X, 1 - y) > 0.8


@pytest.mark.slow
def test_budget_gives_population_and_steps_within_it(blobs):
    X, y = blobs
    clf = jc.ClimbingClassifier(hidden_layer_sizes=4, budget=3_000, random_state=0).fit(X, y)
    result = clf.result_
    assert result.population == population_for(clf.network_.n_weights)
    assert result.population * result.steps_run <= 3_000
    assert result.population * (result.steps_run + 1) > 3_000  # the budget is spent
    assert plan(3_000, 2_410, evaluations_per_step=4) == (4, 187)
    assert plan(10, 2_410) == (4, 2) and plan(3, 2_410) == (3, 1)
    with pytest.raises(ValueError, match="budget"):
        plan(3, 50, population=4)


@pytest.mark.slow
def test_warm_start_continues_from_the_fitted_population(blobs):
    X, y = blobs
    clf = jc.ClimbingClassifier(**FAST, warm_start=True).fit(X, y)
    first_best, first_curve = clf.result_.best_score.copy(), list(clf.loss_curve_)
    clf.fit(X, y)
    np.testing.assert_allclose(clf.result_.history[:, 0], first_best, rtol=1e-6)
    assert clf.n_iter_ == 200 and len(clf.loss_curve_) == 2 * len(first_curve)
    assert clf.best_loss_ <= min(first_curve)
    cold = jc.ClimbingClassifier(**FAST).fit(X, y)
    assert not np.allclose(cold.result_.history[:, 0], clf.result_.history[:, 0])


@pytest.mark.slow
def test_early_stopping_stops_on_the_validation_score(blobs):
    X, y = blobs
    clf = jc.ClimbingClassifier(
        **{**FAST, "max_steps": 5_000}, early_stopping=True, n_iter_no_change=2, tol=1.0
    ).fit(X, y)  # no check can improve by tol=1: stops after 1 + n_iter_no_change checks
    assert clf.n_iter_ == 300 and clf.result_.config["stopped_by"] == "monitor"
    assert len(clf.validation_scores_) == 3
    assert clf.best_validation_score_ == max(clf.validation_scores_)


@pytest.mark.slow
def test_max_seconds_stops_early_with_the_best_so_far():
    X = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    net = jc.MLP((3, 4, 1), activation="tanh", output="sigmoid", init="glorot")
    score = jc.make_score_fn(net, X, (X[:, 0] > 0).astype(int), metric="log_loss")
    result = jc.run(0, jc.hill_climb(score), net.init, population=4, steps=10_000_000,
                    score_fn=score, max_seconds=0.2, progress=False)  # fmt: skip
    assert 0 < result.steps_run < 10_000_000 and result.config["stopped_by"] == "max_seconds"
    assert not result.interrupted and not result.stopped_early
    np.testing.assert_array_equal(result.best_score, result.history.max(axis=1))


@pytest.mark.slow
def test_sklearn_attributes_int_hidden_and_forced_accuracy(blobs):
    X, y = blobs
    clf = jc.ClimbingClassifier(**FAST, objective="accuracy").fit(X, y)
    assert clf.coefs_[0]["w"].shape == (3, 4) and clf.result_.metric == "accuracy"
    counts = clf.result_.best_score * 60  # plain accuracy, no penalty: whole rows right
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-3)
    assert clf.n_iter_ == 100 and len(clf.loss_curve_) == 100  # one per step, as MLP's
    assert np.all(np.diff(clf.loss_curve_) <= 0)
    default = jc.ClimbingClassifier(**FAST).fit(X, y)
    assert default.result_.metric == "log_loss"
    for bad, match in [({"budget": 0}, "budget"), ({"alpha": -1.0}, "alpha"),
                       ({"max_seconds": 0}, "max_seconds"), ({"n_iter_no_change": 0}, "n_iter"),
                       ({"mutate_fraction": "most"}, "mutate_fraction")]:  # fmt: skip
        with pytest.raises((ValueError, TypeError), match=match):
            jc.ClimbingClassifier(**{**FAST, **bad}).fit(X, y)

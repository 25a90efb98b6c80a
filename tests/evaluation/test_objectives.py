import jax
import numpy as np
import pytest
from sklearn import metrics

import jaxclimb as jc


def _binary(seed=0, n=50):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(int)


def test_metrics_agree_with_sklearn():
    X, y = _binary()
    net = jc.MLP((3, 4, 1), activation="tanh", output="sigmoid", init="normal")
    params = net.init(jax.random.key(0))
    prob = np.asarray(net(params, X))[:, 0]
    acc = jc.make_score_fn(net, X, y, metric="accuracy")
    assert float(acc(params)) == pytest.approx(metrics.accuracy_score(y, prob > 0.5))
    ll = jc.make_score_fn(net, X, y, metric="log_loss")
    assert ll.direction == "minimize"
    assert -float(ll(params)) == pytest.approx(metrics.log_loss(y, prob), rel=1e-4)


def test_multiclass_log_loss_from_logits_and_one_hot():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = rng.integers(0, 3, size=40)
    net = jc.MLP((3, 3), output="softmax", init="normal")
    params = net.init(jax.random.key(1))
    prob = np.asarray(net(params, X))
    score = jc.make_score_fn(net, X, np.eye(3)[y], metric="log_loss")  # one-hot accepted
    assert -float(score(params)) == pytest.approx(metrics.log_loss(y, prob), rel=1e-4)
    acc = jc.make_score_fn(net, X, y, metric="accuracy")
    assert float(acc(params)) == pytest.approx(metrics.accuracy_score(y, prob.argmax(1)))


def test_regression_metrics_agree_with_sklearn():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 2)).astype(np.float32)
    Y = np.stack([X[:, 0] * 2, X[:, 1] - 1], axis=1)
    net = jc.MLP((2, 5, 2), activation="relu", output="identity", init="glorot")
    params = net.init(jax.random.key(2))
    pred = np.asarray(net(params, X))
    assert -float(jc.make_score_fn(net, X, Y, metric="mse")(params)) == pytest.approx(
        metrics.mean_squared_error(Y, pred), rel=1e-5
    )
    assert float(jc.make_score_fn(net, X, Y, metric="r2")(params)) == pytest.approx(
        metrics.r2_score(Y, pred), rel=1e-4
    )


def test_user_forward_over_dict_tree():
    X, y = _binary()
    forward = lambda p, X: jax.nn.sigmoid(X @ p["coef"] + p["intercept"])  # noqa: E731
    score = jc.make_score_fn(forward, X, y, output_kind="probability")
    params = {"coef": np.array([5.0, 0, 0], np.float32), "intercept": np.float32(0)}
    assert float(score(params)) == 1.0


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "match"),
    [
        (np.ones(5), np.zeros(5), {}, "2-D"),
        (np.full((4, 3), np.nan), np.zeros(4), {}, "NaN"),
        (np.ones((4, 3)), np.zeros(5), {}, "rows"),
        (np.ones((0, 3)), np.zeros(0), {}, "at least one row"),
        (np.ones((4, 3)), np.array([0, 1, 2, 1]), {}, "class labels"),
        (np.ones((4, 3)), np.array([0, 0.5, 1, 1]), {}, "integer"),
        (np.ones((4, 3)), np.array(["a", "b", "a", "b"]), {}, "numeric"),
        (np.ones((4, 3)), np.array([0, 1, 0, np.inf]), {}, "NaN or infinite"),
        (np.ones((4, 3)), np.zeros(4), {"metric": "f1"}, "metric"),
        (np.ones((4, 2)), np.zeros(4), {}, "features"),
    ],
)
def test_bad_inputs_name_the_argument(X, y, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        jc.make_score_fn(jc.MLP((3, 1)), X, y, **kwargs)


def test_log_loss_on_step_output_is_refused():
    X, y = _binary()
    with pytest.raises(ValueError, match="log_loss"):
        jc.make_score_fn(jc.perceptron(3), X, y, metric="log_loss")


@pytest.mark.slow
def test_bfloat16_forward_keeps_float32_weights_and_metric(problem_a):
    import jax.numpy as jnp

    X, _, y, _ = problem_a
    net = jc.MLP((5, 10, 1))
    full = jc.make_score_fn(net, X, y)
    half = jc.make_score_fn(net, X, y, precision="bfloat16")
    params = net.init(jax.random.key(0))
    assert half(params).dtype == jnp.float32
    assert abs(float(half(params)) - float(full(params))) < 0.05  # bf16 rounding only
    assert float(half.full(params)) == float(full(params))  # what a run reports: float32
    r = jc.run(
        0, jc.hill_climb(half), net.init, population=8, steps=50, score_fn=half, progress=False
    )
    assert r.best_params[0]["w"].dtype == np.float32 and r.best_score.max() > 0.5

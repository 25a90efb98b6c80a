"""Bring-your-own models: multi-class and one-hot targets through any forward, output
kinds required and checked, keyed (stochastic) objectives and minibatch scoring."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss

import jaxclimb as jc


@pytest.fixture(scope="module")
def ten_classes():
    X, y = make_classification(200, 12, n_informative=8, n_classes=10,
                               n_clusters_per_class=1, random_state=0)  # fmt: skip
    return X.astype(np.float32), y


def init(key):
    k1, k2 = jax.random.split(key)
    return {
        "w1": 0.3 * jax.random.normal(k1, (12, 16)),
        "w2": 0.3 * jax.random.normal(k2, (16, 10)),
    }


def logits(p, X):
    return jnp.tanh(X @ p["w1"]) @ p["w2"]


def probabilities(p, X):
    return jax.nn.softmax(logits(p, X))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("forward", "kind"),
    [(logits, "logit"), (probabilities, "probability")],
)
def test_ten_classes_train_through_a_user_forward_and_match_sklearn_log_loss(
    ten_classes, forward, kind
):
    X, y = ten_classes
    score = jc.make_score_fn(forward, X, y, metric="log_loss", output_kind=kind)
    r = jc.run(0, jc.hill_climb(score, step_size=0.05), init, population=4, steps=60,
               score_fn=score, progress=False)  # fmt: skip
    start = jc.make_score_fn(forward, X, y, metric="log_loss", output_kind=kind)
    assert r.best_metric.min() < -float(start(init(jax.random.key(0))))  # it trained
    best = {k: np.asarray(v, np.float64) for k, v in r.best().items()}
    out = np.tanh(X.astype(np.float64) @ best["w1"]) @ best["w2"]  # logits, in float64
    p = np.exp(out - out.max(1, keepdims=True))
    expected = log_loss(y, p / p.sum(1, keepdims=True), labels=np.arange(10))
    # precision="float32" (the default): float32 products on any backend, so float32's
    # tolerance holds on a GPU too (its default TF32 products missed it: 2.246885 / 2.246856)
    assert r.best_metric[r.best_index()] == pytest.approx(expected, rel=1e-5)
    assert r.evaluate(X, y, metric="accuracy").max() > 0.2  # argmax over ten columns


def test_one_hot_targets_and_class_count_checked_against_outputs(ten_classes):
    X, y = ten_classes
    score = jc.make_score_fn(logits, X, np.eye(10)[y], metric="accuracy")
    assert score.n_classes == 10 and score.output_kind == "logit"  # argmax: kind irrelevant
    five = jc.make_score_fn(lambda p, X: logits(p, X)[:, :5], X, y, metric="accuracy")
    with pytest.raises(ValueError, match=r"10 classes .* 5 columns"):
        jc.run(0, jc.hill_climb(five), init, population=2, steps=2, score_fn=five, progress=False)
    one = jc.make_score_fn(lambda p, X: logits(p, X)[:, 0], X, y, metric="accuracy")
    with pytest.raises(ValueError, match="one column"):
        jc.run(0, jc.hill_climb(one), init, population=2, steps=2, score_fn=one, progress=False)


def test_output_kind_required_where_it_matters_and_checked_on_first_evaluation(ten_classes):
    X, y = ten_classes
    with pytest.raises(ValueError, match=r"output_kind is required.*log_loss"):
        jc.make_score_fn(logits, X, y, metric="log_loss")
    with pytest.raises(ValueError, match=r"output_kind is required.*binary accuracy"):
        jc.make_score_fn(lambda p, X: X @ p, X, y % 2, metric="accuracy")
    lying = jc.make_score_fn(logits, X, y, metric="log_loss", output_kind="probability")
    with pytest.raises(ValueError, match=r"probability.*returned values in"):
        jc.run(0, jc.hill_climb(lying), init, population=2, steps=2, score_fn=lying,
               progress=False)  # fmt: skip
    unnormalised = jc.make_score_fn(lambda p, X: jax.nn.sigmoid(logits(p, X)), X, y,
                                    metric="log_loss", output_kind="probability")  # fmt: skip
    with pytest.raises(ValueError, match="do not sum to 1"):
        jc.run(0, jc.hill_climb(unnormalised), init, population=2, steps=2,
               score_fn=unnormalised, progress=False)  # fmt: skip


def test_binary_logits_threshold_at_zero():
    X = np.array([[-2.0], [-0.2], [0.2], [2.0]], np.float32)
    y = np.array([0, 0, 1, 1])
    logit = jc.make_score_fn(lambda p, X: X[:, 0] * p, X, y, output_kind="logit")
    prob = jc.make_score_fn(lambda p, X: X[:, 0] * p, X, y, output_kind="probability")
    assert float(logit(jnp.float32(1.0))) == 1.0  # 0.2 > 0: class 1
    assert float(prob(jnp.float32(1.0))) == 0.75  # 0.2 < 0.5: class 0


@pytest.mark.slow
def test_keyed_objective_gets_a_fresh_key_each_step_and_is_rescored():
    target = jnp.array([1.0, -1.0, 0.5])

    def noisy(p, key):
        return -jnp.sum((p["w"] - target - 0.3 * jax.random.normal(key, (3,))) ** 2)

    objective = jc.KeyedObjective(noisy)
    start = lambda key: {"w": jnp.zeros(3)}  # noqa: E731
    r = jc.run(0, jc.hill_climb(objective, step_size=0.1), start, population=4, steps=300,
               score_fn=objective, progress=False)  # fmt: skip
    assert r.evaluations_per_step == 2  # the current point re-scored on the step's key
    np.testing.assert_allclose(r.best_params["w"], np.broadcast_to(target, (4, 3)), atol=0.5)
    rescored = [float(objective.full(r.climber(i))) for i in range(4)]
    np.testing.assert_allclose(r.best_score, rescored, rtol=1e-5)  # best: the fixed yardstick
    named_once = jc.run(0, jc.hill_climb(objective, step_size=0.1), start, population=4,
                        steps=300, progress=False)  # fmt: skip
    np.testing.assert_array_equal(named_once.best_score, r.best_score)  # it carries it
    bare = jc.hill_climb(objective)
    bare = bare._replace(traits=dataclasses.replace(bare.traits, objective=None))
    with pytest.raises(ValueError, match="score_fn=objective"):
        jc.run(0, bare, start, population=2, steps=2, progress=False)


def test_minibatch_draws_one_batch_per_key_and_all_rows_without_one(ten_classes):
    X, y = ten_classes
    score = jc.make_score_fn(logits, X, y, metric="log_loss", output_kind="logit", batch_size=64)
    assert score.keyed and jc.make_score_fn(logits, X, y, output_kind="logit").batch_size is None
    key = jax.random.key(3)
    params = init(jax.random.key(1))
    assert float(score(params, key)) == float(score(params, key))  # one key, one batch
    assert float(score(params, key)) != float(score(params, jax.random.key(4)))
    assert float(score(params)) == float(score.full(params))  # no key: every row


@pytest.mark.slow
def test_minibatch_search_rescores_the_best_and_ignores_the_population(ten_classes):
    X, y = ten_classes
    score = jc.make_score_fn(logits, X, y, metric="log_loss", output_kind="logit", batch_size=64)
    climb = jc.hill_climb(score, step_size=0.05)
    r, wide = (jc.run(0, climb, init, population=p, steps=60, score_fn=score, progress=False)
               for p in (4, 6))  # fmt: skip
    np.testing.assert_allclose(r.best_metric, r.evaluate(X, y, metric="log_loss"), rtol=1e-5)
    assert r.best_metric.min() < -float(score.full(init(jax.random.key(0))))
    np.testing.assert_allclose(wide.best_score[:4], r.best_score, rtol=1e-6)  # climber i's path


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(jc.REGISTRY))
def test_every_algorithm_takes_a_minibatch_objective_and_resumes_bitwise(name, tmp_path):
    X, y = make_classification(300, 6, random_state=0)
    net = jc.MLP((6, 4, 1), activation="tanh", init="glorot")
    score = jc.make_score_fn(net, X, y, metric="log_loss", batch_size=32)
    algorithm = jc.algorithms.make(name, score, net.init)
    settings = dict(population=3, steps=120, chunk_steps=40, score_fn=score, progress=False)
    whole = jc.run(0, algorithm, net.init, **settings)
    np.testing.assert_allclose(whole.best_metric, whole.evaluate(X, y, metric="log_loss"),
                               rtol=1e-5)  # fmt: skip

    def stop(steps, best):
        if steps >= 40:
            raise KeyboardInterrupt

    path = str(tmp_path / "ck.npz")
    jc.run(0, algorithm, net.init, checkpoint=path, callback=stop, **settings)
    settings.pop("population"), settings.pop("steps"), settings.pop("chunk_steps")
    resumed = jc.resume(path, algorithm, net.init, **settings)
    np.testing.assert_array_equal(resumed.best_score, whole.best_score)

"""Node perturbation's evaluation: each row's share of the score sums to the objective's
value (every row-wise metric, output kind and row weighting; a minibatch's rows under a
step's key), an unperturbed member is the clean pass, and who offers it."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.datasets.tasks import task_of, training_objective
from jaxclimb.evaluation.nodes import (
    clean_pass,
    offers_nodes,
    perturbed_row_scores,
    row_scores,
    step_rows,
)
from jaxclimb.evaluation.objectives import make_score_fn
from jaxclimb.evaluation.sampling import KeyedObjective, evaluation_key

RNG = np.random.default_rng(0)
X = RNG.normal(size=(37, 5)).astype(np.float32)  # an awkward number of rows
CLASSES = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
CASES = [  # metric, output transfer, outputs, targets
    ("log_loss", "softmax", 3, CLASSES),
    ("accuracy", "softmax", 3, CLASSES),
    ("log_loss", "sigmoid", 1, (X[:, 0] > 0).astype(int)),
    ("accuracy", "step", 1, (X[:, 0] > 0).astype(int)),
    ("mse", "identity", 2, X[:, :2] * 2.0),
]


def _total(score, params):
    Xr, yr, w = step_rows(score)
    return jnp.sum(row_scores(score, clean_pass(score, params, Xr)[-1][1], yr, w))


@pytest.mark.parametrize("metric,output,outputs,y", CASES)
def test_row_scores_sum_to_the_objective(metric, output, outputs, y):
    net = jc.MLP((5, 4, 3, outputs), activation=("tanh", "step"), output=output)
    params = net.init(jax.random.key(1))
    score = make_score_fn(net, X, y, metric=metric)
    assert float(_total(score, params)) == pytest.approx(float(score(params)), abs=2e-6)
    weights = RNG.uniform(0.0, 3.0, size=X.shape[0]).astype(np.float32)
    weighted = training_objective(net, X, y, task=task_of(y, metric), metric=metric,
                                  sample_weight=weights, alpha=2.0)  # fmt: skip
    penalty = float(weighted.penalty(params))
    assert penalty > 0  # the penalty is the objective's, apart from the rows
    expected = float(weighted(params)) + penalty
    assert float(_total(weighted, params)) == pytest.approx(expected, abs=2e-6)


def test_a_minibatch_objective_gives_the_rows_its_step_scores():
    net = jc.MLP((5, 4, 3), output="softmax")
    params = net.init(jax.random.key(2))
    score = make_score_fn(net, X, CLASSES, metric="log_loss", batch_size=8)
    key = jax.random.key(3)
    with evaluation_key(key):
        Xr, _, _ = step_rows(score)
        assert Xr.shape == (8, 5)
        assert float(_total(score, params)) == pytest.approx(float(score(params)), abs=2e-6)
    assert step_rows(score)[0].shape == X.shape  # outside a step: every row


def test_an_unperturbed_member_is_the_clean_pass():
    net = jc.MLP((5, 6, 3), activation="relu", output="softmax")
    params = net.init(jax.random.key(4))
    score = make_score_fn(net, X, CLASSES, metric="log_loss")
    clean = clean_pass(score, params, jnp.asarray(X))
    assert np.allclose(clean[-1][1], net.logits(params, X), atol=1e-5)
    noise = [jnp.ones_like(z) for _, z in clean]
    w = score.row_weights()
    zero = perturbed_row_scores(score, params, clean, noise, score.y, w, jnp.float32(0.0))
    assert np.allclose(zero, row_scores(score, clean[-1][1], score.y, w), atol=1e-6)
    moved = perturbed_row_scores(score, params, clean, noise, score.y, w, jnp.float32(0.5))
    assert not np.allclose(moved, zero)


def test_who_offers_node_perturbation():
    net = jc.MLP((5, 3), output="softmax")
    assert offers_nodes(make_score_fn(net, X, CLASSES, metric="log_loss"))
    yr = X[:, 0]
    assert not offers_nodes(make_score_fn(jc.MLP((5, 1)), X, yr, metric="r2"))
    user = make_score_fn(lambda p, x: x @ p, X, yr, metric="mse")
    assert not offers_nodes(user)
    assert not offers_nodes(KeyedObjective(lambda p, k: -jnp.sum(p**2)))
    assert not offers_nodes(lambda p: 0.0)

    class Shifted(type(make_score_fn(net, X, CLASSES, metric="log_loss"))):
        def __call__(self, params, key=None):  # scores otherwise: never searched by rows
            return super().__call__(params, key) - 1.0

    base = make_score_fn(net, X, CLASSES, metric="log_loss")
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    assert not offers_nodes(Shifted(**fields))
    estimators = training_objective(net, X, CLASSES, task=task_of(CLASSES, "log_loss"))
    assert offers_nodes(estimators)

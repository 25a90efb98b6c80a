"""The low-rank evolution strategy (``rank=r``): equal to a full-rank ES fed the same
low-rank perturbations, the built-in MLP's low-rank path equal to formed weights, and the
estimators' L2 penalty of a low-rank member."""

import contextlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree
from sklearn.datasets import make_classification

import jaxclimb as jc
from jaxclimb.algorithms import es as es_module
from jaxclimb.algorithms.lowrank_es import draw_factors, flat_noise, member_scores
from jaxclimb.datasets.tasks import classification_task, training_objective
from jaxclimb.evaluation.lowrank import lowrank_scores, materialise, weight_squares
from jaxclimb.evaluation.objectives import make_score_fn
from jaxclimb.evaluation.sampling import evaluation_key

X, Y = make_classification(300, 12, n_informative=8, n_classes=3, random_state=0)
X = X.astype(np.float32)
NET = jc.MLP((12, 9, 3), activation="tanh", output="softmax")
SCORE = make_score_fn(NET, X, Y, metric="log_loss")
NUMBERS = {k: jnp.float32(v) for k, v in
           {"learning_rate": 0.05, "sigma_decay": 1.0, "sigma_min": 0.0}.items()}  # fmt: skip


@pytest.mark.parametrize("optimizer", ["sgd", pytest.param("adam", marks=pytest.mark.slow)])
def test_lowrank_es_equals_a_full_rank_es_fed_its_perturbations(optimizer):
    # same keys -> same A, B; the low-rank run never forms a member's weights, the fed
    # full-rank run forms them: after 8 steps the means agree within float32 rounding
    low = jc.evolution_strategy(SCORE, pop_size=12, rank=2, optimizer=optimizer,
                                learning_rate=0.05)  # fmt: skip
    p0 = NET.init(jax.random.key(0))
    a = b = low.init(jax.random.key(0), p0)
    low_step = jax.jit(low.step)

    @jax.jit
    def fed(key, state):
        noise = flat_noise(draw_factors(key, state.params, 12, 2))
        return es_module.fed_step(SCORE, NUMBERS, state, noise, adam=optimizer == "adam")

    for t in range(8):
        a, _ = low_step(jax.random.key(t + 1), a)
        b, _ = fed(jax.random.key(t + 1), b)
    pa, pb = ravel_pytree(a.params)[0], ravel_pytree(b.params)[0]
    assert float(jnp.max(jnp.abs(pa - p0[0]["w"].mean()))) > 1e-3  # it moved
    np.testing.assert_allclose(pa, pb, rtol=0, atol=1e-5)
    np.testing.assert_allclose(float(a.best_score), float(b.best_score), rtol=1e-5)


def test_the_mlp_path_equals_formed_weights_and_pairs_are_antithetic():
    p0 = NET.init(jax.random.key(3))
    factors = draw_factors(jax.random.key(4), p0, 8, 3)
    a, b = factors[1]  # layer 0's weight matrix (a layer's bias comes first)
    np.testing.assert_array_equal(a[:4], -a[4:])
    np.testing.assert_array_equal(b[:4], b[4:])
    sigma = jnp.float32(0.2)
    fast = lowrank_scores(SCORE, p0, factors, sigma)
    formed = jax.vmap(SCORE)(materialise(p0, factors, sigma))
    np.testing.assert_allclose(fast, formed, rtol=2e-5)
    user = make_score_fn(lambda p, x: NET.logits(p, x), X, Y, metric="log_loss",
                         output_kind="logit")  # fmt: skip
    np.testing.assert_allclose(member_scores(user, p0, factors, sigma), formed, rtol=2e-5)


def _objectives():
    """Objectives the low-rank path reads units first (all rows, float32) and others."""
    weights = np.random.default_rng(1).uniform(size=300).astype(np.float32)
    binary = jc.MLP((12, 9, 1), activation="relu", output="sigmoid")
    task = classification_task(3)
    yield "log-loss", SCORE
    yield "accuracy", make_score_fn(NET, X, Y, metric="accuracy")
    yield "mse", make_score_fn(NET, X, np.eye(3, dtype=np.float32)[Y], metric="mse")
    yield "binary", make_score_fn(binary, X, (Y > 0).astype(int), metric="log_loss")
    yield "estimator's", training_objective(NET, X, Y, task=task, metric="log_loss",
                                            alpha=10.0, sample_weight=weights)  # fmt: skip
    yield "minibatches", make_score_fn(NET, X, Y, metric="log_loss", batch_size=64)


@pytest.mark.slow
@pytest.mark.parametrize("name,score", list(_objectives()), ids=lambda v: v if isinstance(v, str)
                         else "")  # fmt: skip
def test_every_objective_scores_lowrank_members_as_formed_weights(name, score):
    """Full-batch float32 objectives score members from units-first logits
    (:func:`~jaxclimb.evaluation.logits.score_of_logits`), the others through their own
    forward pass: both equal the members' formed weights scored by the objective."""
    p0 = score.forward.init(jax.random.key(3))
    factors = draw_factors(jax.random.key(4), p0, 6, 2)
    sigma = jnp.float32(0.3)
    with evaluation_key(jax.random.key(9)) if score.keyed else contextlib.nullcontext():
        fast = lowrank_scores(score, p0, factors, sigma)
        formed = jax.vmap(score)(materialise(p0, factors, sigma))
    if name == "accuracy":  # the same counts; the division by the rows may round apart
        np.testing.assert_array_equal(np.rint(fast * len(Y)), np.rint(formed * len(Y)))
        np.testing.assert_allclose(fast, formed, rtol=2e-7)
    else:
        np.testing.assert_allclose(fast, formed, rtol=2e-5, atol=1e-6)


def test_the_penalty_of_a_lowrank_member_is_that_of_its_formed_weights():
    w = jax.random.normal(jax.random.key(0), (5, 4))
    a = jax.random.normal(jax.random.key(1), (5, 2))
    bt = jax.random.normal(jax.random.key(2), (4, 2))
    layer = {"w": w, "a": a, "bt": bt, "s": jnp.float32(0.3)}
    dense = jnp.sum((w + 0.3 * a @ bt.T) ** 2)
    np.testing.assert_allclose(weight_squares(layer), dense, rtol=1e-5)


@pytest.mark.slow
def test_a_lowrank_fit_learns_and_bad_ranks_are_refused():
    with pytest.raises(ValueError, match="rank"):
        jc.evolution_strategy(SCORE, rank=0)
    with pytest.raises(ValueError, match="clip_max"):
        jc.evolution_strategy(SCORE, rank=1, clip_max=1.0)
    options = {"rank": 1, "pop_size": 32}
    model = jc.ClimbingClassifier(hidden_layer_sizes=(9,), algorithm="es", budget=6_000,
                                  random_state=0, algorithm_params=options)  # fmt: skip
    assert model.fit(X, Y).score(X, Y) > 0.6


@pytest.mark.parametrize("metric", ["accuracy", "log_loss"])
def test_mean_metrics_are_summed_tile_by_tile_and_nan_is_not_lost(metric):
    """Accuracy and log-loss are sums of rows' terms, taken tile by tile (300 rows: two
    whole tiles and a part); a NaN weight gives a NaN score, not a finite one."""
    from jaxclimb.evaluation.lowrank import row_terms

    score = make_score_fn(NET, X, Y, metric=metric)
    assert row_terms(score) is not None
    assert row_terms(make_score_fn(NET, X, Y, metric=metric, batch_size=64)) is None
    task = training_objective(NET, X, Y, task=classification_task(3), metric=metric, alpha=1.0)
    assert row_terms(task) is None  # weighted and penalised: its own score of outputs
    p0 = NET.init(jax.random.key(5))
    factors = draw_factors(jax.random.key(6), p0, 4, 1)
    sigma = jnp.float32(0.3)
    formed = jax.vmap(score)(materialise(p0, factors, sigma))
    fast = lowrank_scores(score, p0, factors, sigma)
    if metric == "accuracy":  # the same counts; the division by the rows may round apart
        np.testing.assert_array_equal(np.rint(fast * len(Y)), np.rint(formed * len(Y)))
        np.testing.assert_allclose(fast, formed, rtol=2e-7)
    else:
        np.testing.assert_allclose(fast, formed, rtol=2e-5)
    p0[1]["w"] = p0[1]["w"].at[0, 0].set(jnp.nan)
    assert np.all(np.isnan(lowrank_scores(score, p0, factors, sigma)))

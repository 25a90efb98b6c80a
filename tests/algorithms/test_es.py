"""The evolution strategy: antithetic pairs, centred ranks, the update, sigma's schedule,
and the front ends that take it (the registry-wide checks live in test_algorithms)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.datasets import make_classification

import jaxclimb as jc
from jaxclimb.algorithms import centred_ranks
from jaxclimb.algorithms import es as es_module


def sphere(params):
    return -jnp.sum((params["w"] - 1.0) ** 2)


def start(key):
    return {"w": jnp.zeros(5)}


@pytest.mark.slow
def test_perturbations_come_in_antithetic_pairs(monkeypatch):
    seen = {}

    def recording(score_fn, candidates):
        seen["points"] = candidates["w"]
        return jax.vmap(score_fn)(candidates)

    monkeypatch.setattr(es_module, "evaluate_many", recording)
    algo = jc.evolution_strategy(sphere, pop_size=6, step_size=0.3)
    state = algo.init(jax.random.key(0), {"w": jnp.arange(5.0)})
    _, info = algo.step(jax.random.key(1), state)
    offsets = np.asarray(seen["points"]) - np.arange(5.0)
    assert offsets.shape == (6, 5) and int(info.n_evaluations) == 7
    np.testing.assert_allclose(offsets[:3], -offsets[3:], atol=1e-6)
    assert 0.1 < offsets.std() < 0.6  # sigma = 0.3


def test_centred_ranks_are_spaced_centred_and_share_ties():
    r = np.asarray(centred_ranks(jnp.array([0.3, -2.0, 7.0, 0.3, jnp.inf, 5.0])))
    assert r.sum() == pytest.approx(0.0, abs=1e-6) and r.min() == -0.5 and r.max() == 0.5
    assert r[4] == -0.5  # a non-finite score ranks last
    assert r[0] == r[3]  # tied scores share their rank
    np.testing.assert_allclose(np.sort(r[[1, 0, 5, 2]]), [-0.3, 0.0, 0.3, 0.5], atol=1e-6)


def test_sgd_step_is_the_rank_weighted_sum_of_the_perturbations():
    algo = jc.evolution_strategy(sphere, pop_size=4, step_size=0.2, learning_rate=0.7,
                                 optimizer="sgd")  # fmt: skip
    state = algo.init(jax.random.key(0), start(None))
    new, _ = algo.step(jax.random.key(5), state)
    eps = jax.random.normal(jax.random.key(5), (2, 5))
    noise = jnp.concatenate([eps, -eps])
    fitness = jax.vmap(lambda e: sphere({"w": 0.2 * e}))(noise)
    expected = 0.7 * centred_ranks(fitness) @ noise / (4 * 0.2)
    np.testing.assert_allclose(new.params["w"], expected, rtol=1e-5, atol=1e-7)
    assert float(new.score) == pytest.approx(float(sphere(new.params)))


def test_only_the_order_of_scores_matters():
    """A strictly increasing transformation of the objective moves the mean identically."""
    a = jc.evolution_strategy(sphere, pop_size=8, step_size=0.1)
    b = jc.evolution_strategy(lambda p: jnp.tanh(sphere(p) / 10), pop_size=8, step_size=0.1)
    sa, sb = a.init(jax.random.key(0), start(None)), b.init(jax.random.key(0), start(None))
    for t in range(5):
        sa, _ = a.step(jax.random.key(t), sa)
        sb, _ = b.step(jax.random.key(t), sb)
    np.testing.assert_array_equal(sa.params["w"], sb.params["w"])
    assert not np.array_equal(sa.params["w"], start(None)["w"])


def test_sigma_decays_to_its_floor():
    algo = jc.evolution_strategy(sphere, pop_size=4, step_size=0.1, sigma_decay=0.5,
                                 sigma_min=0.02)  # fmt: skip
    state = algo.init(jax.random.key(0), start(None))
    sigmas = []
    for t in range(4):
        state, _ = algo.step(jax.random.key(t), state)
        sigmas.append(float(state.sigma))
    np.testing.assert_allclose(sigmas, [0.05, 0.025, 0.02, 0.02], rtol=1e-6)


def test_improves_on_a_quadratic_and_reports_the_best_evaluated_point():
    def wide(key):
        return {"w": jnp.zeros(20)}

    algo = jc.evolution_strategy(sphere, pop_size=16, step_size=0.1, learning_rate=0.05)
    r = jc.run(0, algo, wide, population=3, steps=300, progress=False)
    assert np.all(r.best_score > -0.2)  # from -20 at the start
    np.testing.assert_allclose(jax.vmap(sphere)(r.best_params), r.best_score, rtol=1e-5)
    assert np.all(r.best_score >= r.final_score)  # the mean's score, never above the best


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"pop_size": 5}, "pop_size must be even"),
        ({"pop_size": 0}, "pop_size"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"sigma_decay": 1.5}, "sigma_decay"),
        ({"sigma_decay": 0.0}, "sigma_decay"),
        ({"sigma_min": 1.0}, "sigma_min"),
        ({"step_size": float("nan")}, "step_size"),
    ],
)
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        jc.evolution_strategy(sphere, **kwargs)


@pytest.fixture(scope="module")
def three_classes():
    X, y = make_classification(n_samples=200, n_features=6, n_informative=4, n_classes=3,
                               random_state=0)  # fmt: skip
    return jc.datasets.split(X.astype(np.float32), y)


@pytest.mark.slow
def test_builder_estimator_and_compare_take_it(three_classes):
    with pytest.raises(TypeError, match="unknown option 'sigma'"):
        jc.algorithms.make("es", sphere, start, sigma=0.1)
    with pytest.raises(ValueError, match="does not apply to algorithm 'es'"):
        jc.algorithms.make("es", sphere, start, n_candidates=3)
    X_train, X_test, y_train, y_test = three_classes
    es = {"pop_size": 8, "learning_rate": 0.05}
    clf = jc.ClimbingClassifier(hidden_layer_sizes=(4,), algorithm="es", objective="log_loss",
                                init="glorot", population_size=2, max_steps=60, random_state=0,
                                algorithm_params=es)  # fmt: skip
    assert clf.fit(X_train, y_train).score(X_test, y_test) > 0.6
    assert clf.result_.n_evaluations[0] == 1 + 60 * 9
    cmp = jc.compare([{"algorithm": "es", "population": 2, "pop_size": 8}],
                     (X_train, X_test, y_train, y_test), budget=2 * 9 * 10, metric="log_loss",
                     hidden=(3,), progress=False)  # fmt: skip
    (entry,) = cmp.entries
    assert entry.result.steps_run == 10 and entry.evals_per_step == 9

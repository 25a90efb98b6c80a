"""SNES against its published update rule (Wierstra et al. 2014, algorithm 6): one step on
a tiny problem computed by hand in NumPy from the same draws, the paper's defaults, and the
front ends (make, estimator, CLI, compare) taking it like any registered algorithm."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms import make, snes, snes_population, snes_utilities
from jaxclimb.prng import normal


def quadratic(params):
    return -jnp.sum((params["w"] - jnp.array([1.0, -2.0, 0.5])) ** 2)


def _paper_step(mean, sigma, z, fitness, eta_mu, eta_sigma):
    """The published rule in plain NumPy: sort by fitness (best first), utilities
    u_k = max(0, ln(n/2 + 1) - ln k) / sum_j max(...) - 1/n, then the natural gradient."""
    n = len(fitness)
    raw = np.maximum(0, np.log(n / 2 + 1) - np.log(np.arange(1, n + 1)))
    u_sorted = raw / raw.sum() - 1 / n
    u = np.empty(n)
    u[np.argsort(-fitness)] = u_sorted
    grad_mu, grad_sigma = u @ z, u @ (z**2 - 1)
    return mean + eta_mu * sigma * grad_mu, sigma * np.exp(eta_sigma / 2 * grad_sigma)


def test_one_step_is_the_published_update():
    algo = snes(quadratic, pop_size=6, step_size=0.7)
    start = {"w": jnp.array([0.2, 0.1, -0.3])}
    state = algo.init(jax.random.key(0), start)
    key = jax.random.key(5)
    new, info = algo.step(key, state)
    z = np.asarray(normal(key, (6, 3), jnp.float32), np.float64)
    mean, sigma = np.array([0.2, 0.1, -0.3]), np.full(3, 0.7)
    points = mean + sigma * z
    fitness = -np.sum((points - [1.0, -2.0, 0.5]) ** 2, axis=1)
    eta_sigma = (3 + math.log(3)) / (5 * math.sqrt(3))
    want_mean, want_sigma = _paper_step(mean, sigma, z, fitness, 1.0, eta_sigma)
    np.testing.assert_allclose(new.params["w"], want_mean, rtol=1e-5)
    np.testing.assert_allclose(new.sigma, want_sigma, rtol=1e-5)
    assert float(new.score) == pytest.approx(float(quadratic({"w": jnp.asarray(want_mean)})),
                                             rel=1e-5)  # fmt: skip
    assert float(new.best_score) == pytest.approx(max(fitness.max(), float(new.score)), rel=1e-5)
    assert int(info.n_evaluations) == 7 and bool(info.accepted)


def test_utilities_sum_to_zero_share_ties_and_rank_nan_last():
    u = np.asarray(snes_utilities(jnp.array([0.0, 5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0])))
    assert u.sum() == pytest.approx(0, abs=1e-6) and np.all(np.diff(u[[0, 2, 4, 3, 5, 1]]) >= 0)
    assert u[7] > u[6] > u[1] > u[5]
    np.testing.assert_allclose(u[[0, 2, 3, 4]], -1 / 8)  # the worse half: the same -1/n
    flat = np.asarray(snes_utilities(jnp.ones(6)))
    np.testing.assert_allclose(flat, 0, atol=1e-7)  # a plateau moves nothing
    odd = np.asarray(snes_utilities(jnp.array([1.0, jnp.nan, 2.0, jnp.inf])))
    assert odd[1] == odd[3] == odd.min() and odd[2] == odd.max()


def test_a_plateau_leaves_the_distribution_where_it_is():
    algo = snes(lambda p: jnp.float32(1.0), pop_size=8, step_size=0.3)
    state = algo.init(jax.random.key(0), {"w": jnp.zeros(5)})
    new, _ = algo.step(jax.random.key(1), state)
    np.testing.assert_allclose(new.params["w"], 0, atol=1e-7)
    np.testing.assert_allclose(new.sigma, 0.3, rtol=1e-6)


def test_make_fills_the_papers_population_and_checks_settings():
    assert snes_population(3) == 7 and snes_population(2410) == 27
    built = make("snes", quadratic, lambda key: {"w": jnp.zeros((10, 10))})
    assert built.traits.evaluations_per_step == 4 + math.floor(3 * math.log(100)) + 1
    with pytest.raises(TypeError, match="pop_size"):
        snes(quadratic)
    with pytest.raises(ValueError, match="sigma_learning_rate"):
        snes(quadratic, pop_size=4, sigma_learning_rate=-1.0)
    with pytest.raises(ValueError, match="does not apply to algorithm 'snes'"):
        make("snes", quadratic, lambda key: {"w": jnp.zeros(3)}, optimizer="adam")


def test_snes_solves_a_separable_problem_with_badly_scaled_axes():
    scales = jnp.array([1.0, 10.0, 100.0, 0.1])

    def ellipsoid(params):
        return -jnp.sum((scales * (params["w"] - 1.0)) ** 2)

    algo = make("snes", ellipsoid, lambda key: {"w": jnp.zeros(4)}, step_size=1.0)
    r = jc.run(0, algo, lambda key: {"w": jnp.zeros(4)}, population=2, steps=300,
               progress=False)  # fmt: skip
    assert np.all(r.best_score > -1e-3)


@pytest.mark.slow  # over 10 s: run by .ci/run after README's command
def test_front_ends_take_snes(capsys):
    from jaxclimb.cli import main

    X = np.random.default_rng(0).normal(size=(60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = jc.ClimbingClassifier(hidden_layer_sizes=(3,), algorithm="snes", budget=3000,
                                random_state=0).fit(X, y)  # fmt: skip
    assert clf.score(X, y) > 0.9
    argv = ["run", "--algorithm", "snes", "--budget", "2000", "--quiet"]
    assert main(argv) == 0 and "snes" in capsys.readouterr().out
    data = (X[:40], X[40:], y[:40], y[40:])
    cmp = jc.compare([{"algorithm": "snes", "population": 10}], data, budget=10_000,
                     metric="log_loss", progress=False)  # fmt: skip
    assert "snes" in str(cmp)

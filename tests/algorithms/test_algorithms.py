"""Every registered algorithm through the same checks (in the manner of evosax's tests)."""

import math

import chex
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.algorithms import REGISTRY, temperature_schedule


def sphere(params):
    return -jnp.sum((params["w"] - 1.0) ** 2)


def start(key):
    return {"w": jnp.zeros(4)}


# Node perturbation searches objectives of the built-in MLP only (not this sphere):
# tests/algorithms/test_nodes.py puts it through the same checks on an MLP's objective.
MLP_ONLY = ("node-perturbation",)
VARIANTS = {name: {} for name in REGISTRY if name not in MLP_ONLY} | {
    "hill-climb/lambda3": {"n_candidates": 3},
    "hill-climb/adaptive": {"adaptive": True},
    "annealing/arithmetic": {"schedule": "arithmetic", "init_temp": 0.5},
    "hill-climb/neighbour-clip": {"mutation": "neighbour", "clip_max": 2.0},
    "gradient/adam": {"optimizer": "adam"},
    "genetic/truncation-one-point": {"selection": "truncation", "crossover": "one-point"},
    "genetic/proportional": {"selection": "proportional", "n_elites": 2},
    "es/sgd-decay": {"optimizer": "sgd", "learning_rate": 0.5, "sigma_decay": 0.99,
                     "sigma_min": 0.02},
    "snes/rates": {"learning_rate": 0.5, "sigma_learning_rate": 0.2},
}  # fmt: skip


# The registry's defaults run in README's test command; the variants with options, in the
# slow run (.ci/run).
CASES = [v if "/" not in v else pytest.param(v, marks=pytest.mark.slow) for v in VARIANTS]


def random_start(key):
    return {"w": jax.random.normal(key, (4,))}


def expected_evaluations(variant, steps):
    kwargs = VARIANTS[variant]
    if variant.startswith("genetic"):
        pop = kwargs.get("pop_size", 16)
        return pop + steps * (pop - kwargs.get("n_elites", 1))
    if variant.startswith(("es", "snes")):
        return 1 + steps * (kwargs.get("pop_size", 8) + 1)  # the perturbations and the mean
    return 1 + steps * kwargs.get("n_candidates", 1)


def build(variant, score_fn=sphere):
    name = variant.split("/")[0]
    kwargs = dict(VARIANTS[variant])
    if name == "genetic":
        kwargs = {"init_params": random_start, "pop_size": 16, **kwargs}
    if name in ("es", "snes"):
        kwargs = {"pop_size": 8, **kwargs}
    return REGISTRY[name](score_fn, step_size=0.1, **kwargs)


@pytest.mark.parametrize("variant", CASES)
def test_step_under_jit_keeps_shapes_and_dtypes(variant):
    algo = build(variant)
    state = jax.jit(algo.init)(jax.random.key(0), start(None))
    step = jax.jit(algo.step)
    for t in range(3):
        new_state, info = step(jax.random.key(t), state)
        chex.assert_trees_all_equal_shapes_and_dtypes(new_state, state)
        assert info.score.shape == () and info.accepted.dtype == jnp.bool_
        state = new_state


@pytest.mark.parametrize("variant", CASES)
def test_same_seed_same_result_and_improves(variant):
    algo = build(variant)
    a = jc.run(5, algo, start, population=4, steps=150, progress=False)
    b = jc.run(5, algo, start, population=4, steps=150, progress=False)
    chex.assert_trees_all_equal(a.best_params, b.best_params)
    assert np.all(a.best_score > a.history[:, 0])  # better than the start (-4)
    np.testing.assert_allclose(jax.vmap(sphere)(a.best_params), a.best_score, rtol=1e-6)


@pytest.mark.parametrize("variant", CASES)
def test_never_accepts_nan_and_counts_evaluations(variant):
    def spiky(params):  # NaN wherever the first weight passes 0.2
        return jnp.where(params["w"][0] > 0.2, jnp.nan, sphere(params))

    algo = build(variant, spiky)
    r = jc.run(1, algo, start, population=8, steps=100, progress=False)
    assert np.all(np.isfinite(r.best_score)) and np.all(np.isfinite(r.final_score))
    assert np.all(r.best_params["w"][:, 0] <= 0.2)
    assert r.n_nonfinite.sum() > 0
    np.testing.assert_array_equal(r.n_evaluations, expected_evaluations(variant, 100))


def test_annealing_returns_the_best_visited_weights():
    hot = jc.simulated_annealing(sphere, step_size=0.3, init_temp=50.0, decay=0.999)
    r = jc.run(0, hot, start, population=16, steps=200, progress=False)
    assert np.any(r.final_score < r.best_score)  # it wandered off its best point...
    np.testing.assert_allclose(jax.vmap(sphere)(r.best_params), r.best_score, rtol=1e-6)
    assert np.all(np.diff(r.history, axis=1) >= 0)  # ...and the best is what it reports


def test_schedules():
    geo = temperature_schedule("geometric", init_temp=2.0, decay=0.5, min_temp=0.1)
    np.testing.assert_allclose([geo(t) for t in range(6)], [2, 1, 0.5, 0.25, 0.125, 0.1])
    ari = temperature_schedule("arithmetic", init_temp=1.0, decay=0.25, min_temp=0.1)
    np.testing.assert_allclose([ari(t) for t in range(5)], [1, 0.75, 0.5, 0.25, 0.1])
    exp = temperature_schedule("exponential", init_temp=1.0, decay=1.0)
    assert float(exp(2)) == pytest.approx(math.exp(-2))
    custom = jc.simulated_annealing(sphere, schedule=lambda t: 1.0 / (1.0 + t))
    jc.run(0, custom, start, population=2, steps=10, progress=False)
    with pytest.raises(ValueError, match="schedule"):
        temperature_schedule("cosine")
    with pytest.raises(ValueError, match="decay"):
        temperature_schedule("geometric", decay=1.5)
    with pytest.raises(ValueError, match="min_temp"):
        temperature_schedule("geometric", init_temp=0.01, min_temp=0.1)


def test_one_fifth_rule_grows_on_success_and_shrinks_on_failure():
    algo = jc.hill_climb(sphere, step_size=0.1, adaptive=True)
    state = algo.init(jax.random.key(0), start(None))
    new, info = algo.step(jax.random.key(1), state)
    expected = 0.1 * (math.exp(1 / 3) if info.candidate_score > state.score else math.exp(-1 / 12))
    assert float(new.step_size) == pytest.approx(expected, rel=1e-6)
    stuck = jc.hill_climb(lambda p: jnp.float32(0), step_size=0.1, adaptive=True)
    s = stuck.init(jax.random.key(0), start(None))
    for t in range(12):
        s, _ = stuck.step(jax.random.key(t), s)
    assert float(s.step_size) == pytest.approx(0.1 * math.exp(-1), rel=1e-5)


@pytest.mark.slow
def test_lambda_candidates_beat_single_candidates_per_step():
    one = jc.run(
        0, jc.hill_climb(sphere, step_size=0.1), start, population=32, steps=30, progress=False
    )
    many = jc.run(
        0,
        jc.hill_climb(sphere, step_size=0.1, n_candidates=8),
        start,
        population=32,
        steps=30,
        progress=False,
    )
    assert np.median(many.best_score) > np.median(one.best_score)


@pytest.mark.slow
def test_cli_runs_every_registered_algorithm(capsys):
    from jaxclimb.cli import main

    for name in REGISTRY:
        extra = {
            "genetic": ["--pop-size", "8"],
            "es": ["--pop-size", "4"],
            "snes": ["--pop-size", "6"],
            "node-perturbation": ["--pop-size", "4"],
        }  # gradient picks log-loss by itself
        extra = extra.get(name, [])
        argv = ["run", "--algorithm", name, "--population", "4", "--steps", "10", "--quiet"]
        assert main(argv + extra) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"jaxclimb {jc.__version__}: {name}") and "train accuracy" in out


@pytest.mark.slow
def test_restart_on_stagnation_keeps_the_best_monotone():
    def init(key):
        return {"w": jax.random.uniform(key, (4,), minval=-3, maxval=3)}

    base = jc.hill_climb(sphere, step_size=0.05, accept="gt")
    algo = jc.with_restarts(base, init, patience=5)
    r = jc.run(0, algo, init, population=16, steps=300, progress=False)
    assert np.all(np.diff(r.history, axis=1) >= 0)
    np.testing.assert_allclose(jax.vmap(sphere)(r.best_params), r.best_score, rtol=1e-6)
    state = jax.jit(algo.init)(jax.random.key(0), init(jax.random.key(1)))
    step = jax.jit(algo.step)
    restarted = False
    for t in range(200):
        new, _ = step(jax.random.key(t), state)
        assert float(new.best_score) >= float(state.best_score)
        if int(new.restarts) > int(state.restarts):
            restarted = True
            assert not np.isfinite(float(new.score))  # fresh weights, not yet evaluated
            assert int(new.stale) == 0
        state = new
    assert restarted


def test_mlrose_style_rounds_finish_and_stop_the_run():
    base = jc.hill_climb(sphere, step_size=0.1)
    algo = jc.with_restarts(base, start, round_steps=20, max_restarts=2)
    r = jc.run(0, algo, start, population=4, steps=1000, progress=False, chunk_steps=10)
    np.testing.assert_array_equal(r.n_steps, 60)  # 3 rounds of 20 steps, then finished
    assert r.stopped_early and r.steps_run == 60
    np.testing.assert_array_equal(r.n_evaluations, 61)


def test_clip_max_bounds_every_weight():
    algo = jc.hill_climb(sphere, step_size=1.0, clip_max=0.5, mutation="neighbour")
    r = jc.run(0, algo, start, population=8, steps=100, progress=False)
    assert np.all(np.abs(r.best_params["w"]) <= 0.5)
    assert np.all(r.best_params["w"] == 0.5) or r.best_score.max() > -4


def test_gradient_refuses_non_differentiable_setups(problem_a):
    X, _, y, _ = problem_a
    with pytest.raises(ValueError, match="accuracy"):
        jc.gradient_descent(jc.make_score_fn(jc.MLP((5, 3, 1)), X, y, metric="accuracy"))
    step_hidden = jc.MLP((5, 3, 1), activation="step", output="sigmoid")
    with pytest.raises(ValueError, match="step transfer"):
        jc.gradient_descent(jc.make_score_fn(step_hidden, X, y, metric="log_loss"))


@pytest.mark.slow
def test_gradient_baseline_trains_the_mlp(problem_a):
    X, X_test, y, y_test = problem_a
    net = jc.MLP((5, 10, 1), init="glorot")
    score = jc.make_score_fn(net, X, y, metric="log_loss")
    algo = jc.gradient_descent(score, step_size=0.05, optimizer="adam")
    r = jc.run(0, algo, net.init, population=4, steps=300, score_fn=score, progress=False)
    assert np.all(r.best_metric < 0.45)  # log-loss of an untrained net is about 0.69
    assert np.median(r.evaluate(X_test, y_test, metric="accuracy")) > 0.8


@pytest.mark.slow
def test_genetic_keeps_elites_without_reevaluating_them():
    calls = []

    def counting(params):
        jax.debug.callback(lambda w: calls.append(np.size(w)), params["w"][0])
        return sphere(params)

    algo = jc.genetic(counting, init_params=random_start, pop_size=10, n_elites=3)
    state = algo.init(jax.random.key(0), random_start(jax.random.key(1)))
    calls.clear()
    new, info = algo.step(jax.random.key(2), state)
    assert sum(calls) == 7 and int(info.n_evaluations) == 7
    top = np.argsort(-np.asarray(state.fitness))[:3]
    np.testing.assert_array_equal(new.genomes[:3], state.genomes[top])
    np.testing.assert_array_equal(new.fitness[:3], state.fitness[top])


def test_proportional_selection_favours_the_fittest_for_every_direction():
    """mlrose's selection favoured the worst individuals when minimising; ours must not."""
    from jaxclimb.algorithms.genetic import _select

    for fitness in (jnp.array([0.1, 0.2, 0.9, 0.3]), jnp.array([-9.0, -8.0, -0.1, -7.0])):
        picks = _select(
            jax.random.key(0), fitness, 4000, selection="proportional", tournament_size=3, n_top=2
        )
        counts = np.bincount(np.asarray(picks), minlength=4)
        assert counts.argmax() == 2 and counts[0] == 0  # the worst is never picked


@pytest.mark.slow
def test_several_independent_ga_runs_at_once():
    algo = jc.genetic(sphere, init_params=random_start, pop_size=8)
    r = jc.run(0, algo, random_start, population=5, steps=30, progress=False)
    assert r.best_score.shape == (5,) and len(set(r.best_score.tolist())) > 1


@pytest.mark.slow
@pytest.mark.parametrize("crossover", ["uniform", "none"])
def test_genetic_mutates_each_gene_with_mutation_prob(crossover):
    """One step from parents of all +1 or all -1: each gene moves with probability
    mutation_prob, and a uniform-crossover child of two unlike parents is half of each."""
    genes, pop = 1000, 8
    algo = jc.genetic(sphere, pop_size=pop, n_elites=0,
                      mutation_prob=0.3, crossover=crossover, selection="truncation",
                      truncation=1.0)  # fmt: skip
    state = algo.init(jax.random.key(0), {"w": jnp.ones(genes)})
    signs = jnp.where(jnp.arange(pop) % 2 == 0, 1.0, -1.0)[:, None]
    state = state._replace(genomes=signs * jnp.ones((pop, genes)))
    new, _ = algo.step(jax.random.key(3), state)
    children = np.asarray(new.genomes)
    moved = ~np.isin(children, [1.0, -1.0])
    assert abs(moved.mean() - 0.3) < 0.03
    from_plus = (np.abs(children - 1.0) < np.abs(children + 1.0)).mean(axis=1)
    mixed = from_plus[(from_plus > 0.02) & (from_plus < 0.98)]
    if crossover == "uniform":
        assert mixed.size >= 2 and np.all(np.abs(mixed - 0.5) < 0.06)
    else:
        assert mixed.size == 0

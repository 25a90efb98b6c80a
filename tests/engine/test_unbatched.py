"""A population of one climber runs unbatched (no vmap over one; issue 35): its trajectory
is the same climber's inside a larger, vmapped population."""

import jax
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.engine.layout import plan_layout, population_map


def test_a_population_of_one_is_not_vmapped():
    layout = plan_layout(1, None, None)
    seen = []

    def fn(shared, x):
        seen.append(x.shape)
        return x + shared

    out = jax.jit(population_map(fn, layout))(1.0, np.zeros((1, 3), np.float32))
    assert seen == [(3,)] and out.shape == (1, 3)
    seen.clear()
    jax.jit(population_map(fn, plan_layout(2, None, None)))(1.0, np.zeros((2, 3), np.float32))
    assert seen == [(3,)]  # vmapped: traced once, on one climber's shape


def _rollout():
    net = jc.MLP((4, 6, 1), activation="tanh", output="tanh", init="glorot")
    env = jc.CartPole()
    return net, jc.rollout_objective(env.step, env.reset, net, episodes=2, max_steps=30)


@pytest.mark.slow  # two compilations of a rollout search: ~30 s on 2 loaded cores
def test_es_run_of_one_equals_the_same_run_inside_a_population():
    # Different compiled computations (unbatched and vmapped): equal within float32 rounding.
    net, f = _rollout()
    algo = jc.evolution_strategy(f, pop_size=8, step_size=0.1)
    kw = dict(steps=6, score_fn=f, progress=False)
    one = jc.run(3, algo, net.init, population=1, **kw)
    three = jc.run(3, algo, net.init, population=3, **kw)
    np.testing.assert_allclose(one.history[0], three.history[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(one.best_score[0], three.best_score[0], rtol=1e-5, atol=1e-5)
    pairs = zip(jax.tree.leaves(one.best_params), jax.tree.leaves(three.best_params), strict=True)
    for a, b in pairs:
        np.testing.assert_allclose(a[0], b[0], rtol=1e-4, atol=1e-5)


@pytest.mark.slow  # two compilations: ~11 s on 2 loaded cores
def test_hill_climb_of_one_equals_the_same_climber_inside_a_population():
    X = np.random.default_rng(0).normal(size=(60, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    net = jc.MLP((3, 4, 1), activation="tanh")
    score = jc.make_score_fn(net, X, y, metric="log_loss")
    kw = dict(steps=20, score_fn=score, progress=False)
    one = jc.run(5, jc.hill_climb(score, step_size=0.3), net.init, population=1, **kw)
    four = jc.run(5, jc.hill_climb(score, step_size=0.3), net.init, population=4, **kw)
    # different compiled computations: a stated tolerance (they agreed bit for bit here)
    np.testing.assert_allclose(one.history[0], four.history[0], rtol=1e-6, atol=1e-7)

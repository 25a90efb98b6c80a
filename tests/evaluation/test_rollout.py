"""Control tasks as objectives: the rollout adapter's returns against a hand-rolled loop,
episodes ending at the first done, gymnax's environments taken as they are, bad input."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import jax
import jax.numpy as jnp
import pytest

import jaxclimb as jc

NET = jc.MLP((4, 8, 1), activation="tanh", output="tanh", init="glorot")


def _by_hand(env, params, key, episodes, max_steps, discount=1.0):
    """The same episodes flown in a Python loop."""
    total = 0.0
    for k in jax.random.split(key, episodes):
        k_reset, k_steps = jax.random.split(k)
        obs, state = env.reset(k_reset)
        ret, weight = 0.0, 1.0
        for k_step in jax.random.split(k_steps, max_steps):
            obs, state, reward, done, _ = env.step(k_step, state, NET(params, obs))
            ret += weight * float(reward)
            weight *= discount
            if bool(done):
                break
        total += ret
    return total / episodes


@pytest.mark.slow  # over 10 s: run by .ci/run after README's command
def test_the_mean_return_is_that_of_a_plain_loop():
    env = jc.CartPole()
    params = NET.init(jax.random.key(3))
    for discount in (1.0, 0.9):
        objective = jc.rollout_objective(env.step, env.reset, NET, episodes=3, max_steps=40,
                                         discount=discount)  # fmt: skip
        want = _by_hand(env, params, jax.random.key(7), 3, 40, discount)
        assert float(objective(params, jax.random.key(7))) == pytest.approx(want, rel=1e-5)
    short = jc.rollout_objective(env.step, env.reset, lambda p, o: jnp.float32(1.0),
                                 episodes=2, max_steps=200)  # fmt: skip
    assert 0 < float(short(params, jax.random.key(0))) < 200  # full push: it falls early


@pytest.mark.slow  # 6-21 s: run by .ci/run after README's command
def test_a_search_improves_the_return_and_equal_rollouts_compare_equal():
    env = jc.CartPole()
    make = lambda: jc.rollout_objective(env.step, env.reset, NET, episodes=4, max_steps=100)  # noqa: E731
    objective = make()
    assert objective == make() and hash(objective) == hash(make())
    r = jc.run(0, jc.hill_climb(objective, step_size=0.2), NET.init, population=4, steps=30,
               score_fn=objective, progress=False)  # fmt: skip
    assert r.best_score.max() > r.history[:, 0].max()


def test_bad_input_is_named():
    env = jc.CartPole()
    with pytest.raises(TypeError, match="policy"):
        jc.rollout_objective(env.step, env.reset, None)
    with pytest.raises(ValueError, match="episodes"):
        jc.rollout_objective(env.step, env.reset, NET, episodes=0)
    with pytest.raises(ValueError, match="discount"):
        jc.rollout_objective(env.step, env.reset, NET, discount=1.5)
    bad = jc.rollout_objective(lambda k, s, a: (s, s), env.reset, NET, max_steps=3)
    with pytest.raises(TypeError, match="env_step must return"):
        bad(NET.init(jax.random.key(0)), jax.random.key(0))


@pytest.mark.skipif(importlib.util.find_spec("gymnax") is None, reason="needs gymnax")
def test_a_gymnax_environment_as_it_is():
    import gymnax

    env, _ = gymnax.make("CartPole-v1")
    push = lambda p, o: (NET(p, o)[0] > 0).astype(jnp.int32)  # noqa: E731
    objective = jc.rollout_objective(env.step, env.reset, push, episodes=2, max_steps=60)
    value = float(objective(NET.init(jax.random.key(0)), jax.random.key(1)))
    assert 1 <= value <= 60 and value == int(value)


@pytest.mark.slow  # 6-21 s: run by .ci/run after README's command
@pytest.mark.skipif(importlib.util.find_spec("gymnax") is None, reason="needs gymnax")
def test_the_gymnax_example_runs():
    root = pathlib.Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, str(root / "examples" / "gymnax_cartpole.py")],
                         env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    numbers = [float(w.strip(",()")) for w in out.stdout.split() if w[0].isdigit()]
    assert "CartPole-v1" in out.stdout and numbers[1] > numbers[0]

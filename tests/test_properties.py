"""Property-based tests over random small problems and settings (hypothesis)."""

import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jaxclimb as jc

pytestmark = pytest.mark.slow  # property tests: run by .ci/run after README's command

SETTINGS = settings(
    max_examples=3, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def problems(draw):
    n = draw(st.integers(4, 30))
    d = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 3), max_size=2))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (X @ rng.normal(size=d) > 0).astype(int)
    if len(set(y)) < 2:
        y[0] = 1 - y[0]
    algorithm = draw(st.sampled_from(["hill-climb", "annealing", "lambda", "restarts"]))
    return {
        "X": X,
        "y": y,
        "net": jc.MLP((d, *hidden, 1), activation=draw(st.sampled_from(["tanh", "relu"]))),
        "metric": draw(st.sampled_from(["accuracy", "log_loss"])),
        "algorithm": algorithm,
        "step_size": draw(st.floats(0.01, 1.0)),
        "population": draw(st.integers(1, 6)),
        "steps": draw(st.integers(1, 30)),
        "record_every": draw(st.integers(1, 7)),
        "seed": seed,
    }


def build(p):
    score = jc.make_score_fn(p["net"], p["X"], p["y"], metric=p["metric"])
    if p["algorithm"] == "annealing":
        return score, jc.simulated_annealing(score, step_size=p["step_size"], init_temp=0.1)
    if p["algorithm"] == "lambda":
        return score, jc.hill_climb(score, step_size=p["step_size"], n_candidates=3)
    climb = jc.hill_climb(score, step_size=p["step_size"])
    if p["algorithm"] == "restarts":
        return score, jc.with_restarts(climb, p["net"].init, patience=3)
    return score, climb


def go(p, population=None, seed=None):
    score, algo = build(p)
    return jc.run(
        p["seed"] if seed is None else seed,
        algo,
        p["net"].init,
        population=population or p["population"],
        steps=p["steps"],
        record_every=p["record_every"],
        score_fn=score,
        progress=False,
    )


@SETTINGS
@given(problems())
def test_best_is_monotone_and_agrees_with_history(p):
    r = go(p)
    assert np.all(np.diff(r.history, axis=1) >= 0)
    np.testing.assert_array_equal(r.history[:, -1], r.best_score)
    assert r.history_steps[-1] == p["steps"] and r.history_steps[0] == 0
    assert np.all(np.isfinite(r.best_score))  # a finite objective: never a non-finite best
    score, _ = build(p)
    np.testing.assert_allclose(jax.vmap(score)(r.best_params), r.best_score, rtol=1e-5, atol=1e-6)


@settings(SETTINGS, max_examples=3)
@given(problems())
def test_same_seed_same_result_and_climbers_independent_of_population(p):
    a, b = go(p), go(p)
    np.testing.assert_array_equal(a.best_score, b.best_score)
    np.testing.assert_array_equal(a.history, b.history)
    bigger = go(p, population=p["population"] + 3)
    np.testing.assert_array_equal(bigger.history[: p["population"]], a.history)


@SETTINGS
@given(problems(), st.floats(-0.5, 0.5))
def test_nan_objectives_never_produce_an_accepted_non_finite_state(p, cut):
    def forward(params, X):
        out = p["net"](params, X)
        return jnp.where(params[0]["b"][0] > cut, jnp.nan, out)

    score = jc.make_score_fn(forward, p["X"], p["y"], output_kind="probability")
    r = jc.run(
        p["seed"],
        jc.hill_climb(score, step_size=p["step_size"]),
        p["net"].init,
        population=p["population"],
        steps=p["steps"],
        progress=False,
    )
    started_finite = np.isfinite(r.history[:, 0])
    assert np.all(np.isfinite(r.best_score[started_finite]))
    assert np.all(r.best_params[0]["b"][started_finite, 0] <= cut)


FLOAT64 = """
import jax, jax.numpy as jnp, numpy as np, jaxclimb as jc
assert jax.config.jax_enable_x64
X, _, y, _ = jc.datasets.problem_a()
net = jc.MLP((5, 3, 1), init="glorot")
score = jc.make_score_fn(net, X, y, dtype=jnp.float64)
r = jc.run(0, jc.hill_climb(score, step_size=0.3), lambda k: net.init(k, jnp.float64), population=4,
           steps=50, score_fn=score, progress=False)
assert r.best_params[0]["w"].dtype == np.float64, r.best_params[0]["w"].dtype
assert r.best_score.max() > 0.6
print("ok")
"""


def test_float64_works_with_x64_enabled():
    env = {**os.environ, "JAX_ENABLE_X64": "1"}
    out = subprocess.run([sys.executable, "-c", FLOAT64], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"

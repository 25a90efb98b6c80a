"""Racing restarts (successive halving): who survives each round, what survivors do, what
it costs, and that the ranking across the whole population does not depend on devices."""

import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxclimb as jc
from jaxclimb.engine import program, racing_counts, racing_evaluations, racing_steps
from jaxclimb.engine.racing import survivors

STEPS, ROUND = 70, 8  # rounds end after 8, 16, 32 and 64 steps


def _setup(problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 4, 1), activation="tanh", init="glorot")
    score = jc.make_score_fn(net, X, y, metric="log_loss")
    kw = {"population": 13, "steps": STEPS, "score_fn": score, "progress": False,
          "chunk_steps": 10}  # fmt: skip
    return jc.hill_climb(score, step_size=0.2), net.init, kw


@pytest.fixture(scope="module")
def pair(problem_a):
    """The same 13 climbers with racing and without, in the racing run's blocks (a float
    loss rounds its mean over rows differently in another layout)."""
    algo, init, kw = _setup(problem_a)
    raced = jc.run(4, algo, init, racing=ROUND, **kw)
    traces = program.trace_counts()
    plain = jc.run(4, algo, init, block_size=raced.config["block"], **kw)
    return plain, raced, traces


@pytest.mark.slow
def test_an_interrupted_race_resumes_identically(problem_a, pair, tmp_path):
    algo, init, kw = _setup(problem_a)

    def stop_at_30(steps_run, best):
        if steps_run == 30:  # inside the third round, after two cuts
            raise KeyboardInterrupt

    path = str(tmp_path / "race.npz")
    part = jc.run(4, algo, init, racing=ROUND, checkpoint=path, callback=stop_at_30, **kw)
    assert part.interrupted and part.steps_run == 30
    done = jc.resume(path, algo, init, score_fn=kw["score_fn"], progress=False)
    np.testing.assert_array_equal(done.history, pair[1].history)
    np.testing.assert_array_equal(done.n_steps, pair[1].n_steps)


def test_survivors_by_score_then_index():
    running = jnp.array([True, True, True, True, True, False, True])
    score = jnp.array([2.0, 1.0, 2.0, jnp.nan, 1.5, 9.0, -0.0])
    np.testing.assert_array_equal(survivors(running, score), [1, 0, 1, 0, 1, 0, 0])
    np.testing.assert_array_equal(survivors(running, jnp.zeros(7)), [1, 1, 1, 0, 0, 0, 0])
    both = jnp.ones(2, bool)
    np.testing.assert_array_equal(survivors(both, jnp.array([-0.0, 0.0])), [1, 0])
    none = jnp.zeros(7, bool)
    np.testing.assert_array_equal(survivors(none, score), none)


def test_each_round_keeps_the_better_half_and_survivors_run_as_alone(pair):
    plain, raced, _ = pair
    counts = racing_counts(13, STEPS, ROUND)
    np.testing.assert_array_equal([np.sum(raced.n_steps > s) for s in range(STEPS)], counts)
    assert counts[[7, 8, 16, 32, 64]].tolist() == [13, 7, 4, 2, 1]
    expected = racing_evaluations(13, STEPS, ROUND)
    assert raced.n_evaluations.sum() == expected < plain.n_evaluations.sum()
    alive = np.ones(13, bool)
    for end in (8, 16, 32, 64):  # the unraced run's best scores decide each round
        ranked = sorted(np.flatnonzero(alive), key=lambda i: (-plain.history[i, end], i))
        alive[ranked[(alive.sum() + 1) // 2 :]] = False
        np.testing.assert_array_equal(raced.n_steps > end, alive)
    for i in range(13):  # every climber's trajectory is its own run's until it stops
        n = raced.n_steps[i]
        np.testing.assert_array_equal(raced.history[i, : n + 1], plain.history[i, : n + 1])
        assert np.all(raced.history[i, n:] == plain.history[i, n])
    (winner,) = np.flatnonzero(raced.n_steps == STEPS)
    np.testing.assert_array_equal(raced.best_params[0]["w"][winner],
                                  plain.best_params[0]["w"][winner])  # fmt: skip


def test_racing_is_data_not_program_and_walks_skippable_blocks(pair):
    plain, raced, traces = pair
    assert program.trace_counts() == traces and plain.compile_seconds == 0.0
    assert raced.config["racing"] == ROUND and raced.config["block"] == 2  # 13 / 8 blocks


def test_budget_helpers_agree():
    for population, steps, racing in [(13, 70, 8), (64, 1000, 50), (5, 3, 10), (1, 9, 1)]:
        evals = racing_evaluations(population, steps, racing, per_step=3, initial=2)
        assert racing_steps(evals, population, racing, per_step=3, initial=2) == steps
        more = racing_evaluations(population, steps + 1, racing, per_step=3, initial=2)
        assert more > evals
    assert racing_steps(1000, 10, None) == 99 and racing_evaluations(10, 99, None) == 1000


def test_bad_racing_is_refused(problem_a):
    algo = jc.hill_climb(lambda p: -jnp.sum(p["w"] ** 2))
    with pytest.raises(ValueError, match="racing must be >= 1"):
        jc.run(0, algo, lambda key: {"w": jnp.zeros(2)}, population=2, steps=3, racing=0)


@pytest.mark.slow
def test_compare_runs_racing_at_the_same_budget(problem_a):
    X, X_test, y, y_test = problem_a
    configs = [{"algorithm": "hill-climb", "population": 8, "racing": 5}]
    cmp = jc.compare(configs, (X[:200], X_test[:50], y[:200], y_test[:50]), budget=800,
                     hidden=(3,), progress=False)  # fmt: skip
    (raced,) = cmp.entries
    assert raced.name == "hill-climb racing 5" and raced.result.config["racing"] == 5
    steps = racing_steps(800, 8, 5, initial=0)
    assert raced.result.steps_run == steps > 100  # a plain run of 8 would get 100
    spent = raced.result.n_evaluations.sum() - 8
    assert spent == racing_evaluations(8, steps, 5, initial=0) <= 800


SCRIPT = r"""
import sys, jax, numpy as np, jaxclimb as jc
X, _, y, _ = jc.datasets.problem_a()
net = jc.MLP((5, 4, 1), activation="tanh", init="glorot")
score = jc.make_score_fn(net, X, y, metric="accuracy")
out = []
for name, options in (("hill-climb", {}), ("es", {"pop_size": 4})):
    algo = jc.algorithms.make(name, score, net.init, **options)
    r = jc.run(2, algo, net.init, population=11, steps=40, score_fn=score, progress=False,
               racing=4, devices=jax.devices()[: int(sys.argv[1])], block_size=2)
    assert r.config["n_devices"] == int(sys.argv[1])
    out += [r.n_steps, r.history.ravel()]
np.save(sys.argv[2], np.concatenate(out))
"""


@pytest.mark.slow
def test_racing_does_not_depend_on_the_device_count(tmp_path, cpu_subprocess_env):
    """11 climbers on 1 and 3 host devices (padded to 12, walked in blocks): the same
    climbers are raced out at the same steps, with bitwise the same histories."""
    env = cpu_subprocess_env(XLA_FLAGS="--xla_force_host_platform_device_count=3")
    outs = []
    for n in (1, 3):
        path = tmp_path / f"r{n}.npy"
        subprocess.run([sys.executable, "-c", SCRIPT, str(n), str(path)], check=True, env=env)
        outs.append(np.load(path))
    np.testing.assert_array_equal(outs[0], outs[1])


def test_cli_refuses_bad_racing(capsys):
    from jaxclimb.cli import main

    assert main(["compare", "--racing", "0", "--quiet"]) == 2
    assert main(["run", "--racing", "-1", "--quiet"]) == 2
    assert capsys.readouterr().err.count("--racing must be >= 1") == 2


@pytest.mark.slow
def test_cli_compare_races_each_configuration(capsys):
    from jaxclimb.cli import main

    argv = ["--algorithms", "hill-climb", "--step-sizes", "0.1", "--population", "4",
            "--steps", "30", "--quiet", "--racing", "5"]  # fmt: skip
    assert main(["compare", *argv]) == 0
    assert "hill-climb step 0.1 racing 5" in capsys.readouterr().out


def _rollout_return(params):
    """A cart on a line flown by a 2-4-1 policy for 15 steps: a ``lax.scan`` whose initial
    carry does not depend on the weights, and a ``while_loop`` that counts the steps."""
    policy = jc.MLP((2, 4, 1), activation="tanh")

    def tick(state, _):
        force = policy(params, state[None])[0, 0]
        velocity = state[1] + 0.1 * force
        position = state[0] + 0.1 * velocity
        return jnp.stack([position, velocity]), -(position**2)

    _, rewards = jax.lax.scan(tick, jnp.array([1.0, 0.0]), None, length=15)
    n = jax.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 0.5), (0, 1.0))[1]
    return jnp.sum(rewards) + n


def test_racing_with_an_objective_that_runs_its_own_scan():
    """Racing lays climbers out in blocks (shard_map): the objective's own scan, with a carry
    replicated in and varying out, must run there as it does under plain vmap."""
    init = jc.MLP((2, 4, 1), activation="tanh").init
    algo = jc.hill_climb(_rollout_return, step_size=0.2)
    kw = {"population": 6, "steps": 12, "progress": False}
    raced = jc.run(1, algo, init, racing=3, **kw)
    plain = jc.run(1, algo, init, block_size=raced.config["block"], **kw)
    assert raced.config["block"] is not None
    for i in range(6):
        n = raced.n_steps[i]
        np.testing.assert_array_equal(raced.history[i, : n + 1], plain.history[i, : n + 1])
    counts = racing_counts(6, 12, 3)
    np.testing.assert_array_equal([np.sum(raced.n_steps > s) for s in range(12)], counts)
    assert counts[-1] < 6 and np.isfinite(raced.best_score).all()

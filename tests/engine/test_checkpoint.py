import os
import signal
import subprocess
import sys

import chex
import numpy as np
import pytest

import jaxclimb as jc


@pytest.fixture(scope="module")
def problem(problem_a):
    X, _, y, _ = problem_a
    net = jc.MLP((5, 4, 1))
    score = jc.make_score_fn(net, X, y)
    return net, score, jc.hill_climb(score, step_size=0.1)


OPTS = dict(population=6, steps=300, chunk_steps=50, record_every=10, progress=False)


def _assert_same(a, b):
    chex.assert_trees_all_equal(a.best_params, b.best_params)
    for name in (
        "best_score",
        "final_score",
        "history",
        "history_steps",
        "n_accepted",
        "n_evaluations",
        "n_nonfinite",
        "n_steps",
    ):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.steps_run == b.steps_run


def _stop_at(step):
    def callback(steps_run, best):
        if steps_run >= step:
            raise KeyboardInterrupt

    return callback


def test_interrupt_and_resume_equals_an_uninterrupted_run(problem, tmp_path):
    net, score, algo = problem
    whole = jc.run(3, algo, net.init, score_fn=score, **OPTS)
    path = str(tmp_path / "ckpt.npz")
    part = jc.run(
        3, algo, net.init, score_fn=score, checkpoint=path, callback=_stop_at(100), **OPTS
    )
    assert part.interrupted and part.steps_run == 100 and os.path.isfile(path)
    assert part.config["checkpoint"] == path
    assert np.all(part.best_score <= whole.best_score)  # the best so far, not lost
    resumed = jc.resume(path, algo, net.init, score_fn=score, progress=False)
    assert not resumed.interrupted
    _assert_same(resumed, whole)
    assert [f for f in os.listdir(tmp_path) if "tmp" in f] == []  # atomic writes only


def test_ctrl_c_stops_at_the_next_chunk_boundary(problem, tmp_path):
    net, score, algo = problem

    def press_ctrl_c(steps_run, best):
        if steps_run == 150:
            os.kill(os.getpid(), signal.SIGINT)

    path = str(tmp_path / "c.npz")
    r = jc.run(1, algo, net.init, score_fn=score, checkpoint=path, callback=press_ctrl_c, **OPTS)
    assert r.interrupted and r.steps_run == 150
    whole = jc.run(1, algo, net.init, score_fn=score, **OPTS)
    _assert_same(jc.resume(path, algo, net.init, progress=False), whole)


def test_periodic_checkpoints_and_resuming_a_finished_run(problem, tmp_path):
    net, score, algo = problem
    path = str(tmp_path / "p.npz")
    seen = []
    r = jc.run(
        0,
        algo,
        net.init,
        score_fn=score,
        checkpoint=path,
        checkpoint_every=100,
        callback=lambda s, b: seen.append(os.path.getmtime(path) if os.path.exists(path) else None),
        **OPTS,
    )
    assert seen[0] is None and seen[-1] is not None  # written along the way
    again = jc.resume(path, algo, net.init, score_fn=score, progress=False)
    _assert_same(again, r)  # a finished run resumes to itself


def test_resume_with_another_algorithm_is_refused(problem, tmp_path):
    net, score, algo = problem
    path = str(tmp_path / "x.npz")
    jc.run(0, algo, net.init, checkpoint=path, callback=_stop_at(50), **OPTS)
    with pytest.raises(ValueError, match="does not fit"):
        jc.resume(path, jc.simulated_annealing(score), net.init)
    with pytest.raises(ValueError, match="does not exist"):
        jc.resume(str(tmp_path / "missing.npz"), algo, net.init)
    (tmp_path / "junk.npz").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="checkpoint"):
        jc.resume(str(tmp_path / "junk.npz"), algo, net.init)
    with pytest.raises(ValueError, match="folder"):
        jc.run(0, algo, net.init, checkpoint=str(tmp_path / "no" / "such.npz"), **OPTS)


RESUME_ON_TWO_DEVICES = """
import jax, sys
jax.config.update("jax_num_cpu_devices", 2)
import numpy as np, jaxclimb as jc
X, _, y, _ = jc.datasets.problem_a()
net = jc.MLP((5, 4, 1))
algo = jc.hill_climb(jc.make_score_fn(net, X, y), step_size=0.1)
r = jc.resume(sys.argv[1], algo, net.init, progress=False)
assert r.config["n_devices"] == 2
np.save(sys.argv[2], np.concatenate([r.best_score, r.history.ravel()]))
"""


@pytest.mark.slow
def test_resume_on_another_device_count(problem, tmp_path, cpu_subprocess_env):
    import jax

    net, _, algo = problem
    path = str(tmp_path / "d.npz")
    # 5 climbers: padded to 6 on two devices; host CPU devices here and in the subprocess
    opts = {**OPTS, "population": 5, "devices": jax.devices("cpu")[:1]}
    whole = jc.run(4, algo, net.init, **opts)
    jc.run(4, algo, net.init, checkpoint=path, callback=_stop_at(100), **opts)
    out = tmp_path / "out.npy"
    subprocess.run([sys.executable, "-c", RESUME_ON_TWO_DEVICES, path, str(out)], check=True,
                   env=cpu_subprocess_env())  # fmt: skip
    np.testing.assert_array_equal(
        np.load(out), np.concatenate([whole.best_score, whole.history.ravel()])
    )

"""Two processes on 127.0.0.1 (CPU backend, pinned: on one GPU they would fail in NCCL)
cooperate on one population."""

import socket
import subprocess
import sys

import numpy as np
import pytest

import jaxclimb as jc

WORKER = """
import sys
import jaxclimb as jc
pid, port, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
assert jc.distributed.initialize(f"127.0.0.1:{port}", 2, pid) == (pid, 2)
import jax, numpy as np
assert len(jax.devices()) == 2 and len(jax.local_devices()) == 1
X, _, y, _ = jc.datasets.problem_a()
net = jc.MLP((5, 4, 1))
score = jc.make_score_fn(net, X, y)
r = jc.run(11, jc.hill_climb(score), net.init, population=7, steps=60, chunk_steps=20,
           score_fn=score, progress=False)
assert r.config["n_devices"] == 2
leaves = np.concatenate([np.ravel(x) for x in jax.tree_util.tree_leaves(r.best_params)])
np.save(out, np.concatenate([r.best_score, r.history.ravel(), leaves, r.n_accepted]))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_processes_equal_one(tmp_path, problem_a, cpu_subprocess_env):
    import jax

    X, _, y, _ = problem_a
    net = jc.MLP((5, 4, 1))
    score = jc.make_score_fn(net, X, y)
    single = jc.run(11, jc.hill_climb(score), net.init, population=7, steps=60, chunk_steps=20,
                    score_fn=score, progress=False, devices=jax.devices("cpu")[:1])  # fmt: skip

    leaves = np.concatenate([np.ravel(x) for x in jax.tree_util.tree_leaves(single.best_params)])
    expected = np.concatenate([single.best_score, single.history.ravel(), leaves,
                               single.n_accepted])  # fmt: skip
    port = str(_free_port())
    env = cpu_subprocess_env()
    outs = [tmp_path / f"p{i}.npy" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(i), port, str(outs[i])],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for i in range(2)]  # fmt: skip
    logs = [p.communicate(timeout=240)[0] for p in procs]
    for p, log in zip(procs, logs, strict=True):
        assert p.returncode == 0, log[-3000:]
        assert "Gloo" not in log  # no third-party connection lines in a run's output
    for out in outs:  # every process holds the whole result, equal to one process's run
        np.testing.assert_array_equal(np.load(out), expected)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"coordinator_address": "localhost"}, "host:port"),
        ({"coordinator_address": "h:1", "num_processes": 0}, "num_processes"),
        ({"coordinator_address": "h:1", "num_processes": 2, "process_id": 2}, "process_id"),
    ],
)
def test_bad_distributed_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        jc.distributed.initialize(**kwargs)

"""A GPU gives a CPU's results under precision="float32", and the population runs on it.

The GPU tests run only where JAX sees a GPU (skipped elsewhere, with the reason); their CPU
reference runs in a subprocess with ``JAX_PLATFORMS=cpu``. Everywhere, a check that the
tests needing several host devices or processes pin the CPU platform, so the suite holds
on a GPU machine (README, "Running the tests on a GPU machine").
"""

import json
import os
import pathlib
import re
import subprocess
import sys

import jax
import numpy as np
import pytest

import jaxclimb as jc


def _gpu_count() -> int:
    try:
        return len(jax.devices("gpu"))
    except RuntimeError:  # no GPU backend in this jaxlib, or no GPU
        return 0


needs_gpu = pytest.mark.skipif(
    _gpu_count() == 0, reason=f"no GPU: JAX sees only {jax.default_backend()} devices"
)

WIDE_RUN = r"""
import json, sys, numpy as np, jaxclimb as jc
rng = np.random.default_rng(0)
X = rng.normal(size=(3000, 20)).astype(np.float32)
y = (X[:, :3].sum(axis=1) > 0).astype(int)
net = jc.MLP((20, 32, 32, 1), activation="tanh", init="glorot")
score = jc.make_score_fn(net, X, y, metric="log_loss")  # precision="float32", the default
r = jc.run(0, jc.hill_climb(score, step_size=0.05), net.init, population=64, steps=100,
           score_fn=score, progress=False)
json.dump({"best_score": r.best_score.tolist(), "best_index": int(r.best_index()),
           "platform": r.config["platform"]}, open(sys.argv[1], "w"))
"""


def _default_run(tmp_path: pathlib.Path, name: str, env: dict) -> tuple[list[str], object]:
    """``jaxclimb run`` with its defaults: the table's lines (without the timings) and the
    saved result."""
    out = tmp_path / f"{name}.npz"
    command = [sys.executable, "-m", "jaxclimb", "run", "--quiet", "--out", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    table = [line for line in done.stdout.splitlines()
             if line.startswith(("train", "test", "chosen"))]  # fmt: skip
    return table, jc.load_result(out)


def _env(**extra: str) -> dict:
    """A subprocess's environment: no inherited XLA_FLAGS, and GPU memory taken as needed
    (this process may hold a GPU client already)."""
    base = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    return {**base, "XLA_PYTHON_CLIENT_PREALLOCATE": "false", **extra}


@needs_gpu
@pytest.mark.slow
def test_default_run_on_the_gpu_prints_the_cpus_table(tmp_path):
    """The default run (problem A, accuracy): the same chosen climber, the same table."""
    gpu_table, gpu = _default_run(tmp_path, "gpu", _env())
    cpu_table, cpu = _default_run(tmp_path, "cpu", _env(JAX_PLATFORMS="cpu"))
    assert gpu.config["platform"] == "gpu" and cpu.config["platform"] == "cpu"
    assert gpu_table == cpu_table  # chosen climber, train and test quantiles
    assert gpu.best_index() == cpu.best_index()
    same = np.mean(gpu.best_metric == cpu.best_metric)
    assert same >= 0.99, f"only {same:.1%} of the climbers' accuracies agree"


@needs_gpu
@pytest.mark.slow
def test_float32_log_loss_search_on_the_gpu_equals_the_cpus_to_float32_rounding(tmp_path):
    """A network with matrix products (20-32-32-1) searching log-loss: under
    precision="float32" the GPU's climbers are the CPU's to float32 rounding (the GPU's own
    TF32 default changed them in the fifth digit)."""
    results = {}
    for name, env in (("gpu", _env()), ("cpu", _env(JAX_PLATFORMS="cpu"))):
        path = tmp_path / f"{name}.json"
        done = subprocess.run([sys.executable, "-c", WIDE_RUN, str(path)], env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        results[name] = json.loads(path.read_text())
    assert results["gpu"]["platform"] == "gpu" and results["cpu"]["platform"] == "cpu"
    assert results["gpu"]["best_index"] == results["cpu"]["best_index"]
    np.testing.assert_allclose(results["gpu"]["best_score"], results["cpu"]["best_score"],
                               rtol=2e-6)  # fmt: skip


@needs_gpu
def test_the_population_runs_on_the_gpu(problem_a):
    """By default the climbers and the data are placed on the GPU: the run's devices are
    GPUs, and so are the devices holding the program's arrays."""
    X, _, y, _ = problem_a
    net = jc.MLP((5, 10, 1))
    score = jc.make_score_fn(net, X, y)
    r = jc.run(0, jc.hill_climb(score), net.init, population=64, steps=20, score_fn=score,
               progress=False)  # fmt: skip
    assert r.config["platform"] == "gpu" and r.config["n_devices"] == min(_gpu_count(), 64)
    placed = jax.device_put(np.zeros(3), jax.devices()[0])
    assert placed.devices().pop().platform == "gpu"


SUBPROCESS_DEVICES = re.compile(r"jax_num_cpu_devices|xla_force_host_platform_device_count|"
                                r"distributed\.initialize")  # fmt: skip


def test_tests_needing_host_devices_pin_the_cpu_platform():
    """Runs everywhere: a test module that asks for several host CPU devices or processes
    passes JAX_PLATFORMS=cpu to its subprocesses (the ``cpu_subprocess_env`` fixture), so
    on a GPU machine it still gets them; in-process runs it compares with are pinned
    with ``devices=jax.devices("cpu")``."""
    here = pathlib.Path(__file__).parent
    for path in sorted(here.rglob("test_*.py")):
        if path.name == pathlib.Path(__file__).name:
            continue
        text = path.read_text()
        if SUBPROCESS_DEVICES.search(text) and "subprocess" in text:
            assert "cpu_subprocess_env" in text, f"{path.name} does not pin JAX_PLATFORMS=cpu"

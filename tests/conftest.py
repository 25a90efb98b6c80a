import os

import numpy as np
import pytest

import jaxclimb as jc


@pytest.fixture(scope="session")
def problem_a():
    return jc.datasets.problem_a()


@pytest.fixture(scope="session")
def small_binary():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3)).astype(np.float32)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, y


@pytest.fixture
def cpu_subprocess_env():
    """``env(**extra)``: this process's environment for a subprocess that needs several host
    CPU devices or processes, with ``JAX_PLATFORMS=cpu`` (on a GPU machine the default
    backend is the GPU, with one device, and two processes on one GPU fail in NCCL), no
    inherited ``XLA_FLAGS``, and ``extra``."""

    def env(**extra: str) -> dict:
        base = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
        return {**base, "JAX_PLATFORMS": "cpu", **extra}

    return env


# The command line turns JAX's persistent compilation cache on; tests that call it in this
# process must not fill the user's cache folder (tests/cli/test_cli_output.py checks the cache
# in subprocesses with a folder of their own).
os.environ.setdefault("JAXCLIMB_COMPILE_CACHE", "off")

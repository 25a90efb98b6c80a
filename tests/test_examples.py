"""Every example runs as written, each in a fresh interpreter (slow: minutes in all)."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
NEEDS = {"flax_model.py": "flax", "equinox_model.py": "equinox", "gymnax_cartpole.py": "gymnax"}


def test_examples_are_found():
    names = {p.name for p in EXAMPLES}
    assert {"flax_model.py", "equinox_model.py", "control_task.py", "rastrigin.py"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path, tmp_path):
    module = NEEDS.get(path.name)
    if module and importlib.util.find_spec(module) is None:
        pytest.skip(f"{path.name} needs {module} (pip install '.[examples]')")
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip()  # it reports what it found

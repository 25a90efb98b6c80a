"""benchmarks/gpu.py runs end to end in its smoke mode (tiny sizes, any backend)."""

import json
import pathlib
import subprocess
import sys

import pytest

BENCHMARKS = pathlib.Path(__file__).parent.parent / "benchmarks"


@pytest.mark.slow
def test_gpu_benchmark_smoke_mode_writes_every_row(tmp_path):
    out = tmp_path / "gpu.json"
    done = subprocess.run([sys.executable, "gpu.py", "--smoke", "--json", str(out)],
                          cwd=BENCHMARKS, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    whats = {r["what"] for r in report["rows"]}
    assert {"jaxclimb fused float32", "jaxclimb xla float32", "bare forward"} <= whats
    assert all("error" not in r for r in report["rows"]), report["rows"]
    assert report["cli"]["returncode"] == 0 and "compile" in report["cli"]["breakdown"][0]

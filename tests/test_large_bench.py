"""benchmarks/large.py --quick runs end to end and writes its JSON."""

import importlib.util
import json
import os
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks")


@pytest.mark.slow
def test_large_benchmark_quick_writes_its_json(tmp_path):
    sys.path.insert(0, BENCH)
    try:
        import large
    finally:
        sys.path.remove(BENCH)
    out = tmp_path / "large.json"
    large.main(["--quick", "--out", str(out)])
    report = json.loads(out.read_text())
    paths = {row["path"]: row for row in report["throughput"][0]["paths"]}
    low = next(row for name, row in paths.items() if name.startswith("ES low rank"))
    assert low["evals_per_s"] > 0 and low["vs_full_rank_es"] > 0
    assert paths["full forward"]["evals_per_s"] > 0
    incremental = paths["hill-climb, incremental"]
    assert incremental["evals_per_s"] is not None or incremental["note"] == "not on this branch"
    methods = [row["method"] for row in report["fits"][0]["rows_"]]
    has_evosax = importlib.util.find_spec("evosax") is not None
    assert any(m.startswith("evosax Open_ES") for m in methods) == has_evosax
    assert len(methods) == (7 if has_evosax else 5)
    assert all(0.0 <= row["test_accuracy"] <= 1.0 for row in report["fits"][0]["rows_"])
    assert "core" in report["machine"] and isinstance(report["under_load"], bool)

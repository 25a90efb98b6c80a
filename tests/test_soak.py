"""The soak test: 10^6 steps, memory flat. Not in the default run: ``pytest -m soak``."""

import importlib.util
import pathlib

import pytest


@pytest.mark.soak
def test_million_steps_memory_stays_flat():
    path = pathlib.Path(__file__).parents[1] / "benchmarks" / "soak.py"
    spec = importlib.util.spec_from_file_location("soak", path)
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    report = soak.soak(steps=1_000_000, population=64)
    assert report["history_shape"] == [64, 1001]
    assert report["rss_growth_mb_first_to_last_tenth"] < 50

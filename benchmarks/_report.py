"""Shared by the benchmark scripts: where results go and how they are written."""

from __future__ import annotations

import json
import os
import platform

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def default_path(name: str) -> str:
    """``benchmarks/results/NAME``."""
    return os.path.join(RESULTS, name)


def write_json(path: str, report: dict) -> None:
    """Write ``report`` as indented JSON (folders created) and say where."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as handle:
        json.dump(report, handle, indent=2, default=str)
    print(f"wrote {path}")


def cpu_model() -> str:
    """The CPU's model name (``lscpu``'s), for the record."""
    try:
        with open("/proc/cpuinfo") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()

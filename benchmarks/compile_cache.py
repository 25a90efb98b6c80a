"""Compile time of `python -m jaxclimb run` with JAX's persistent compilation cache: a first
run into an empty cache folder, then second runs in fresh processes that find the programs
there. Each run is its own process, as a user's would be.

    python benchmarks/compile_cache.py [--repeats 5] [--steps 1000] [--json PATH]

It prints a table and writes JSON (default benchmarks/results/compile_cache.json). The
CLI's own line "compile X s" is what is measured: tracing, lowering and fetching (or
compiling) the init and chunk programs. Timings on a shared machine are noisy: the best of
``--repeats`` second runs is the figure to quote, with the median beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

from _report import default_path, write_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli_compile_seconds(cache: str | None, extra: list[str]) -> float:
    """One `python -m jaxclimb run --quiet` in a fresh process; the compile seconds it reports."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    env["JAXCLIMB_COMPILE_CACHE"] = cache or "off"
    out = subprocess.run([sys.executable, "-m", "jaxclimb", "run", "--quiet", *extra], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return float(re.search(r"compile ([0-9.]+) s", out).group(1))


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="second runs to time (5)")
    parser.add_argument("--json", default=default_path("compile_cache.json"))
    parser.add_argument("--steps", default="1000", help="steps of each run (1000, the default run)")
    args = parser.parse_args()
    extra = ["--steps", args.steps]
    rows = {}
    with tempfile.TemporaryDirectory() as cache:
        rows["no cache"] = [cli_compile_seconds(None, extra) for _ in range(2)]
        rows["first run, empty cache"] = [cli_compile_seconds(cache, extra)]
        rows["second run, fresh process"] = [
            cli_compile_seconds(cache, extra) for _ in range(args.repeats)
        ]
        files = sum(len(f) for _, _, f in os.walk(cache))
    print(f"python -m jaxclimb run --steps {args.steps}: compile seconds ({cpu_name()}, "
          f"{os.cpu_count()} cores; cache entries {files})")  # fmt: skip
    print(f"{'':28}{'best':>8}{'median':>8}{'runs':>6}")
    for name, values in rows.items():
        print(f"{name:28}{min(values):8.3f}{statistics.median(values):8.3f}{len(values):6d}")
    write_json(args.json, {"cpu": cpu_name(), "cores": os.cpu_count(), "cache_entries": files,
                           "steps": int(args.steps), "compile_seconds": rows})  # fmt: skip


if __name__ == "__main__":
    main()

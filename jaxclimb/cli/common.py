"""What the commands share: devices, processes, data and output paths."""

from __future__ import annotations

import argparse
import os


def check_output_folders(args: argparse.Namespace, *names: str) -> None:
    """Each ``--NAME`` path given must be in an existing folder (checked before a run, so
    nothing computed is lost to a bad path)."""
    for name in names:
        path = getattr(args, name)
        if path is not None and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise ValueError(f"--{name}: folder of {path!r} does not exist")


def start_devices(args: argparse.Namespace) -> None:
    """One CPU device per core (before JAX starts), and the multi-process runtime when
    asked for."""
    from ..engine.devices import use_cpu_cores

    if args.devices is not None and args.devices < 1:
        raise ValueError(f"--devices must be >= 1; got {args.devices}")
    use_cpu_cores(args.devices)
    processes = (getattr(args, name, None) for name in ("num_processes", "process_id"))
    if getattr(args, "coordinator", None) or any(p is not None for p in processes):
        from ..engine.distributed import initialize

        initialize(args.coordinator, args.num_processes, args.process_id)


def load_data(args: argparse.Namespace, metric: str) -> tuple:
    """``(X_train, X_test, y_train, y_test, source)`` from ``--data``/``--target`` or
    problem A."""
    from ..datasets import from_options

    return from_options(
        args.data, args.target, metric, test_size=args.test_size, split_seed=args.split_seed
    )

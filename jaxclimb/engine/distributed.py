"""One population across several processes (hosts), with JAX's own distributed runtime.

Call :func:`~jaxclimb.engine.distributed.initialize` at the start of every process, before any JAX
array exists; then
``jax.devices()`` lists the devices of all processes, ``run`` shards the population over
them, and every process gets the whole result as NumPy. On CPUs the processes exchange
data through gloo collectives.

Example (two processes on one machine, one shell each)::

    python -c "import jaxclimb as jc; jc.distributed.initialize('127.0.0.1:1234', 2, 0); ..."
    python -c "import jaxclimb as jc; jc.distributed.initialize('127.0.0.1:1234', 2, 1); ..."
"""

from __future__ import annotations

import contextlib
import os

import jax

from .._checks import check_int

__all__ = ["initialize"]


def initialize(
    coordinator_address: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> tuple[int, int]:
    """Join a multi-process run; returns ``(process_id, num_processes)``.

    Args:
        coordinator_address: ``host:port`` of process 0 (default: the
            ``JAX_COORDINATOR_ADDRESS`` environment variable).
        num_processes: processes in the run (default: ``JAX_NUM_PROCESSES``).
        process_id: this process's index, from 0 (default: ``JAX_PROCESS_ID``).

    With none of them given and none of the variables set, JAX's own detection of
    cluster environments (SLURM, Open MPI, Kubernetes, ...) is used.
    """
    env = os.environ
    coordinator_address = coordinator_address or env.get("JAX_COORDINATOR_ADDRESS")
    if num_processes is None and env.get("JAX_NUM_PROCESSES"):
        num_processes = int(env["JAX_NUM_PROCESSES"])
    if process_id is None and env.get("JAX_PROCESS_ID"):
        process_id = int(env["JAX_PROCESS_ID"])
    if coordinator_address is not None:
        host, _, port = coordinator_address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(
                f"coordinator_address must be 'host:port'; got {coordinator_address!r}"
            )
    if num_processes is not None:
        num_processes = check_int("num_processes", num_processes, minimum=1)
    if process_id is not None:
        process_id = check_int("process_id", process_id, minimum=0)
        if num_processes is not None and process_id >= num_processes:
            raise ValueError(
                f"process_id must be < num_processes ({num_processes}); got {process_id}"
            )
    # CPU processes talk through gloo; a JAX without this option keeps its own default.
    with contextlib.suppress(AttributeError, ValueError):
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(
        coordinator_address=coordinator_address,
        num_processes=num_processes,
        process_id=process_id,
    )
    _connect_quietly()
    return jax.process_index(), jax.process_count()


def _connect_quietly() -> None:
    """Open the processes' collective connections now, with the C++ "[Gloo] Rank i is
    connected to ..." lines that go to the process's stdout thrown away, so a run's output
    is only its own."""
    from jax.experimental import multihost_utils

    with _silenced(1), _silenced(2):
        multihost_utils.sync_global_devices("jaxclimb: connect")


@contextlib.contextmanager
def _silenced(fd: int):
    """File descriptor ``fd`` (1: stdout, 2: stderr) to the null device for the block."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = os.dup(fd)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(null)
        os.close(saved)

"""Which devices a run may use: a checked device list, and host CPU devices per core.

Example:
    >>> len(device_list(None)) >= 1
    True
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import jax


def device_list(devices: Sequence[jax.Device] | None) -> list[jax.Device]:
    """``devices`` as a non-empty list of :class:`jax.Device` (default: every device of the
    default backend), or a clear error naming the argument."""
    if devices is None:
        return list(jax.devices())
    if isinstance(devices, str | bytes) or not hasattr(devices, "__iter__"):
        raise TypeError(
            f"devices must be a list of jax devices (e.g. jax.devices()[:2]); got {devices!r}"
        )
    devices = list(devices)
    if not devices:
        raise ValueError("devices must name at least one device")
    wrong = [d for d in devices if not isinstance(d, jax.Device)]
    if wrong:
        raise TypeError(f"devices must hold jax devices (from jax.devices()); got {wrong[0]!r}")
    return devices


def use_cpu_cores(n: int | None = None) -> int:
    """Expose ``n`` host CPU devices (default: every core) so a population spreads over cores.

    One XLA CPU device keeps about one core busy; several host devices, with the population
    sharded over them, use the whole machine. Must be called before JAX starts its backend
    (before any array is created). Does nothing if the user already chose a device count
    through ``XLA_FLAGS`` or ``JAX_NUM_CPU_DEVICES``, or if the backend is already running.

    It also lets XLA's CPU code use the machine's widest vectors (512-bit on a CPU with
    AVX-512; XLA's default is 256), unless ``XLA_FLAGS`` already sets a vector width.

    Returns:
        The number of CPU devices requested (0 if nothing was changed).
    """
    prefer_widest_vectors()
    if "xla_force_host_platform_device_count" in os.environ.get("XLA_FLAGS", ""):
        return 0
    if os.environ.get("JAX_NUM_CPU_DEVICES"):
        return 0
    if n is None:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    n = max(1, int(n or 1))
    try:
        jax.config.update("jax_num_cpu_devices", n)
    except RuntimeError:  # backend already initialised
        return 0
    return n


def widest_vector_bits(cpuinfo: str = "/proc/cpuinfo") -> int:
    """The widest SIMD vector of this CPU in bits, from its feature flags (512 with AVX-512,
    256 with AVX, else 128; 256 where the flags cannot be read).

    Example:
        >>> widest_vector_bits() in (128, 256, 512)
        True
    """
    try:
        with open(cpuinfo) as handle:
            flags = next((line for line in handle if line.startswith("flags")), "").split()
    except OSError:
        return 256
    if not flags:
        return 256
    return 512 if "avx512f" in flags else 256 if "avx" in flags else 128


def prefer_widest_vectors() -> None:
    """Ask XLA's CPU compiler for the widest vectors the CPU has (the fused forward pass
    over rows gains most; see benchmarks/README.md, roofline). Takes effect only before JAX
    starts its backend; the arithmetic per element is the same, only faster."""
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_cpu_prefer_vector_width" in flags or widest_vector_bits() <= 256:
        return
    os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_prefer_vector_width=512".strip()

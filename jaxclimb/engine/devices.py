"""Which devices a run may use: a checked device list, and host CPU devices per core.

Example:
    >>> len(device_list(None)) >= 1
    True
"""

from __future__ import annotations

import contextlib
import functools
import glob
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


@functools.cache
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


DEFAULT_CORE_CACHE = 2**20
"""Bytes of cache per core assumed where the machine does not say."""


@functools.cache
def core_cache_bytes(root: str = "/sys/devices/system/cpu/cpu0/cache") -> int:
    """Size of the largest data cache private to one core (L2 on most CPUs), from
    ``/sys`` or ``os.sysconf``; :data:`DEFAULT_CORE_CACHE` where neither says.

    Example:
        >>> core_cache_bytes() > 0
        True
    """
    sizes = [_private_cache_size(index) for index in glob.glob(os.path.join(root, "index*"))]
    if not any(sizes) and hasattr(os, "sysconf"):
        with contextlib.suppress(ValueError, OSError):
            sizes.append(os.sysconf("SC_LEVEL2_CACHE_SIZE"))
    return max([s for s in sizes if s and s > 0] or [DEFAULT_CORE_CACHE])


def _private_cache_size(index: str) -> int | None:
    """Bytes of the cache described by ``index`` (a /sys cache folder) if it holds data
    and belongs to one CPU, else None."""
    try:
        fields = {}
        for name in ("type", "size", "shared_cpu_list"):
            with open(os.path.join(index, name)) as handle:
                fields[name] = handle.read().strip()
        size = fields["size"]
        units = {"K": 2**10, "M": 2**20, "G": 2**30}
        nbytes = int(size[:-1]) * units[size[-1]] if size[-1:] in units else int(size)
    except (OSError, ValueError, KeyError, IndexError):
        return None
    shared = fields["shared_cpu_list"]
    private = "," not in shared and "-" not in shared
    return nbytes if private and fields["type"] in ("Data", "Unified") else None

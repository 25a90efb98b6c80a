"""Compiled programs kept on disk between processes, so a second ``jaxclimb run`` of a
configuration neither traces, lowers nor compiles anything.

JAX's persistent compilation cache (which the command line also turns on) saves XLA's
work but still traces and lowers every program to find its key; for the CLI's default
run that is most of the remaining start-up time. Here the key is the configuration
itself (the algorithm's structure and static settings, the shapes and dtypes of its
arrays, the initialiser, the layout on the devices, the versions of jaxclimb, JAX and
jaxlib) and the value the serialized executables. Only configurations whose description
is stable across processes are kept (none that mentions an object's memory address, such
as a lambda), only in a single-process run, and only when a folder is set
(:func:`use_folder`: the command line does it). Entries are read with pickle, as JAX's
own cache reads executables: the folder must be the user's own.

Example:
    >>> use_folder(None)  # the library default: nothing on disk
    >>> FOLDER is None
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from typing import Any

import jax

from .._version import __version__

FOLDER: str | None = None
_FORMAT = 2  # 1 could hold programs JAX's own cache had returned, which fail when run
_JAX_CACHE_HITS = [0, False]  # hits counted so far, listener registered


def use_folder(folder: str | None) -> None:
    """Keep compiled programs in ``folder`` (None: not at all)."""
    global FOLDER
    FOLDER = folder


def jax_cache_hits() -> int:
    """How many executables JAX's persistent cache has returned in this process so far.

    An executable JAX read back from its cache serializes without some of its compiled
    functions ("Function ... not found" when the reloaded copy runs), so :func:`store` is
    only given programs compiled while this count stood still."""
    if not _JAX_CACHE_HITS[1]:
        jax.monitoring.register_event_listener(_count_hit)
        _JAX_CACHE_HITS[1] = True
    return _JAX_CACHE_HITS[0]


def _count_hit(event: str, **_: Any) -> None:
    if event == "/jax/compilation_cache/cache_hits":
        _JAX_CACHE_HITS[0] += 1


def entry_path(signature: tuple) -> str | None:
    """The file of a configuration's programs, or None when it is not to be kept."""
    if FOLDER is None or jax.process_count() > 1:
        return None
    text = repr((_FORMAT, __version__, jax.__version__, jax.lib.__version__, _machine(),
                 signature))  # fmt: skip
    if " at 0x" in text:  # an object known only by its address: not the same next time
        return None
    return os.path.join(FOLDER, hashlib.sha256(text.encode()).hexdigest() + ".jaxclimb")


def _machine(cpuinfo: str = "/proc/cpuinfo") -> str:
    """The CPU's model and feature flags: an executable compiled for one CPU may use
    instructions another lacks (a home folder shared between machines)."""
    try:
        with open(cpuinfo) as handle:
            lines = [ln for ln in handle if ln.startswith(("model name", "flags"))][:2]
    except OSError:
        return ""
    return "".join(lines)


def load(signature: tuple, devices: list) -> tuple[Any, Any, Any] | None:
    """``(init, chunk, init_shape)`` for ``signature`` from disk, or None."""
    path = entry_path(signature)
    if path is None or not os.path.isfile(path):
        return None
    from jax.experimental.serialize_executable import deserialize_and_load

    try:
        with open(path, "rb") as handle:
            init, chunk, init_shape = pickle.load(handle)
        programs = [deserialize_and_load(*p, execution_devices=devices) for p in (init, chunk)]
    except Exception:  # stale, truncated or from another installation: compile afresh
        with contextlib.suppress(OSError):
            os.remove(path)
        return None
    return programs[0], programs[1], init_shape


def store(signature: tuple, init: Any, chunk: Any, init_shape: Any) -> None:
    """Write the compiled programs of ``signature`` (atomically; failures are ignored)."""
    path = entry_path(signature)
    if path is None:
        return
    from jax.experimental.serialize_executable import serialize

    try:
        blob = pickle.dumps((serialize(init), serialize(chunk), init_shape))
        os.makedirs(FOLDER, exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(blob)
        os.replace(temporary, path)
    except Exception:  # an executable that cannot be serialized, a full disk: no cache
        with contextlib.suppress(OSError, UnboundLocalError):
            os.remove(temporary)

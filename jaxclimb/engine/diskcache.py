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
(:func:`use_folder`: the command line does it, and the estimators through
:func:`use_user_folder`). Entries are read with pickle, as JAX's own cache reads
executables: the folder must be the user's own. ``JAXCLIMB_COMPILE_CACHE=off`` turns both
caches off; a folder there moves them.

Example:
    >>> use_folder(None)  # the library default: nothing on disk
    >>> FOLDER is None
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import pickle
import threading
from typing import Any

import jax

from .._version import __version__

FOLDER: str | None = None
VARIABLE = "JAXCLIMB_COMPILE_CACHE"
_DECIDED = [False]  # enable() or use_user_folder() ran: the folder is chosen (or refused)
_FORMAT = 2  # 1 could hold programs JAX's own cache had returned, which fail when run
_JAX_CACHE_HITS = [0, False]  # hits counted so far, listener registered


def use_folder(folder: str | None) -> None:
    """Keep compiled programs in ``folder`` (None: not at all)."""
    global FOLDER
    FOLDER = folder


def user_folder(disabled: bool = False) -> str | None:
    """The caches' folder: None when ``disabled`` or ``JAXCLIMB_COMPILE_CACHE=off`` (also
    ``0``, ``no``, ``false``); else that variable's folder, or ``jaxclimb/xla`` under the
    user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``; ``%LOCALAPPDATA%`` on
    Windows), never the working directory."""
    setting = os.environ.get(VARIABLE, "").strip()
    if disabled or setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return setting
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return os.path.join(base or os.path.join(os.path.expanduser("~"), ".cache"), "jaxclimb", "xla")


def enable(folder: str | None, *, jax_cache: bool = True) -> str | None:
    """Keep compiled programs under ``folder`` and, with ``jax_cache``, point JAX's
    persistent compilation cache there (every program, however quick to compile).
    Returns the folder, or None when there is none or it cannot be created (a warning).
    Either way the choice is made for this process: :func:`use_user_folder` keeps it (the
    command line's ``--no-compile-cache`` holds for the estimators it runs)."""
    _DECIDED[0] = True
    if folder is None:
        return None
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:  # a read-only home: run without the cache
        import warnings

        warnings.warn(f"compilation cache off: cannot create {folder!r} ({exc})", stacklevel=3)
        return None
    use_folder(os.path.join(folder, "programs"))  # no tracing either
    if jax_cache:
        jax.config.update("jax_compilation_cache_dir", folder)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return folder


def use_user_folder() -> None:
    """The estimators' caches, once per process: :func:`user_folder`'s, so the worker
    processes of ``GridSearchCV(..., n_jobs=2)`` read what another compiled. Nothing
    changes when the folder was already chosen or refused (by the command line). JAX's
    own cache, which holds every program a process compiles, is pointed there only in a
    worker process (one started by another Python process, as joblib's are) and only
    when the user has set no JAX cache folder: a user's own process keeps its JAX
    configuration."""
    if _DECIDED[0] or FOLDER is not None:
        return
    _DECIDED[0] = True
    worker = multiprocessing.parent_process() is not None
    enable(user_folder(), jax_cache=worker and _users_jax_folder() is None)


def _users_jax_folder() -> str | None:
    return jax.config.jax_compilation_cache_dir


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
        temporary = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(blob)
        os.replace(temporary, path)
    except Exception:  # an executable that cannot be serialized, a full disk: no cache
        with contextlib.suppress(OSError, UnboundLocalError):
            os.remove(temporary)

"""What a command sets up before its work: devices, processes, the compile cache, and
output paths checked (or a fallback when one cannot be written)."""

from __future__ import annotations

import argparse
import os


def check_output_folders(args: argparse.Namespace, *names: str) -> None:
    """Each ``--NAME`` path given must be a file this process can write: not a folder, in
    an existing folder, and opened for writing once (permissions, read-only mounts), so
    nothing computed is lost to a bad path. A file the check creates is removed again."""
    for name in names:
        path = getattr(args, name)
        if path is None:
            continue
        flag = f"--{name}"
        if not str(path).strip() or os.path.isdir(path):
            raise ValueError(f"{flag} {path!r} is a folder or empty; give a file path")
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise ValueError(f"{flag}: folder of {path!r} does not exist")
        existed = os.path.exists(path)
        try:
            with open(path, "a"):
                pass
        except OSError as exc:
            raise ValueError(f"{flag}: cannot write {path!r} ({exc.strerror})") from None
        if not existed:
            os.remove(path)


def write_or_fall_back(flag: str, path: str, write) -> int:
    """``write(path)``; if that fails, ``write`` to a fallback file that is named (exit
    status 1), so the numbers computed are never lost."""
    import sys
    import tempfile

    try:
        write(path)
        print(f"wrote {path}")
        return 0
    except OSError as exc:
        suffix = os.path.splitext(path)[1] or ".out"
        handle, fallback = tempfile.mkstemp(prefix="jaxclimb-", suffix=suffix)
        os.close(handle)
        write(fallback)
        print(f"jaxclimb: error: could not write {flag} {path!r} ({exc}); wrote {fallback} "
              "instead", file=sys.stderr)  # fmt: skip
        return 1


CACHE_VARIABLE = "JAXCLIMB_COMPILE_CACHE"
"""A folder for JAX's persistent compilation cache, or ``off`` (also ``0``, ``no``)."""


def compile_cache_folder(args: argparse.Namespace) -> str | None:
    """Where the command line keeps compiled programs between processes: ``None`` with
    ``--no-compile-cache`` or ``JAXCLIMB_COMPILE_CACHE=off``; else that variable's folder,
    or ``jaxclimb/xla`` under the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``;
    ``%LOCALAPPDATA%`` on Windows)."""
    setting = os.environ.get(CACHE_VARIABLE, "").strip()
    if getattr(args, "no_compile_cache", False) or setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return setting
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return os.path.join(base or os.path.join(os.path.expanduser("~"), ".cache"), "jaxclimb", "xla")


def enable_compile_cache(args: argparse.Namespace) -> str | None:
    """Turn on JAX's persistent compilation cache (every program, however quick to
    compile), so a second ``jaxclimb run`` of a configuration compiles nothing."""
    folder = compile_cache_folder(args)
    if folder is None:
        return None
    import jax

    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:  # a read-only home: run without the cache
        import warnings

        warnings.warn(f"compilation cache off: cannot create {folder!r} ({exc})", stacklevel=2)
        return None
    from ..engine import diskcache

    diskcache.use_folder(os.path.join(folder, "programs"))  # no tracing either
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return folder


PROCESS_VARIABLES = ("JAX_COORDINATOR_ADDRESS", "JAX_NUM_PROCESSES", "JAX_PROCESS_ID")


def start_devices(args: argparse.Namespace) -> None:
    """One CPU device per core (before JAX starts), the compilation cache, and the
    multi-process runtime when asked for by options or by the ``JAX_*`` variables."""
    from ..engine.devices import use_cpu_cores

    if args.devices is not None and args.devices < 1:
        raise ValueError(f"--devices must be >= 1; got {args.devices}")
    use_cpu_cores(args.devices)
    enable_compile_cache(args)
    processes = (getattr(args, name, None) for name in ("num_processes", "process_id"))
    asked = getattr(args, "coordinator", None) or any(p is not None for p in processes)
    if asked or any(os.environ.get(v) for v in PROCESS_VARIABLES):
        from ..engine.distributed import initialize

        initialize(getattr(args, "coordinator", None), getattr(args, "num_processes", None),
                   getattr(args, "process_id", None))  # fmt: skip

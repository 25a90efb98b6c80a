"""Files that never lose a result: writable paths checked before a run, atomic writes
through unique temporary files, and one clear error for any unreadable file.

Example:
    >>> import os, tempfile, numpy as np
    >>> folder = tempfile.mkdtemp()
    >>> path = atomic_savez(os.path.join(folder, "x.npz"), meta={"a": 1}, x=np.arange(3))
    >>> meta, arrays = read_npz(path, "test file")
    >>> meta, arrays["x"].tolist(), os.listdir(folder)
    ({'a': 1}, [0, 1, 2], ['x.npz'])
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import tempfile
import time
import zipfile
from typing import Any

import numpy as np

STALE_SECONDS = 3600.0
"""A temporary file of another host (or of an earlier version) untouched this long is stale."""


def npz_path(path: str | os.PathLike) -> str:
    """``path`` as a string ending in ``.npz``."""
    path = os.fspath(path)
    return path if path.endswith(".npz") else path + ".npz"


def check_writable(name: str, path: Any) -> str:
    """``path`` as an ``.npz`` path that can be written, or a ValueError naming ``name``:
    not empty, not a folder, in an existing folder this process may write to."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name} must be a file path; got {type(path).__name__} {path!r}")
    if not os.fspath(path).strip():
        raise ValueError(f"{name} must be a file path; got an empty string")
    if os.path.isdir(path) or os.path.isdir(npz_path(path)):
        raise ValueError(f"{name} {os.fspath(path)!r} is a folder; give a file path")
    path = npz_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"{name}: folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{name}: folder {folder!r} is not writable")
    return path


def atomic_savez(path: str | os.PathLike, *, meta: dict, compressed: bool = False,
                 **arrays: np.ndarray) -> str:  # fmt: skip
    """Write ``meta`` (as a JSON header) and ``arrays`` to ``path`` through a temporary
    file of its own in the same folder, then rename: a reader or a concurrent writer never
    sees a partial file, and a failed write leaves nothing behind. Temporary files that
    killed writers left for the same path are removed first (:func:`remove_stale_temps`).
    Returns the path."""
    path = npz_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):  # an OSError, as any failed write: callers fall back on it
        raise FileNotFoundError(errno.ENOENT, f"cannot write {path!r}: no folder {folder!r}")
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, f"cannot write {path!r}: it is a folder; give a "
                                "file path")  # fmt: skip
    remove_stale_temps(path)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            save = np.savez_compressed if compressed else np.savez
            save(file, meta=np.array(json.dumps(meta)), **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def _temp_prefix(path: str) -> str:
    """``.<name>.<host>-<pid>.``: whose temporary file it is, for :func:`remove_stale_temps`."""
    return f".{os.path.basename(path)}.{_host()}-{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_temps(path: str) -> list[str]:
    """Remove the temporary files of writers to ``path`` that were killed mid-write (our
    name pattern only): those of a dead process of this host, and those of another host
    or an earlier version untouched for :data:`STALE_SECONDS`. A live writer's file is
    never touched. Returns the paths removed."""
    folder, name = os.path.split(os.path.abspath(path))
    ours = re.compile(re.escape(f".{name}.") + r"(?:([A-Za-z0-9-]*)-(\d+)\.)?[a-z0-9_]+\.tmp")
    removed = []
    for entry in os.scandir(folder):
        match = ours.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        host, pid = match.groups()
        try:
            if host == _host() and pid is not None:
                stale = int(pid) != os.getpid() and not _alive(int(pid))
            else:
                stale = time.time() - entry.stat().st_mtime > STALE_SECONDS
            if stale:
                os.remove(entry.path)
                removed.append(entry.path)
        except OSError:  # gone already (another writer cleaned it), or not ours to remove
            continue
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_npz(path: str | os.PathLike, what: str) -> tuple[dict, dict]:
    """``(meta, arrays)`` of a file written by :func:`atomic_savez`, or one ValueError
    naming the file and what is wrong with it (missing, empty, truncated, not an ``.npz``,
    no header, an array missing); pickled data are never loaded."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{path!r} is a folder, not a {what}")
    if not os.path.isfile(path):
        raise ValueError(f"{what} {path!r} does not exist")
    if os.path.getsize(path) == 0:
        raise ValueError(f"{path!r} is not a {what}: the file is empty")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path!r} is not a {what}: it is not an .npz file (a .npy array, "
                         "text or another format)")  # fmt: skip
    try:
        with np.load(path, allow_pickle=False) as data:
            if "meta" not in data.files:
                raise ValueError("it has no jaxclimb header")
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name] for name in data.files if name != "meta"}
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
        reason = str(exc)
        if "pickle" in reason:
            reason = "it holds pickled objects, which jaxclimb never loads"
        elif isinstance(exc, zipfile.BadZipFile | EOFError) or "zip" in reason.lower():
            reason = "it is not a complete .npz file (truncated or another format)"
        raise ValueError(f"{path!r} is not a {what}: {reason}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path!r} is not a {what}: its header is not a JSON object")
    return meta, arrays


def json_ready(name: str, value: Any) -> Any:
    """``value`` as plain JSON data (NumPy scalars and arrays converted), or a TypeError
    naming ``name`` and the part that cannot be saved."""

    def convert(x):
        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, np.ndarray):
            return x.tolist()
        raise TypeError(f"{name} must be JSON-ready; {type(x).__name__} {x!r} is not")

    return json.loads(json.dumps(value, default=convert))

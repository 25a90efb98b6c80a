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
import tempfile
import zipfile
from typing import Any

import numpy as np

RESULT_ARRAYS = ("best_score", "final_score", "history", "history_steps")
RESULT_COUNTS = ("n_accepted", "n_evaluations", "n_nonfinite", "n_steps")
RESULT_SCALARS = ("steps_run", "stopped_early", "interrupted", "compile_seconds", "run_seconds")


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
    sees a partial file, and a failed write leaves nothing behind. Returns the path."""
    path = npz_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):  # an OSError, as any failed write: callers fall back on it
        raise FileNotFoundError(errno.ENOENT, f"cannot write {path!r}: no folder {folder!r}")
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                   suffix=".tmp")  # fmt: skip
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


def checked_result(meta: dict, stored: dict, path: str) -> tuple[dict, list]:
    """The arrays and weight leaves of a saved result, checked against its header."""
    missing = [k for k in (*RESULT_SCALARS, "config", "params") if k not in meta]
    missing += [k for k in RESULT_ARRAYS + RESULT_COUNTS if k not in stored]
    if missing:
        raise ValueError(f"{path!r} is not a saved jaxclimb result: {missing[0]!r} is missing")
    arrays = {name: stored[name] for name in RESULT_ARRAYS + RESULT_COUNTS}
    n_leaves = sum(1 for name in stored if name.startswith("params_"))
    leaves = [stored.get(f"params_{i}") for i in range(n_leaves)]
    population = arrays["best_score"].shape[:1]
    wrong = [k for k in ("final_score", *RESULT_COUNTS) if arrays[k].shape != population]
    if arrays["history"].shape != population + arrays["history_steps"].shape:
        wrong.append("history")
    wrong += [f"params_{i}" for i, x in enumerate(leaves) if x is None or x.shape[:1] != population]
    if wrong:
        raise ValueError(
            f"{path!r} does not hold together: {wrong[0]!r} does not match "
            f"{population[0] if population else 0} climbers (was it edited?)"
        )
    return arrays, leaves

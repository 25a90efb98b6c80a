"""Checkpoints of a running search: the full loop state, keys included, written atomically.

A checkpoint holds every array the compiled loop carries (climber states, counters, the
step counter), each climber's key, the history recorded so far and the run's settings, in
an ``.npz`` with a JSON header (no pickle). It is written to a temporary file and renamed,
so a crash never leaves a half-written checkpoint behind. ``jaxclimb.resume`` continues it
and ends bitwise identical to a run that was never interrupted.

While a run writes a checkpoint it holds ``<checkpoint>.lock`` (:func:`checkpoint_lock`:
its process id, host and command), so a second run or resume given the same path is
refused, naming the first, instead of the two overwriting each other.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._checks import check_int
from .._files import atomic_savez, npz_path, read_npz
from .._version import __version__
from ..results import to_host

FORMAT = 1


def save_checkpoint(
    path: str, *, carry: Any, loop_keys: jax.Array, initial_best, history, settings: dict,
    fingerprint: dict | None = None,
) -> str:  # fmt: skip
    """Write the loop state to ``path`` atomically (a unique temporary file, then a
    rename); returns the path written."""
    leaves = jax.tree_util.tree_leaves(carry)
    key_leaves = [i for i, x in enumerate(leaves) if _is_key(x)]
    impl = str(jax.random.key_impl(loop_keys))
    host = to_host([jax.random.key_data(x) if _is_key(x) else x for x in leaves])
    arrays = {f"carry_{i}": np.asarray(x) for i, x in enumerate(host)}
    arrays["loop_keys"] = to_host(jax.random.key_data(loop_keys))
    arrays["initial_best"] = to_host(initial_best)
    arrays["history"] = np.asarray(history)
    meta = {
        "format": FORMAT,
        "version": __version__,
        "n_leaves": len(leaves),
        "key_leaves": key_leaves,
        "key_impl": impl,
        "settings": settings,
        "fingerprint": fingerprint or {},
    }
    if jax.process_index() != 0:  # every process holds the same gathered state
        return npz_path(path)
    return atomic_savez(path, meta=meta, **arrays)


def load_checkpoint(path: str) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint` (arrays stay NumPy), or one
    ValueError naming the file and what is wrong with it."""
    meta, arrays = read_npz(path, "jaxclimb checkpoint")
    if "params" in meta and "config" in meta:  # a SearchResult's header
        raise ValueError(
            f"{path!r} is a saved result (SearchResult.save, jaxclimb run --out), not a "
            "checkpoint: a result cannot be resumed; resume the checkpoint its run wrote "
            "(jaxclimb run --checkpoint FILE, or checkpoint= in jaxclimb.run)"
        )
    if meta.get("format") != FORMAT or "settings" not in meta:
        raise ValueError(f"checkpoint {path!r} has an unknown format {meta.get('format')!r}")
    names = [f"carry_{i}" for i in range(int(meta.get("n_leaves", -1)))]
    missing = [n for n in (*names, "loop_keys", "initial_best", "history") if n not in arrays]
    if missing or not names:
        raise ValueError(f"{path!r} is not a jaxclimb checkpoint: {missing[:1] or 'carry'} missing")
    out = {name: arrays[name] for name in ("loop_keys", "initial_best", "history")}
    return {"meta": meta, "leaves": [arrays[n] for n in names], **out}


def refuse_unfinished(path: str | None) -> None:
    """A new run must not overwrite the checkpoint of a run that has not finished."""
    if path is None or not os.path.isfile(path):
        return
    try:
        settings = load_checkpoint(path)["meta"]["settings"]
    except ValueError:
        return  # not a checkpoint: nothing of a run to lose
    done, total = settings.get("steps_run", 0), settings.get("steps", 0)
    if not settings.get("finished", done >= total):
        raise ValueError(
            f"checkpoint {path!r} holds an unfinished run (step {done:,} of {total:,}); "
            "continue it with jaxclimb.resume (jaxclimb run --resume), or move it away"
        )


def longer_steps(settings: dict, steps_run: int, steps: int | None, path: str) -> int:
    """The steps of a resumed run: the saved run's, or ``steps`` when that is at least
    as many and the saved state is at a chunk boundary (a run that ended mid-chunk has
    stepped its counter past its end and cannot be continued bit for bit)."""
    saved = int(settings["steps"])
    if steps is None or steps == saved:
        return saved
    steps = check_int("steps", steps, minimum=1)
    if steps < saved:
        raise ValueError(f"steps={steps} is fewer than the {saved:,} steps of the run saved in "
                         f"{path!r}; a resumed run can only run longer")  # fmt: skip
    if steps_run % int(settings["chunk_steps"]):
        raise ValueError(f"the run saved in {path!r} ended at step {steps_run:,}, inside a "
                         "chunk; it cannot run longer (start a new run)")  # fmt: skip
    return steps


def restore_keys(meta: dict, leaves: list, loop_keys: np.ndarray):
    """Turn saved key data back into typed keys."""
    impl = meta["key_impl"]
    wrap = lambda data: jax.random.wrap_key_data(jnp.asarray(data), impl=impl)  # noqa: E731
    leaves = [wrap(x) if i in meta["key_leaves"] else x for i, x in enumerate(leaves)]
    return leaves, wrap(loop_keys)


def _is_key(x) -> bool:
    return isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jax.dtypes.prng_key)


@contextlib.contextmanager
def checkpoint_lock(path: str | None) -> Iterator[None]:
    """Hold ``<path>.lock`` while the block runs (process 0 only; no-op for ``None``). A
    lock whose process is gone (same host) is taken over; a live one is a ValueError that
    names the run holding it."""
    if path is None or jax.process_index() != 0:
        yield
        return
    lock = npz_path(path) + ".lock"
    mine = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(),
            "command": " ".join(sys.argv)}  # fmt: skip
    _take(lock, mine, path)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if _holder(lock) == mine:
                os.remove(lock)


def _take(lock: str, mine: dict, path: str) -> None:
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            if holder is None or not _gone(holder):
                raise ValueError(_busy(path, lock, holder)) from None
            with contextlib.suppress(FileNotFoundError):
                os.remove(lock)  # its process is gone: a stale lock
            continue
        except OSError:
            return  # a folder that takes no lock files: run unguarded, as before
        with os.fdopen(handle, "w") as file:
            json.dump(mine, file)
        return
    raise ValueError(_busy(path, lock, _holder(lock)))


def _holder(lock: str) -> dict | None:
    try:
        with open(lock) as file:
            holder = json.load(file)
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _gone(holder: dict) -> bool:
    """The holder's process has ended (only knowable on this host)."""
    if holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int):
        return False
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _busy(path: str, lock: str, holder: dict | None) -> str:
    if holder is None:
        who = "another run (its lock file is being written or unreadable)"
    else:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(holder.get("started", 0)))
        who = (f"process {holder.get('pid')} on {holder.get('host')}, started {when}: "
               f"{holder.get('command', '?')}")  # fmt: skip
    return (
        f"checkpoint {path!r} is being written by {who}; wait for that run to end or "
        f"give another checkpoint path (if that run is gone, delete {lock!r})"
    )

"""Signals while a run is in flight.

* During the loop, a first Ctrl-C, SIGTERM or SIGHUP asks it to stop at the next chunk
  boundary (the state is checkpointed and the best so far returned); a second Ctrl-C
  aborts at once.
* Around work that must not be torn (compilation inside XLA, writing the final result),
  :func:`deferred_interrupts` holds a signal back and raises ``KeyboardInterrupt`` once the
  work is done.

Example:
    >>> with deferred_interrupts() as caught:
    ...     pass
    >>> caught
    []
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from .._log import LOGGER

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def exit_status(signum: int) -> int:
    """The conventional exit status of a process stopped by ``signum`` (128 + its number)."""
    return 128 + int(signum)


@contextlib.contextmanager
def _handlers(handler) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return
    previous = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextlib.contextmanager
def stop_on_signals(stop: list) -> Iterator[None]:
    """The first stop signal is appended to ``stop`` (the loop checks it between chunks);
    a second Ctrl-C raises ``KeyboardInterrupt`` at once."""

    def handler(signum, frame):
        if stop and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if not stop:
            stop.append(signum)
            name = signal.Signals(signum).name
            LOGGER.warning("jaxclimb: %s: stopping at the end of this chunk", name)

    with _handlers(handler):
        yield


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[list]:
    """Hold stop signals back until the block ends, then raise ``KeyboardInterrupt`` if one
    came (its number is in the yielded list, and in the exception's ``args``)."""
    caught: list[int] = []
    with _handlers(lambda signum, frame: caught.append(signum)):
        yield caught
    if caught:
        raise KeyboardInterrupt(caught[0])

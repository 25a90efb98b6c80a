"""The ``jaxclimb`` logger: library messages go through :mod:`logging` (progress and
improvements at INFO, stop notices at WARNING) and problems through :mod:`warnings`.

An application configures logging as it likes (``logging.getLogger("jaxclimb")``). When it
has configured none and asks for messages (``verbose=True``, the command line), they go
to stderr through :func:`tqdm.tqdm.write`, so they never tear a progress bar.

Example:
    >>> import logging
    >>> LOGGER.name, any(isinstance(h, logging.NullHandler) for h in LOGGER.handlers)
    ('jaxclimb', True)
"""

from __future__ import annotations

import logging
import sys

LOGGER = logging.getLogger("jaxclimb")
LOGGER.addHandler(logging.NullHandler())


class _BarSafeHandler(logging.Handler):
    """Writes each record as one line on stderr without breaking a tqdm bar."""

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm.auto import tqdm

        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:  # never let a message break a run
            self.handleError(record)


def show_messages(level: int = logging.INFO) -> None:
    """Let ``jaxclimb`` messages at ``level`` and above reach stderr, unless the
    application already routes them somewhere (its own handlers or the root logger's)."""
    own = [h for h in LOGGER.handlers if not isinstance(h, logging.NullHandler)]
    if own or logging.getLogger().handlers:
        if LOGGER.level == logging.NOTSET or LOGGER.level > level:
            LOGGER.setLevel(level)
        return
    handler = _BarSafeHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(level)


def tell(message: str, *args) -> None:
    """Log ``message`` at INFO for a caller that asked for messages (``verbose=True``)."""
    show_messages()
    LOGGER.info(message, *args)

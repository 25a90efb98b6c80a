"""Entry point of the ``jaxclimb`` console script: dispatch and exit codes."""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import sys
import threading
from collections.abc import Iterator

from .parser import build_parser, given_options

INTERRUPTED = 130
"""The exit status after Ctrl-C (128 + SIGINT), at any moment."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a usage error, 130 when
    interrupted)."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    try:
        with _ctrl_c_ends_the_command(), _warnings_in_one_line():
            return _dispatch(argv)
    except (ValueError, TypeError) as exc:
        print(f"jaxclimb: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jaxclimb: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # output piped into head or similar: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _dispatch(argv: list[str]) -> int:
    """Parse ``argv`` and run its command."""
    args = build_parser().parse_args(argv)
    args.given = given_options(argv)  # what --resume may refuse
    args.command_line = shlex.join(["jaxclimb", *argv])  # recorded in checkpoints
    from .._log import show_messages

    show_messages(logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
    _no_tqdm_monitor()
    if args.command == "compare":
        from .compare import compare_command

        return compare_command(args)
    if args.command == "report":
        from .compare import report_command

        return report_command(args)
    from .run import run_command

    return run_command(args)


@contextlib.contextmanager
def _warnings_in_one_line() -> Iterator[None]:
    """A warning raised inside the package reaches the user as one line in the command's
    words (``jaxclimb: warning: ...``), not as a source path, line and category."""
    import warnings

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if not os.path.abspath(filename).startswith(package + os.sep):
            return shown(message, category, filename, lineno, file, line)
        text = str(message).removeprefix("jaxclimb: ").strip().splitlines()[0]
        print(f"jaxclimb: warning: {text}", file=sys.stderr if file is None else file)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown


@contextlib.contextmanager
def _ctrl_c_ends_the_command() -> Iterator[None]:
    """Ctrl-C ends the command at once with status 130 (Python's own KeyboardInterrupt
    can land in a garbage-collector callback while JAX loads or compiles, where it is
    printed and ignored). The run's loop and its writes put their own handlers in place
    meanwhile: there, Ctrl-C stops at a chunk boundary and keeps the result."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _stop_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_now(signum, frame) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os.write(sys.stderr.fileno(), b"jaxclimb: interrupted\n")
    os._exit(INTERRUPTED)


def console() -> None:
    """The console script and ``python -m jaxclimb``: :func:`main`, then exit. A Ctrl-C
    after the command is done (while Python shuts down) exits 130 too, without a
    traceback."""
    try:
        status = main()
    except KeyboardInterrupt:  # between main's own handler and here
        status = INTERRUPTED
    except SystemExit as done:  # -h, --version
        status = done.code
    signal.signal(signal.SIGINT, _stop_now)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(status)


def _no_tqdm_monitor() -> None:
    """No tqdm monitor thread: the bars refresh as the loop updates them, and a thread
    that outlives the command would take a late Ctrl-C with a traceback."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0

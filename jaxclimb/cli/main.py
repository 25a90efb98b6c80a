"""Entry point of the ``jaxclimb`` console script: dispatch and exit codes."""

from __future__ import annotations

import logging
import os
import sys

from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a usage error, 130 when
    interrupted)."""
    try:
        args = build_parser().parse_args(argv)
        from .._log import show_messages

        show_messages(logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
        if args.command == "compare":
            from .compare import compare_command

            return compare_command(args)
        if args.command == "report":
            from .compare import report_command

            return report_command(args)
        from .run import run_command

        return run_command(args)
    except (ValueError, TypeError) as exc:
        print(f"jaxclimb: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jaxclimb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head or similar: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
